"""A digest period's channels are decided once, in one row: those owed a digest, not each one
with nothing to report.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_period",
        sa.Column("period", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owed_channels", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("period"),
    )


def downgrade() -> None:
    op.drop_table("digest_period")
