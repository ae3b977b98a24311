"""Slack events stored before they are acknowledged, processed exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, text, update
from sqlmodel import Session, col, select

from storage.models import InboxEvent

# One statement and one round trip: this runs before Slack gets its ack, on every thread reply.
_KEEP_IF_COE_THREAD = text(
    "INSERT INTO inbox_event (event_id, payload, received_at) "
    "SELECT :event_id, :payload, :now "
    "WHERE EXISTS (SELECT 1 FROM coe WHERE channel_id = :channel_id AND parent_ts = :thread_ts) "
    "ON CONFLICT (event_id) DO NOTHING"
).bindparams(bindparam("now", type_=InboxEvent.__table__.c.received_at.type))  # type: ignore[attr-defined]


def keep_if_coe_thread(
    *,
    session: Session,
    event_id: str,
    payload: str,
    channel_id: str,
    thread_ts: str,
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
        },
    )
    return bool(kept.rowcount == 1)  # type: ignore[attr-defined]


def claim(*, session: Session, event_id: str, now: datetime) -> str | None:
    """Mark the event processed within the caller's transaction and return its payload.

    None if it was already processed: by then its effects are committed, so a redelivery or a
    second process must do nothing.
    """
    table = InboxEvent.__table__  # type: ignore[attr-defined]
    taken = session.execute(
        update(table)
        .where(table.c.event_id == event_id, table.c.processed_at.is_(None))
        .values(processed_at=now)
        .returning(table.c.payload)
    ).first()
    return None if taken is None else str(taken[0])


def unprocessed(
    *, session: Session, received_before: datetime, limit: int = 100
) -> Sequence[InboxEvent]:
    statement = (
        select(InboxEvent)
        .where(
            col(InboxEvent.processed_at).is_(None), col(InboxEvent.received_at) < received_before
        )
        .order_by(col(InboxEvent.received_at))
        .limit(limit)
    )
    return session.exec(statement).all()


def get_payload(*, session: Session, event_id: str) -> str | None:
    event = session.get(InboxEvent, event_id)
    return event.payload if event else None
