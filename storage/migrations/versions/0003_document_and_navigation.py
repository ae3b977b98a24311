"""The COE document and finding your way: names, permalinks, closing, impact and lessons.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coe") as batch_op:
        batch_op.add_column(sa.Column("permalink", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.String(), nullable=True))
    with op.batch_alter_table("slack_user") as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(), nullable=True))
    op.create_table(
        "coe_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coe_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(), nullable=False),
        sa.Column("source_ts", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coe_id"], ["coe.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coe_id", "source_ts", name="uq_coe_note_source"),
    )
    with op.batch_alter_table("coe_note") as batch_op:
        batch_op.create_index(batch_op.f("ix_coe_note_coe_id"), ["coe_id"], unique=False)


def downgrade() -> None:
    op.drop_table("coe_note")
    with op.batch_alter_table("slack_user") as batch_op:
        batch_op.drop_column("name")
    with op.batch_alter_table("coe") as batch_op:
        batch_op.drop_column("closed_by")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("permalink")
