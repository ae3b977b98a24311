"""Baseline: the schema of the release before migrations (4695ac9), exactly.

A database created by that release has these tables and no version; `coe-bot db upgrade`
stamps it with this revision.

Revision ID: 0001
Revises: nothing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coe",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(), nullable=False),
        sa.Column("channel_id", sa.String(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("facilitator_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("parent_ts", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id", "parent_ts", name="uq_coe_thread"),
    )
    with op.batch_alter_table("coe", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coe_channel_id"), ["channel_id"], unique=False)

    op.create_table(
        "digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(), nullable=False),
        sa.Column("period", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id", "period", name="uq_digest_channel_period"),
    )
    op.create_table(
        "inbox_event",
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("thread_key", sa.String(), nullable=True),
        sa.Column("message_ts", sa.String(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("inbox_event", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_pending", ["processed_at", "next_attempt_at"], unique=False)

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_ts", sa.String(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("resend_if_unknown", sa.Boolean(), nullable=False),
        sa.Column("coalesce_key", sa.String(), nullable=True),
        sa.Column("why_step_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_message_coalesce_key"), ["coalesce_key"], unique=False
        )

    op.create_table(
        "slack_user",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("tz", sa.String(), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coe_id", sa.Integer(), nullable=False),
        sa.Column("why_number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("drop_reason", sa.Text(), nullable=True),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("due_soon_nudged", sa.Boolean(), nullable=False),
        sa.Column("last_nudged_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_ts", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coe_id"],
            ["coe.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coe_id", "source_ts", name="uq_action_item_source"),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_coe_id"), ["coe_id"], unique=False)
        batch_op.create_index("ix_action_item_owner", ["owner_id", "status"], unique=False)
        batch_op.create_index("ix_action_item_sweep", ["status", "due"], unique=False)

    op.create_table(
        "why_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coe_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answer_author", sa.String(), nullable=True),
        sa.Column("answer_ts", sa.String(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("prompt_ts", sa.String(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coe_id"],
            ["coe.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["why_step.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coe_id", "number", name="uq_why_step_number"),
    )
    with op.batch_alter_table("why_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_why_step_coe_id"), ["coe_id"], unique=False)

    op.create_table(
        "action_item_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["action_item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("action_item_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_item_change_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "nudge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["action_item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "day", name="uq_nudge_item_day"),
    )


def downgrade() -> None:
    op.drop_table("nudge")
    with op.batch_alter_table("action_item_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_change_item_id"))

    op.drop_table("action_item_change")
    with op.batch_alter_table("why_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_why_step_coe_id"))

    op.drop_table("why_step")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_action_item_sweep")
        batch_op.drop_index("ix_action_item_owner")
        batch_op.drop_index(batch_op.f("ix_action_item_coe_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_closed_at"))

    op.drop_table("action_item")
    op.drop_table("slack_user")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_coalesce_key"))
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox_message")
    with op.batch_alter_table("inbox_event", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_pending")

    op.drop_table("inbox_event")
    op.drop_table("digest")
    with op.batch_alter_table("coe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coe_channel_id"))

    op.drop_table("coe")
