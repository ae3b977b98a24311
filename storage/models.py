"""Tables. Timestamps are timezone-aware UTC; calendar days (`date`) are in the owner's timezone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import DDL, Connection, Index, Text, UniqueConstraint, event, text
from sqlmodel import Column, Field, SQLModel


class Coe(SQLModel, table=True):
    __tablename__ = "coe"
    __table_args__ = (UniqueConstraint("channel_id", "parent_ts", name="uq_coe_thread"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = ""
    channel_id: str = Field(index=True)
    problem: str = Field(sa_column=Column(Text, nullable=False))
    facilitator_id: str
    # starting -> asking <-> chain_done; "starting" until the parent message exists in Slack.
    status: str = Field(default="starting")
    parent_ts: str | None = None
    created_at: datetime
    ended_at: datetime | None = None
    # Slack's link to the parent message, kept from when it was posted.
    permalink: str | None = None
    # A closed COE ignores answers but still follows up on its action items.
    closed_at: datetime | None = None
    closed_by: str | None = None
    # Optimistic lock: every transition bumps it, so two replies cannot both answer one why.
    version: int = 0
    # The highest why number asked, dropped whys included: a number is never given twice.
    whys_asked: int = 0


class WhyStep(SQLModel, table=True):
    __tablename__ = "why_step"
    __table_args__ = (UniqueConstraint("coe_id", "number", name="uq_why_step_number"),)

    id: int | None = Field(default=None, primary_key=True)
    coe_id: int = Field(foreign_key="coe.id", index=True)
    # The order the whys were asked in: "Why #3", `action #3:`, `#3 also:`.
    number: int
    # The causes form a tree: a step asks about its parent's answer (None: about the problem).
    parent_id: int | None = Field(default=None, foreign_key="why_step.id")
    subject: str = Field(sa_column=Column(Text, nullable=False))
    # The question as asked when it is not the plain "why did <subject> happen?".
    question: str | None = Field(default=None, sa_column=Column(Text))
    # The answer stopped at a person; the next question asks for the mechanism.
    human_error: bool = False
    # The team ran out of ideas about this answer: a root cause, not asked about again.
    branch_done: bool = False
    answer: str | None = Field(default=None, sa_column=Column(Text))
    answer_author: str | None = None
    answer_ts: str | None = None
    answered_at: datetime | None = None
    prompt_ts: str | None = None
    asked_at: datetime


class InboxEvent(SQLModel, table=True):
    """A Slack request stored before it is acknowledged, for the worker to process.

    The key is Slack's `event_id` for events, so a redelivery finds it taken; commands and
    interactions are keyed by their `trigger_id`.
    """

    __tablename__ = "inbox_event"
    __table_args__ = (Index("ix_inbox_pending", "processed_at", "next_attempt_at"),)

    event_id: str = Field(primary_key=True)
    # A RequestKind (storage/inbox.py), and the order it is taken in (inbox.priority_of).
    kind: str
    priority: int
    # "channel:thread_ts" of a thread reply: one thread's replies are handled one at a time,
    # in the order of their Slack `ts` (which is the order they were written in).
    thread_key: str | None = None
    message_ts: str | None = None
    received_at: datetime
    payload: str = Field(sa_column=Column(Text, nullable=False))
    processed_at: datetime | None = None
    attempts: int = 0
    next_attempt_at: datetime
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class OutboxMessage(SQLModel, table=True):
    """A Slack Web API call to make, recorded in the same transaction as the change it reports."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_channel", "channel", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    method: str
    payload: str = Field(sa_column=Column(Text, nullable=False))
    # pending -> sending -> sent | failed | unknown
    status: str = Field(default="pending")
    attempts: int = 0
    next_attempt_at: datetime
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    result_ts: str | None = None
    last_error: str | None = None
    # If a process died mid-send we cannot know whether Slack got it: resend or not?
    resend_if_unknown: bool = True
    # A later update of the same thing replaces a pending one (e.g. the parent's status line).
    coalesce_key: str | None = Field(default=None, index=True)
    # Not a foreign key: an undo may delete the step while its prompt is still queued.
    why_step_id: int | None = None
    # Posts to one channel go out in the order queued: a post waits while an earlier one to
    # its channel is unsent (put off by a Retry-After, say); so do the reactions on one message
    # ("reactions:<channel>:<ts>", outbox.channel_key). None for calls that need no order.
    channel: str | None = None
    # The digest this message posts: if Slack refuses the channel, the digest is not done.
    digest_id: int | None = None
    created_at: datetime


# PostgreSQL 14 and later, when built with LZ4: whether the server can compress with it.
LZ4_AVAILABLE = (
    "SELECT true FROM pg_settings"
    " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def _has_lz4(_ddl: Any, _target: Any, bind: Connection, **_: Any) -> bool:
    return bool(bind.execute(text(LZ4_AVAILABLE)).scalar())


# A digest queues megabytes of payloads at once: PostgreSQL's default compression (pglz) took
# half the time of writing them, LZ4 a fifth. Values written before keep theirs.
event.listen(
    OutboxMessage.__table__,  # type: ignore[attr-defined]
    "after_create",
    DDL("ALTER TABLE outbox_message ALTER COLUMN payload SET COMPRESSION lz4").execute_if(
        dialect="postgresql", callable_=_has_lz4
    ),
)


class SlackUser(SQLModel, table=True):
    """What we know of a Slack user from users.info, cached."""

    __tablename__ = "slack_user"

    user_id: str = Field(primary_key=True)
    # How the person appears where a mention must not notify them (documents, quotes).
    name: str | None = None
    tz: str = "UTC"
    is_bot: bool = False
    deleted: bool = False
    fetched_at: datetime


class ActionItem(SQLModel, table=True):
    __tablename__ = "action_item"
    __table_args__ = (
        Index("ix_action_item_sweep", "status", "due"),
        Index("ix_action_item_owner", "owner_id", "status"),
        UniqueConstraint("coe_id", "source_ts", name="uq_action_item_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    coe_id: int = Field(foreign_key="coe.id", index=True)
    why_number: int | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner_id: str
    # None until someone gives the item a due date: it is listed as having none, never nudged.
    due: date | None = None
    priority: str = "medium"
    kind: str | None = None
    # open -> done | dropped
    status: str = Field(default="open")
    drop_reason: str | None = Field(default=None, sa_column=Column(Text))
    snoozed_until: date | None = None
    due_soon_nudged: bool = False
    last_nudged_on: date | None = None
    created_by: str
    created_at: datetime
    closed_at: datetime | None = Field(default=None, index=True)
    # The Slack message the item came from, so a redelivered `action:` cannot create it twice.
    source_ts: str | None = None


class ActionItemChange(SQLModel, table=True):
    __tablename__ = "action_item_change"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="action_item.id", index=True)
    actor_id: str
    at: datetime
    change: str
    detail: str | None = Field(default=None, sa_column=Column(Text))


class Nudge(SQLModel, table=True):
    """One row per item per owner-local day: the unique key is the once-a-day guarantee."""

    __tablename__ = "nudge"
    __table_args__ = (UniqueConstraint("item_id", "day", name="uq_nudge_item_day"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="action_item.id")
    day: date
    kind: str
    created_at: datetime


class SlackChannel(SQLModel, table=True):
    """What Slack says of a channel: from conversations.info and users.conversations, from the
    channel events, and from refusals of a post there."""

    __tablename__ = "slack_channel"

    channel_id: str = Field(primary_key=True)
    # When the channel was archived (an event, a lookup, or Slack refusing a post with
    # `is_archived`): it gets no more digests until it is unarchived.
    archived_at: datetime | None = None
    # None until Slack has said: a channel of unknown privacy counts as private.
    private: bool | None = None
    # Shared with another organisation (Slack Connect); None until Slack has said.
    ext_shared: bool | None = None
    # When Slack last described the whole channel; None: to be looked up again soon.
    checked_at: datetime | None = None


class GoneOwnerNotice(SQLModel, table=True):
    """An open item whose owner Slack says is deactivated, and when the COE's facilitator was
    told: the primary key is the once-only guarantee."""

    __tablename__ = "gone_owner_notice"

    item_id: int = Field(foreign_key="action_item.id", primary_key=True)
    told_at: datetime


class CoeCanvas(SQLModel, table=True):
    """A COE's canvas in Slack: one row per COE, claimed by whoever creates it, so several
    processes make one canvas."""

    __tablename__ = "coe_canvas"

    coe_id: int = Field(foreign_key="coe.id", primary_key=True)
    # creating -> live | refused; refused is for good (the Markdown file stands in for it).
    state: str
    canvas_id: str | None = None
    link: str | None = None
    # Slack's error code when it refused to create or edit the canvas.
    reason: str | None = None
    # The COE changed while its canvas was being created: edit it once it is live.
    dirty: bool = False
    created_at: datetime
    edited_at: datetime | None = None


class Digest(SQLModel, table=True):
    """One row per channel per digest period: the unique key is the once-a-week guarantee."""

    __tablename__ = "digest"
    __table_args__ = (UniqueConstraint("channel_id", "period", name="uq_digest_channel_period"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str
    period: str
    created_at: datetime


class DigestPeriod(SQLModel, table=True):
    """One row per digest period: which channels its first run found something to report to.
    Every later run of the period owes those and skips the rest."""

    __tablename__ = "digest_period"

    period: str = Field(primary_key=True)
    decided_at: datetime
    # A JSON list of channel ids.
    owed_channels: str = Field(sa_column=Column(Text, nullable=False))


class CoeNote(SQLModel, table=True):
    """An `impact: …` or `lesson: …` line from a COE thread, for the document."""

    __tablename__ = "coe_note"
    __table_args__ = (UniqueConstraint("coe_id", "source_ts", name="uq_coe_note_source"),)

    id: int | None = Field(default=None, primary_key=True)
    coe_id: int = Field(foreign_key="coe.id", index=True)
    # "impact" or "lesson"
    kind: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    author_id: str
    # The Slack message it came from, so a redelivered line is kept once.
    source_ts: str | None = None
    created_at: datetime
