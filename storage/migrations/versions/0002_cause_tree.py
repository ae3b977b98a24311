"""A tree of causes: custom questions, human-error steps, branches the team has finished.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("why_step") as batch_op:
        batch_op.add_column(sa.Column("question", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("human_error", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("branch_done", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # The server defaults only fill existing rows; the models set these values from now on.
    with op.batch_alter_table("why_step") as batch_op:
        batch_op.alter_column("human_error", server_default=None)
        batch_op.alter_column("branch_done", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("why_step") as batch_op:
        batch_op.drop_column("branch_done")
        batch_op.drop_column("human_error")
        batch_op.drop_column("question")
