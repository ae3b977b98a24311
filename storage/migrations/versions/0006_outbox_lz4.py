"""Outbox payloads compressed with LZ4 on PostgreSQL, where the server has it.

A digest queues megabytes of payloads at once, and PostgreSQL's default compression (pglz) took
half the time of writing them. Only new values are compressed with LZ4; SQLite is unchanged.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_HAS_LZ4 = (
    "SELECT true FROM pg_settings"
    " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def upgrade() -> None:
    _compress_payloads_with("lz4")


def downgrade() -> None:
    # Back to no setting of its own: the server's default_toast_compression, as before.
    _compress_payloads_with("default")


def _compress_payloads_with(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not bind.execute(sa.text(_HAS_LZ4)).scalar():
        return
    op.execute(f"ALTER TABLE outbox_message ALTER COLUMN payload SET COMPRESSION {method}")
