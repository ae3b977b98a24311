"""The outbox: Slack calls owed, claimed by one sender at a time."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, and_, bindparam, case, exists, func, insert, or_, update
from sqlmodel import Session, col, select

from storage.db import new_ids, one_of
from storage.models import OutboxMessage

# Posts keep their order within a channel: Slack shows them in the order it receives them.
ORDERED_METHODS = frozenset({"chat.postMessage"})
# A message's reactions keep theirs: a mark added late, after its removal, would stay.
REACTION_METHODS = frozenset({"reactions.add", "reactions.remove"})

_TABLE = OutboxMessage.__table__  # type: ignore[attr-defined]
_EARLIER = _TABLE.alias("earlier")


def channel_key(method: str, payload: dict[str, Any]) -> str | None:
    """The line of calls whose order this one must keep: a post's channel, or the reactions on
    one message (which no channel id can be mistaken for). None for calls that need no order."""
    channel = payload.get("channel")
    if method in REACTION_METHODS and channel and payload.get("timestamp"):
        return f"reactions:{channel}:{payload['timestamp']}"
    return str(channel) if channel and method in ORDERED_METHODS else None


def enqueue(
    *,
    session: Session,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    why_step_id: int | None = None,
    coalesce_key: str | None = None,
    resend_if_unknown: bool = True,
    not_before: datetime | None = None,
    digest_id: int | None = None,
    apart: timedelta | None = None,
) -> int:
    """Queue a Slack call; with `coalesce_key`, replace a still-pending call for the same thing.

    With `apart`, a new message is due no sooner than that after the last pending call of the
    same method: for calls Slack limits to so many a minute, a pace that stays under it.
    """
    body = _json(payload)
    due = not_before or now
    if coalesce_key is not None:
        replaced = _replace_pending(session, coalesce_key, body, due)
        if replaced is not None:
            return replaced
    if apart is not None:
        due = _paced(session, method, due, apart)
    # A Core INSERT: the ORM's add and flush cost more than the rest of queueing a message.
    row = _row(method, payload, body, due, now, resend_if_unknown)
    row.update(why_step_id=why_step_id, coalesce_key=coalesce_key, digest_id=digest_id)
    return int(session.execute(insert(_TABLE).returning(_TABLE.c.id), row).scalar_one())


def _json(payload: dict[str, Any]) -> str:
    # orjson, not the standard library: a 100k-item digest queues megabytes of pages, which
    # orjson encodes several times faster (bench/README.md). Compact, with no spaces after
    # separators. Dates and dataclasses are refused, as `json.dumps` refuses them: a payload
    # holding one is a bug, better raised here than sent to Slack in some form.
    try:
        return orjson.dumps(payload, option=_STRICT).decode()
    except TypeError:
        # A lone surrogate (hostile text can hold one) or an integer beyond 64 bits: orjson
        # refuses them, the standard library escapes or writes them (and raises on the rest).
        return json.dumps(payload, separators=(",", ":"))


_STRICT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _row(
    method: str,
    payload: dict[str, Any],
    body: str,
    due: datetime,
    now: datetime,
    resend_if_unknown: bool,
) -> dict[str, Any]:
    """The columns of a message queued now, due at `due`."""
    return {
        "method": method,
        "payload": body,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": due,
        "resend_if_unknown": resend_if_unknown,
        "channel": channel_key(method, payload),
        "created_at": now,
    }


_LATEST_PENDING = select(func.max(_TABLE.c.next_attempt_at)).where(
    _TABLE.c.status == "pending", _TABLE.c.method == bindparam("method")
)


def _paced(session: Session, method: str, due: datetime, apart: timedelta) -> datetime:
    """`due`, or `apart` after the latest pending call of `method` if that is later."""
    latest = session.execute(_LATEST_PENDING, {"method": method}).scalar()
    if latest is None:
        return due
    return max(due, _aware(latest, due) + apart)


def _aware(moment: datetime, like: datetime) -> datetime:
    """`moment` with the time zone of `like` (SQLite hands back naive times, stored in UTC)."""
    if moment.tzinfo is None and like.tzinfo is not None:
        return moment.replace(tzinfo=like.tzinfo)
    return moment


def _replace_pending(session: Session, key: str, body: str, due: datetime) -> int | None:
    """Put `body` in the pending message for `key`; None if there is none still pending.

    One statement, which checks the status itself: a sender may claim the row at any moment,
    and a payload written into a row already being sent would never go out.
    """
    replaced = session.execute(_REPLACE_PENDING, {"key": key, "body": body, "due": due}).first()
    return None if replaced is None else int(replaced[0])


# Statements built once, with their values bound at each call: building them cost as much as
# running them, on every reply.
_PENDING_FOR_KEY = (_TABLE.c.coalesce_key == bindparam("key"), _TABLE.c.status == "pending")
_DUE = bindparam("due", type_=_TABLE.c.next_attempt_at.type)
_REPLACE_PENDING = (
    update(_TABLE)
    .where(
        _TABLE.c.id == select(func.min(_TABLE.c.id)).where(*_PENDING_FOR_KEY).scalar_subquery(),
        *_PENDING_FOR_KEY,
    )
    .values(
        payload=bindparam("body"),
        next_attempt_at=case(
            (_TABLE.c.next_attempt_at > _DUE, _DUE), else_=_TABLE.c.next_attempt_at
        ),
    )
    .returning(_TABLE.c.id)
)


@dataclass(frozen=True)
class Claimed:
    """A message taken for sending by this process."""

    id: int
    method: str
    payload: str
    attempts: int
    why_step_id: int | None
    resend_if_unknown: bool
    channel: str | None
    digest_id: int | None


def _earlier_in_channel(*conditions: Any) -> Any:
    """EXISTS an earlier message to the same channel matching `conditions`."""
    return exists().where(
        _EARLIER.c.channel == _TABLE.c.channel, _EARLIER.c.id < _TABLE.c.id, *conditions
    )


def _unsent(table: Any, live_since: datetime) -> Any:
    """Pending, or being sent by a sender that took it since `live_since`."""
    return or_(
        table.c.status == "pending",
        and_(table.c.status == "sending", table.c.claimed_at >= live_since),
    )


def claim(
    *,
    session: Session | Connection,
    message_ids: Sequence[int],
    now: datetime,
    live_since: datetime,
) -> list[Claimed]:
    """Take the due ones of these messages for sending; others' and later ones are left alone.

    A post waits while an earlier one to its channel is unsent: pending, or taken by a sender
    since `live_since` (one taken before that, its sender presumably died, holds nothing up).
    So a post Slack put off (Retry-After) holds back those after it, and none overtakes another.
    """
    if not message_ids:
        return []
    taken = session.execute(
        _CLAIM, {"ids": list(message_ids), "now": now, "live_since": live_since}
    )
    return sorted((Claimed(*row) for row in taken), key=lambda claimed: claimed.id)


_NOW = bindparam("now", type_=_TABLE.c.next_attempt_at.type)
_CLAIM = (
    update(_TABLE)
    .where(
        _TABLE.c.id.in_(bindparam("ids", expanding=True)),
        _TABLE.c.status == "pending",
        _TABLE.c.next_attempt_at <= _NOW,
        ~_earlier_in_channel(
            _unsent(_EARLIER, bindparam("live_since", type_=_TABLE.c.claimed_at.type))
        ),
    )
    .values(status="sending", claimed_at=_NOW, attempts=_TABLE.c.attempts + 1)
    .returning(
        _TABLE.c.id,
        _TABLE.c.method,
        _TABLE.c.payload,
        _TABLE.c.attempts,
        _TABLE.c.why_step_id,
        _TABLE.c.resend_if_unknown,
        _TABLE.c.channel,
        _TABLE.c.digest_id,
    )
)


def due_ids(
    *, session: Session, now: datetime, live_since: datetime, limit: int = 100
) -> Sequence[int]:
    """Messages due now, oldest first; not those held back behind a post still waiting."""
    waiting = or_(
        and_(_EARLIER.c.status == "sending", _EARLIER.c.claimed_at >= live_since),
        and_(_EARLIER.c.status == "pending", _EARLIER.c.next_attempt_at > now),
    )
    statement = (
        select(_TABLE.c.id)
        .where(
            _TABLE.c.status == "pending",
            _TABLE.c.next_attempt_at <= now,
            ~_earlier_in_channel(waiting),
        )
        .order_by(_TABLE.c.id)
        .limit(limit)
    )
    return list(session.execute(statement).scalars())


def due_in_channel(
    *, session: Session | Connection, channel: str, after: int, now: datetime, limit: int = 100
) -> list[int]:
    """The channel's posts queued after message `after` and due now, oldest first."""
    values = {"channel": channel, "after": after, "now": now, "limit": limit}
    return list(session.execute(_DUE_IN_CHANNEL, values).scalars())


_DUE_IN_CHANNEL = (
    select(_TABLE.c.id)
    .where(
        _TABLE.c.channel == bindparam("channel"),
        _TABLE.c.status == "pending",
        _TABLE.c.id > bindparam("after"),
        _TABLE.c.next_attempt_at <= _NOW,
    )
    .order_by(_TABLE.c.id)
    .limit(bindparam("limit"))
)


def being_sent(*, session: Session, message_ids: Sequence[int], live_since: datetime) -> list[int]:
    """Those of these messages a sender took since `live_since` and has not finished with."""
    statement = select(_TABLE.c.id).where(
        one_of(session, _TABLE.c.id, message_ids),
        _TABLE.c.status == "sending",
        _TABLE.c.claimed_at >= live_since,
    )
    return list(session.execute(statement).scalars())


def mark_sent(
    *, session: Session | Connection, message_id: int, ts: str | None, now: datetime
) -> None:
    session.execute(_MARK_SENT, {"message_id": message_id, "ts": ts, "now": now})


_MARK_SENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("message_id"))
    .values(
        status="sent",
        sent_at=bindparam("now", type_=_TABLE.c.sent_at.type),
        result_ts=bindparam("ts"),
        last_error=None,
    )
)


def retry_later(*, session: Session, message_id: int, error: str, at: datetime) -> None:
    session.execute(
        update(_TABLE)
        .where(_TABLE.c.id == message_id)
        .values(status="pending", next_attempt_at=at, last_error=error)
    )


def give_up(*, session: Session, message_id: int, error: str, status: str = "failed") -> None:
    """Stop trying: "failed" when Slack refused it for good, "unknown" when it may have landed."""
    session.execute(
        update(_TABLE).where(_TABLE.c.id == message_id).values(status=status, last_error=error)
    )


def recover_stale(
    *, session: Session, claimed_before: datetime, in_hand: Collection[int] = ()
) -> int:
    """Messages whose sender died mid-send: resend those that allow it, mark the rest unknown.

    Not those in `in_hand`, which the caller's own process is sending: that sender is alive.
    """
    stale = [_TABLE.c.status == "sending", _TABLE.c.claimed_at < claimed_before]
    if in_hand:
        stale.append(_TABLE.c.id.not_in(sorted(in_hand)))
    resent = session.execute(
        update(_TABLE).where(*stale, _TABLE.c.resend_if_unknown.is_(True)).values(status="pending")
    ).rowcount
    session.execute(
        update(_TABLE).where(*stale, _TABLE.c.resend_if_unknown.is_(False)).values(status="unknown")
    )
    return resent


def enqueue_many(
    *,
    session: Session,
    method: str,
    payloads: Sequence[dict[str, Any]],
    now: datetime,
    resend_if_unknown: bool = True,
    digest_ids: Sequence[int | None] | None = None,
) -> list[int]:
    """Queue many calls of one method in one statement; their ids, in the order given.

    For a sweep that queues thousands of DMs at once: one row at a time through the ORM costs
    about half a millisecond each. `digest_ids`, one per payload, as `enqueue`'s `digest_id`.
    """
    if not payloads:
        return []
    digests = digest_ids if digest_ids is not None else [None] * len(payloads)
    rows = [
        {
            **_row(method, payload, _json(payload), now, now, resend_if_unknown),
            "digest_id": digest_id,
        }
        for payload, digest_id in zip(payloads, digests, strict=True)
    ]
    # Ids taken first, then the rows inserted as one executemany with no RETURNING: with
    # RETURNING in the order given, SQLite inserts one row per statement, and PostgreSQL's
    # driver parses a statement of thousands of VALUES anew for each batch.
    ids = new_ids(session, _TABLE, len(rows))
    for row, message_id in zip(rows, ids, strict=True):
        row["id"] = message_id
    session.execute(insert(_TABLE), rows)
    return ids


def states(*, session: Session, message_ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """Status and last error of queued Slack calls, by id."""
    found: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(message_ids), 500):
        statement = select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.last_error).where(
            one_of(session, col(OutboxMessage.id), message_ids[start : start + 500])
        )
        for message_id, status, error in session.exec(statement).all():
            if message_id is not None:
                found[message_id] = (status, error)
    return found
