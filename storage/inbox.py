"""Slack requests stored before they are acknowledged, and processed exactly once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, bindparam, text, update
from sqlmodel import Session, col, select

from storage.db import insert_for
from storage.models import InboxEvent

_TABLE = InboxEvent.__table__  # type: ignore[attr-defined]


class RequestKind(StrEnum):
    """What a stored request is: the listener that stores it and the worker's route agree on it."""

    MESSAGE = "message"  # a message event in a COE thread: a reply, an edit, a deletion
    COMMAND = "command"  # `/coe`
    ACTION = "action"  # a button click
    VIEW = "view"  # a modal's submission
    HOME = "home"  # the App Home tab opened
    REACTION = "reaction"  # a :x: on a message in a channel that holds a COE


# The worker takes due requests in this order, lowest first: someone waiting on a command,
# a click or a form comes before the replies of COE threads.
PEOPLE_WAITING = 0
THREAD_REPLY = 1


def priority_of(kind: str) -> int:
    """Where a request of this kind comes in the worker's order."""
    return THREAD_REPLY if kind in (RequestKind.MESSAGE, RequestKind.REACTION) else PEOPLE_WAITING


# One statement and one round trip: this runs before Slack gets its ack, on every thread reply.
_KEEP_IF_COE_THREAD = text(
    "INSERT INTO inbox_event (event_id, kind, priority, thread_key, message_ts, payload, "
    "received_at, next_attempt_at, attempts) "
    "SELECT :event_id, :kind, :priority, :channel_id || ':' || :thread_ts, :message_ts, :payload, "
    ":now, :now, 0 "
    "WHERE EXISTS (SELECT 1 FROM coe WHERE channel_id = :channel_id AND parent_ts = :thread_ts) "
    "ON CONFLICT (event_id) DO NOTHING"
).bindparams(bindparam("now", type_=_TABLE.c.received_at.type))


def keep_if_coe_thread(
    *,
    session: Session | Connection,
    event_id: str,
    payload: str,
    channel_id: str,
    thread_ts: str,
    message_ts: str,
    now: datetime,
) -> bool:
    """Store the event if it belongs to a COE thread; False if not, or if already stored."""
    kept = session.execute(
        _KEEP_IF_COE_THREAD,
        {
            "event_id": event_id,
            "kind": RequestKind.MESSAGE.value,
            "priority": THREAD_REPLY,
            "payload": payload,
            "now": now,
            "channel_id": channel_id,
            "thread_ts": thread_ts,
            "message_ts": message_ts,
        },
    )
    return bool(kept.rowcount == 1)  # type: ignore[attr-defined]


# A reaction names a message, not its thread: stored if its channel holds a COE, and in the
# queue of the thread whose answer it is when that answer is already recorded, so that it is
# handled in order with the thread's replies.
_KEEP_IF_COE_CHANNEL = text(
    "INSERT INTO inbox_event (event_id, kind, priority, thread_key, message_ts, payload, "
    "received_at, next_attempt_at, attempts) "
    "SELECT :event_id, :kind, :priority, "
    "(SELECT coe.channel_id || ':' || coe.parent_ts FROM why_step "
    "JOIN coe ON coe.id = why_step.coe_id "
    "WHERE coe.channel_id = :channel_id AND why_step.answer_ts = :message_ts LIMIT 1), "
    ":message_ts, :payload, :now, :now, 0 "
    "WHERE EXISTS (SELECT 1 FROM coe WHERE channel_id = :channel_id) "
    "ON CONFLICT (event_id) DO NOTHING"
).bindparams(bindparam("now", type_=_TABLE.c.received_at.type))


def keep_if_coe_channel(
    *,
    session: Session | Connection,
    event_id: str,
    payload: str,
    channel_id: str,
    message_ts: str,
    now: datetime,
) -> Pending | None:
    """Store a reaction to a message of a channel that holds a COE; None if not, or if already
    stored."""
    kept = session.execute(
        _KEEP_IF_COE_CHANNEL,
        {
            "event_id": event_id,
            "kind": RequestKind.REACTION.value,
            "priority": THREAD_REPLY,
            "payload": payload,
            "now": now,
            "channel_id": channel_id,
            "message_ts": message_ts,
        },
    )
    if kept.rowcount != 1:  # type: ignore[attr-defined]
        return None
    thread_key = session.execute(
        text("SELECT thread_key FROM inbox_event WHERE event_id = :event_id"),
        {"event_id": event_id},
    ).scalar()
    return Pending(event_id, RequestKind.REACTION.value, thread_key, message_ts)


def reply_waiting(*, session: Session, channel_id: str, message_ts: str) -> bool:
    """Whether a reply at `message_ts` in `channel_id` is stored and not yet processed."""
    statement = select(InboxEvent.event_id).where(
        InboxEvent.kind == RequestKind.MESSAGE.value,
        InboxEvent.message_ts == message_ts,
        col(InboxEvent.thread_key).startswith(f"{channel_id}:"),
        col(InboxEvent.processed_at).is_(None),
    )
    return session.exec(statement).first() is not None


def keep(*, session: Session, key: str, kind: str, payload: str, now: datetime) -> bool:
    """Store a command, an interaction or a Home opened; False if that key was already stored."""
    statement = (
        insert_for(session, _TABLE)
        .values(
            event_id=key,
            kind=str(kind),
            priority=priority_of(kind),
            payload=payload,
            received_at=now,
            next_attempt_at=now,
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
        # RETURNING, not rowcount: on PostgreSQL the count of this statement comes back -1.
        .returning(_TABLE.c.event_id)
    )
    return session.execute(statement).first() is not None


@dataclass(frozen=True)
class Pending:
    """A stored request due for the worker: enough to schedule it, not its payload."""

    key: str
    kind: str  # a RequestKind's value
    thread_key: str | None
    message_ts: str | None = None
    # What a listener just stored, handed to a worker in its own process: it need not read it
    # back. Never sent to another process.
    fresh: Fresh | None = field(default=None, compare=False, repr=False)

    def fields(self) -> dict[str, str | None]:
        """What another process needs to find the request: all but `fresh`."""
        return {
            "key": self.key,
            "kind": self.kind,
            "thread_key": self.thread_key,
            "message_ts": self.message_ts,
        }


@dataclass(frozen=True)
class Fresh:
    """A request as its listener stored it a moment ago (first attempt, nothing failed yet)."""

    payload: str
    received_at: datetime

    def request(self, key: str, kind: str) -> StoredRequest:
        return StoredRequest(key, kind, json.loads(self.payload), self.received_at, 0)


_PENDING = (
    select(InboxEvent.event_id, InboxEvent.kind, InboxEvent.thread_key, InboxEvent.message_ts)
    .where(
        col(InboxEvent.processed_at).is_(None),
        col(InboxEvent.next_attempt_at) <= bindparam("now", type_=_TABLE.c.next_attempt_at.type),
    )
    .order_by(col(InboxEvent.priority), col(InboxEvent.message_ts), col(InboxEvent.received_at))
    .limit(bindparam("limit"))
)


def pending(*, session: Session, now: datetime, limit: int = 200) -> list[Pending]:
    """Stored requests due for processing: interactions first, then replies as written."""
    rows = session.execute(_PENDING, {"now": now, "limit": limit})
    return [Pending(*row) for row in rows]


def claim(*, session: Session, event_id: str, now: datetime) -> bool:
    """Mark the request processed within the caller's transaction.

    False if it was already processed: by then its effects are committed, so a redelivery or a
    second process must do nothing.
    """
    return session.execute(_CLAIM, {"key": event_id, "now": now}).first() is not None


# Built once: this runs for every stored request.
_CLAIM = (
    update(_TABLE)
    .where(_TABLE.c.event_id == bindparam("key"), _TABLE.c.processed_at.is_(None))
    .values(processed_at=bindparam("now"))
    .returning(_TABLE.c.event_id)
)


@dataclass(frozen=True)
class StoredRequest:
    """A stored request as the worker hands it to its route: the payload parsed once."""

    key: str
    kind: str  # a RequestKind's value; a kind this version does not know finds no route
    body: dict[str, Any]  # the request as Slack sent it, with what the listener noted in it
    received_at: datetime
    attempts: int  # failed attempts so far


def load(*, session: Session, event_id: str) -> StoredRequest | None:
    """The stored request, processed or not; None if nothing is stored under that key."""
    row = session.execute(_LOAD, {"key": event_id}).first()
    if row is None:
        return None
    key, kind, payload, received_at, attempts = row
    return StoredRequest(key, kind, json.loads(payload), received_at, attempts)


# A Core SELECT, built once: the worker loads every request it handles, and the ORM's `get`
# cost several times as much.
_LOAD = select(
    _TABLE.c.event_id, _TABLE.c.kind, _TABLE.c.payload, _TABLE.c.received_at, _TABLE.c.attempts
).where(_TABLE.c.event_id == bindparam("key"))


def retry_later(*, session: Session, event_id: str, error: str, at: datetime) -> int:
    """Count a failed attempt and put the request off until `at`; returns the attempts so far."""
    attempts = session.execute(
        update(_TABLE)
        .where(_TABLE.c.event_id == event_id, _TABLE.c.processed_at.is_(None))
        .values(attempts=_TABLE.c.attempts + 1, next_attempt_at=at, last_error=error)
        .returning(_TABLE.c.attempts)
    ).first()
    return int(attempts[0]) if attempts else 0


def mark_processed(*, session: Session, event_id: str, now: datetime) -> None:
    session.execute(
        update(_TABLE)
        .where(_TABLE.c.event_id == event_id, _TABLE.c.processed_at.is_(None))
        .values(processed_at=now)
    )


def give_up(*, session: Session, event_id: str, error: str, now: datetime) -> None:
    session.execute(
        update(_TABLE)
        .where(_TABLE.c.event_id == event_id, _TABLE.c.processed_at.is_(None))
        .values(processed_at=now, last_error=error)
    )
