"""An action item may be recorded without a due date, and given one later.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("action_item") as batch_op:
        batch_op.alter_column("due", existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    # Before this revision every item had a date: one without is given the day it was made.
    op.execute("UPDATE action_item SET due = CAST(created_at AS DATE) WHERE due IS NULL")
    with op.batch_alter_table("action_item") as batch_op:
        batch_op.alter_column("due", existing_type=sa.Date(), nullable=False)
