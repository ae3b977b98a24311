"""Delivery in order per channel, digests Slack refused, archived channels.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("digest_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_outbox_channel", ["channel", "status"], unique=False)
    op.create_table(
        "slack_channel",
        sa.Column("channel_id", sa.String(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel_id"),
    )


def downgrade() -> None:
    op.drop_table("slack_channel")
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_index("ix_outbox_channel")
        batch_op.drop_column("digest_id")
        batch_op.drop_column("channel")
