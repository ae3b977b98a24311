"""A COE remembers the highest why number it asked, so a dropped why's number is never reused.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coe") as batch_op:
        batch_op.add_column(
            sa.Column("whys_asked", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE coe SET whys_asked = "
        "(SELECT COALESCE(MAX(number), 0) FROM why_step WHERE why_step.coe_id = coe.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("coe") as batch_op:
        batch_op.drop_column("whys_asked")
