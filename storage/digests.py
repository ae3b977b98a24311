"""Queries of the weekly digest: which channels get one, what it shows, and the once-a-period
record of each channel's digest."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_
from sqlmodel import Session, col, select

from bot.core.action_items import ItemStatus
from bot.core.digest import CoeProgress, DigestItem
from bot.core.facilitation import Status
from storage.db import insert_for, insert_rows, one_of
from storage.models import ActionItem, Coe, Digest, DigestPeriod, OutboxMessage, SlackChannel

# Statuses as stored: the columns hold the enums' values.
OPEN = ItemStatus.OPEN.value
STARTING = Status.STARTING.value

# What a digest shows of one channel's COEs: its open items and those just completed.
ChannelItems = tuple[list[DigestItem], list[DigestItem]]


def digest_channels(*, session: Session, created_by: datetime) -> list[str]:
    """Channels that held a COE by `created_by` (UTC), but for those archived since their
    latest COE began (one started there after that means the channel is back in use)."""
    archived_at = func.max(SlackChannel.archived_at)
    statement = (
        select(Coe.channel_id)
        .outerjoin(SlackChannel, col(SlackChannel.channel_id) == col(Coe.channel_id))
        .where(Coe.status != STARTING, col(Coe.created_at) <= created_by)
        .group_by(col(Coe.channel_id))
        .having(or_(archived_at.is_(None), archived_at < func.max(Coe.created_at)))
        .order_by(col(Coe.channel_id))
    )
    return list(session.exec(statement).all())


def decide_period(
    *, session: Session, period: str, owed: Sequence[str], now: datetime
) -> tuple[list[str], bool]:
    """The channels owed the period's digest: `owed` if this call is the first to decide them,
    else what the first decided. And whether this call decided.

    Against a run of the same period deciding at the same moment, it waits for that one's
    transaction and takes its decision.
    """
    table = DigestPeriod.__table__  # type: ignore[attr-defined]
    statement = (
        insert_for(session, table)
        .values(period=period, decided_at=now, owed_channels=json.dumps(list(owed)))
        .on_conflict_do_nothing(index_elements=["period"])
        .returning(table.c.period)
    )
    if session.execute(statement).first() is not None:
        return list(owed), True
    decided = session.execute(select(table.c.owed_channels).where(table.c.period == period))
    return list(json.loads(decided.scalar_one())), False


def channels_with_news(
    *, session: Session, created_by: datetime, closed_after: datetime, closed_by: datetime
) -> set[str]:
    """Channels whose COEs created by `created_by` have an open item, or one done after
    `closed_after` and by `closed_by`: every other channel's digest has nothing to report."""
    statement = (
        select(Coe.channel_id, ActionItem.status)
        .distinct()
        .join(Coe, col(Coe.id) == col(ActionItem.coe_id))
        .where(
            Coe.status != STARTING,
            col(Coe.created_at) <= created_by,
            _open_or_closed_in(closed_after, closed_by),
        )
    )
    return {channel for channel, status in session.exec(statement) if status in _SHOWN}


def digest_items(
    *,
    session: Session,
    channel_ids: Collection[str],
    created_by: datetime,
    closed_after: datetime,
    closed_by: datetime,
) -> dict[str, ChannelItems]:
    """Open items, and items done after `closed_after` and by `closed_by`, by channel.

    The COEs are those created by `created_by` in `channel_ids`; a channel with neither kind
    of item is left out. A done item is one closed in the window (see `_open_or_closed_in`).
    """
    # Columns, not ORM objects: a digest of every channel reads thousands of items.
    statement = (
        select(
            Coe.channel_id,
            ActionItem.status,
            ActionItem.id,
            ActionItem.coe_id,
            ActionItem.text,
            ActionItem.owner_id,
            ActionItem.due,
            ActionItem.snoozed_until,
        )
        .join(Coe, col(Coe.id) == col(ActionItem.coe_id))
        .where(
            *_digest_coes(session, channel_ids, created_by),
            _open_or_closed_in(closed_after, closed_by),
        )
    )
    by_channel: dict[str, ChannelItems] = {}
    for channel, status, *fields in session.exec(statement).all():  # type: ignore[call-overload]
        if status not in _SHOWN:
            continue
        open_items, completed = by_channel.setdefault(channel, ([], []))
        (open_items if status == OPEN else completed).append(DigestItem(*fields))
    return by_channel


def coe_progress(
    *, session: Session, channel_ids: Collection[str], created_by: datetime
) -> dict[str, list[CoeProgress]]:
    """Done, total and dropped item counts of every COE the digests cover, by channel, in one
    query."""
    statement = (
        select(Coe.channel_id, Coe.id, Coe.problem, ActionItem.status, func.count())
        .join(ActionItem, col(ActionItem.coe_id) == col(Coe.id))
        .where(*_digest_coes(session, channel_ids, created_by))
        .group_by(col(Coe.channel_id), col(Coe.id), col(Coe.problem), col(ActionItem.status))
    )
    counts: dict[int, tuple[str, str, dict[str, int]]] = {}
    for channel, coe_id, problem, status, count in session.exec(statement).all():  # type: ignore[call-overload]
        counts.setdefault(coe_id, (channel, problem, {}))[2][status] = count
    by_channel: dict[str, list[CoeProgress]] = {}
    for coe_id, (channel, problem, by_status) in sorted(counts.items()):
        by_channel.setdefault(channel, []).append(
            CoeProgress(
                coe_id=coe_id,
                problem=problem,
                done=by_status.get(ItemStatus.DONE.value, 0),
                total=sum(by_status.values()) - by_status.get(ItemStatus.DROPPED.value, 0),
                dropped=by_status.get(ItemStatus.DROPPED.value, 0),
            )
        )
    return by_channel


def record_digests(
    *, session: Session, channel_ids: Sequence[str], period: str, now: datetime
) -> dict[str, int]:
    """Claim these channels' digests for `period`: the new row's id of each channel this call
    claimed; a channel another run has already claimed is left out.

    One statement over all the channels. Against a concurrent claim of the same channel it
    waits for the other transaction and then skips the channel, instead of failing the whole
    transaction as a plain INSERT would.
    """
    if not channel_ids:
        return {}
    table = Digest.__table__  # type: ignore[attr-defined]
    rows = [{"channel_id": channel} for channel in channel_ids]
    insert, values = insert_rows(session, table, rows, same={"period": period, "created_at": now})
    statement = insert.on_conflict_do_nothing(index_elements=["channel_id", "period"]).returning(
        # RETURNING, not rowcount: drivers do not all report a row count for this statement.
        table.c.channel_id,
        table.c.id,
    )
    return {channel: digest_id for channel, digest_id in session.execute(statement, values)}


def forget_digest(*, session: Session, digest_id: int) -> bool:
    """Take back a digest Slack would not post, unless a part of it was posted after all.

    Then a later run (a restart, `coe-bot digest --scheduled`) posts it; a partly posted
    digest stays done, as a repeat would be worse than the missing part.
    """
    table = Digest.__table__  # type: ignore[attr-defined]
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    posted = (
        select(outbox.c.id)
        .where(outbox.c.digest_id == digest_id, outbox.c.status == "sent")
        .exists()
    )
    deleted = session.execute(delete(table).where(table.c.id == digest_id, ~posted))
    return bool(deleted.rowcount)  # type: ignore[attr-defined]


def _digest_coes(session: Session, channel_ids: Collection[str], created_by: datetime) -> list[Any]:
    return [
        Coe.status != STARTING,
        col(Coe.created_at) <= created_by,
        one_of(session, col(Coe.channel_id), sorted(channel_ids)),
    ]


# The statuses a digest shows: open items, and done ones closed in its period.
_SHOWN = frozenset({OPEN, ItemStatus.DONE.value})


def _open_or_closed_in(closed_after: datetime, closed_by: datetime) -> Any:
    """Open items, or items closed in the window whatever their status (the caller keeps the
    done ones).

    Two index ranges, on (status, due) and on closed_at. Asking for status "done" here would
    lead SQLite, which keeps no statistics, to read every item ever done by the status index.
    """
    closed = col(ActionItem.closed_at)
    return or_(ActionItem.status == OPEN, and_(closed > closed_after, closed <= closed_by))
