"""The outbox: Slack calls owed, claimed by one sender at a time."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import OutboxMessage


def enqueue(
    *,
    session: Session,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    why_step_id: int | None = None,
    coalesce_key: str | None = None,
    resend_if_unknown: bool = True,
) -> int:
    """Queue a Slack call; with `coalesce_key`, replace a still-pending call for the same thing."""
    body = json.dumps(payload)
    if coalesce_key is not None:
        pending = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.coalesce_key == coalesce_key, OutboxMessage.status == "pending"
            )
        ).first()
        if pending is not None and pending.id is not None:
            pending.payload = body
            session.add(pending)
            session.flush()
            return pending.id
    message = OutboxMessage(
        method=method,
        payload=body,
        next_attempt_at=now,
        created_at=now,
        why_step_id=why_step_id,
        coalesce_key=coalesce_key,
        resend_if_unknown=resend_if_unknown,
    )
    session.add(message)
    session.flush()
    assert message.id is not None
    return message.id


def claim(*, session: Session, message_id: int, now: datetime) -> OutboxMessage | None:
    """Take the message for sending; None when another sender has it or it is not due."""
    taken = session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status) == "pending",
            col(OutboxMessage.next_attempt_at) <= now,
        )
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
    )
    if taken.rowcount != 1:
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def due_ids(*, session: Session, now: datetime, limit: int = 100) -> Sequence[int]:
    statement = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    return [message_id for message_id in session.exec(statement).all() if message_id is not None]


def mark_sent(*, session: Session, message_id: int, ts: str | None, now: datetime) -> None:
    session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(status="sent", sent_at=now, result_ts=ts, last_error=None)
    )


def retry_later(*, session: Session, message_id: int, error: str, at: datetime) -> None:
    session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(status="pending", next_attempt_at=at, last_error=error)
    )


def give_up(*, session: Session, message_id: int, error: str) -> None:
    session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(status="failed", last_error=error)
    )


def recover_stale(*, session: Session, claimed_before: datetime) -> int:
    """Messages whose sender died mid-send: resend those that allow it, mark the rest unknown."""
    stale = (
        col(OutboxMessage.status) == "sending",
        col(OutboxMessage.claimed_at) < claimed_before,
    )
    resent = session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(*stale, col(OutboxMessage.resend_if_unknown).is_(True))
        .values(status="pending")
    ).rowcount
    session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(*stale, col(OutboxMessage.resend_if_unknown).is_(False))
        .values(status="unknown")
    )
    return resent


def failed_messages(*, session: Session) -> Sequence[OutboxMessage]:
    statement = select(OutboxMessage).where(OutboxMessage.status.in_(("failed", "unknown")))  # type: ignore[attr-defined]
    return session.exec(statement).all()
