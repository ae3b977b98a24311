"""What Slack says of each channel (private, shared with another organisation, when last
described), and the items whose deactivated owner their COE's facilitator was told about.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("slack_channel") as batch_op:
        batch_op.add_column(sa.Column("private", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("ext_shared", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "gone_owner_notice",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["action_item.id"]),
        sa.PrimaryKeyConstraint("item_id"),
    )


def downgrade() -> None:
    op.drop_table("gone_owner_notice")
    with op.batch_alter_table("slack_channel") as batch_op:
        batch_op.drop_column("checked_at")
        batch_op.drop_column("ext_shared")
        batch_op.drop_column("private")
