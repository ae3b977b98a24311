"""Each COE's canvas in Slack: its id and link, or why Slack refused it.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coe_canvas",
        sa.Column("coe_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("canvas_id", sa.String(), nullable=True),
        sa.Column("link", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["coe_id"], ["coe.id"]),
        sa.PrimaryKeyConstraint("coe_id"),
    )


def downgrade() -> None:
    op.drop_table("coe_canvas")
