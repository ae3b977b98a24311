"""Slack requests stored before they are acknowledged, and processed exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import InboxEvent

_TABLE = InboxEvent.__table__  # type: ignore[attr-defined]

# One statement and one round trip: this runs before Slack gets its ack, on every thread reply.
_KEEP_IF_COE_THREAD = text(
    "INSERT INTO inbox_event (event_id, kind, priority, thread_key, message_ts, payload, "
    "received_at, next_attempt_at, attempts) "
    "SELECT :event_id, 'message', 1, :channel_id || ':' || :thread_ts, :message_ts, :payload, "
    ":now, :now, 0 "
    "WHERE EXISTS (SELECT 1 FROM coe WHERE channel_id = :channel_id AND parent_ts = :thread_ts) "
    "ON CONFLICT (event_id) DO NOTHING"
).bindparams(bindparam("now", type_=_TABLE.c.received_at.type))


def keep_if_coe_thread(
    *,
    session: Session,
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
            "payload": payload,
            "now": now,
            "channel_id": channel_id,
            "thread_ts": thread_ts,
            "message_ts": message_ts,
        },
    )
    return bool(kept.rowcount == 1)  # type: ignore[attr-defined]


def keep(*, session: Session, key: str, kind: str, payload: str, now: datetime) -> bool:
    """Store a command or interaction; False if that key was already stored."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(_TABLE)
        .values(
            event_id=key,
            kind=kind,
            priority=0,
            payload=payload,
            received_at=now,
            next_attempt_at=now,
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
    )
    return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Pending:
    key: str
    kind: str
    thread_key: str | None


def pending(*, session: Session, now: datetime, limit: int = 200) -> list[Pending]:
    """Stored requests due for processing: interactions first, then replies as written."""
    statement = (
        select(InboxEvent.event_id, InboxEvent.kind, InboxEvent.thread_key)
        .where(col(InboxEvent.processed_at).is_(None), col(InboxEvent.next_attempt_at) <= now)
        .order_by(col(InboxEvent.priority), col(InboxEvent.message_ts), col(InboxEvent.received_at))
        .limit(limit)
    )
    return [Pending(*row) for row in session.exec(statement).all()]


def claim(*, session: Session, event_id: str, now: datetime) -> str | None:
    """Mark the request processed within the caller's transaction and return its payload.

    None if it was already processed: by then its effects are committed, so a redelivery or a
    second process must do nothing.
    """
    taken = session.execute(
        update(_TABLE)
        .where(_TABLE.c.event_id == event_id, _TABLE.c.processed_at.is_(None))
        .values(processed_at=now)
        .returning(_TABLE.c.payload)
    ).first()
    return None if taken is None else str(taken[0])


def get_payload(*, session: Session, event_id: str) -> str | None:
    event = session.get(InboxEvent, event_id)
    return event.payload if event else None


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
