"""What Slack says of each channel: whether it is private, shared with another organisation or
archived, and when Slack last described it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, literal, or_
from sqlmodel import Session, col, select

from bot.core.facilitation import Status
from bot.core.visibility import ChannelFacts
from storage.db import insert_for, one_of
from storage.models import Coe, SlackChannel

_TABLE = SlackChannel.__table__  # type: ignore[attr-defined]
# A fact left out of a `change` stays as it was.
_UNCHANGED: Any = object()


def mark_archived(*, session: Session, channel_id: str, now: datetime) -> None:
    """Note that Slack answered `is_archived` for the channel; another process may too."""
    change(session=session, channel_id=channel_id, archived=True, now=now)


def is_archived(*, session: Session, channel_id: str) -> bool:
    channel = session.get(SlackChannel, channel_id)
    return channel is not None and channel.archived_at is not None


def facts(*, session: Session, channel_ids: Iterable[str]) -> dict[str, ChannelFacts]:
    """What Slack has said of each of these channels that it has said anything of."""
    wanted = sorted(set(channel_ids))
    if not wanted:
        return {}
    statement = select(
        SlackChannel.channel_id,
        SlackChannel.private,
        SlackChannel.ext_shared,
        SlackChannel.archived_at,
    ).where(one_of(session, col(SlackChannel.channel_id), wanted))
    return {
        channel: ChannelFacts(channel, private, ext_shared, archived is not None)
        for channel, private, ext_shared, archived in session.exec(statement).all()
    }


def save_facts(*, session: Session, described: Iterable[ChannelFacts], now: datetime) -> None:
    """Keep what Slack just said of these channels, as of `now`."""
    for channel in described:
        change(
            session=session,
            channel_id=channel.channel_id,
            private=channel.private,
            ext_shared=channel.ext_shared,
            archived=channel.archived,
            checked_at=now,
            now=now,
        )


def change(
    *,
    session: Session,
    channel_id: str,
    now: datetime,
    private: bool | None = _UNCHANGED,
    ext_shared: bool | None = _UNCHANGED,
    archived: bool = _UNCHANGED,
    checked_at: datetime | None = _UNCHANGED,
) -> None:
    """Change what is kept of a channel: only the facts given, in one statement (another process
    may be keeping the same channel). `archived` keeps the time it was first seen archived."""
    values: dict[str, Any] = {}
    if private is not _UNCHANGED:
        values["private"] = private
    if ext_shared is not _UNCHANGED:
        values["ext_shared"] = ext_shared
    if checked_at is not _UNCHANGED:
        values["checked_at"] = checked_at
    if archived is not _UNCHANGED:
        values["archived_at"] = now if archived else None
    insert = insert_for(session, _TABLE).values(channel_id=channel_id, **values)
    updates: dict[str, Any] = {name: insert.excluded[name] for name in values}
    if archived:
        updates["archived_at"] = func.coalesce(_TABLE.c.archived_at, insert.excluded.archived_at)
    if not updates:
        session.execute(insert.on_conflict_do_nothing(index_elements=["channel_id"]))
        return
    session.execute(insert.on_conflict_do_update(index_elements=["channel_id"], set_=updates))


def due_for_a_look(
    *, session: Session, checked_before: datetime, also: Sequence[str] = (), limit: int
) -> list[str]:
    """Channels holding a COE (and `also`) that Slack has not described since `checked_before`:
    never described first, then the longest ago."""
    held = select(col(Coe.channel_id).label("channel_id")).where(
        Coe.status != Status.STARTING.value
    )
    wanted = held.union(*(select(literal(channel).label("channel_id")) for channel in also))
    wanted = wanted.subquery()
    checked = col(SlackChannel.checked_at)
    statement = (
        select(wanted.c.channel_id)
        .outerjoin(SlackChannel, col(SlackChannel.channel_id) == wanted.c.channel_id)
        .where(or_(checked.is_(None), checked < checked_before))
        .order_by(case((checked.is_(None), 0), else_=1), checked, wanted.c.channel_id)
        .limit(limit)
    )
    return list(session.exec(statement).all())  # type: ignore[call-overload]
