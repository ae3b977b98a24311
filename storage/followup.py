"""Queries of the follow-up: who to nudge, what the digest shows, and the once-only records."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, func, or_, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.core.digest import CoeProgress, DigestItem
from bot.core.nudges import NudgeKind
from storage.models import ActionItem, Coe, Digest, Nudge, OutboxMessage, SlackUser, WhyStep


@dataclass(frozen=True)
class ZoneDay:
    """The timezones (as stored in `slack_user.tz`) where it is now `day` and working hours."""

    day: date
    zones: tuple[str, ...]


@dataclass(frozen=True)
class NudgeCandidate:
    item_id: int
    owner_id: str
    zone: str
    status: str
    due: date
    snoozed_until: date | None
    due_soon_nudged: bool
    last_nudged_on: date | None


@dataclass(frozen=True)
class NudgeDetail:
    text: str
    coe_id: int
    problem: str
    why_number: int | None
    why_text: str | None


# Owners' timezones ----------------------------------------------------------------------------


def known_zones(*, session: Session) -> list[str]:
    """Every distinct timezone name in the user cache: a few dozen at most."""
    return [zone for zone in session.exec(select(SlackUser.tz).distinct()).all() if zone]


def owners_without_zone(*, session: Session, due_by: date, limit: int) -> list[str]:
    """Owners of open items due by `due_by` that the user cache knows nothing about."""
    statement = (
        select(ActionItem.owner_id)
        .distinct()
        .outerjoin(SlackUser, col(SlackUser.user_id) == col(ActionItem.owner_id))
        .where(
            ActionItem.status == "open",
            col(ActionItem.due) <= due_by,
            col(SlackUser.user_id).is_(None),
        )
        .limit(limit)
    )
    return list(session.exec(statement).all())


# Nudges ---------------------------------------------------------------------------------------


def nudge_candidates(
    *, session: Session, zone_days: Sequence[ZoneDay], default_zone: str, due_soon_days: int
) -> list[NudgeCandidate]:
    """Open items that may be owed a reminder now, with their owner's timezone, by item id."""
    if not zone_days:
        return []
    statement = candidate_query(
        zone_days=zone_days, default_zone=default_zone, due_soon_days=due_soon_days
    )
    rows = [NudgeCandidate(*row) for row in session.exec(statement).all()]  # type: ignore[call-overload]
    # Sorted here, not in SQL, so the planner keeps to the (status, due) index. One order for
    # every sweep also means two concurrent sweeps take the items' locks in the same order.
    return sorted(rows, key=lambda row: row.item_id)


def candidate_query(
    *, zone_days: Sequence[ZoneDay], default_zone: str, due_soon_days: int
) -> Select[Any]:
    """The SELECT behind `nudge_candidates`; `zone_days` must not be empty.

    Narrows in SQL what the policy then decides item by item: only owners at work now (and not
    deactivated), only items due soon or overdue in the owner's today, and only items not yet
    reminded that day. The range on `due` keeps the scan on the (status, due) index, so items due
    later are never read.
    """
    zone = func.coalesce(SlackUser.tz, default_zone)
    item = ActionItem
    owed = [
        and_(
            zone.in_(zone_day.zones),
            col(item.due) <= zone_day.day + timedelta(days=due_soon_days),
            or_(col(item.last_nudged_on).is_(None), col(item.last_nudged_on) < zone_day.day),
            or_(col(item.snoozed_until).is_(None), col(item.snoozed_until) <= zone_day.day),
            or_(col(item.due) < zone_day.day, col(item.due_soon_nudged).is_(False)),
        )
        for zone_day in zone_days
    ]
    horizon = max(zone_day.day for zone_day in zone_days) + timedelta(days=due_soon_days)
    return (
        select(
            item.id,
            item.owner_id,
            zone,
            item.status,
            item.due,
            item.snoozed_until,
            item.due_soon_nudged,
            item.last_nudged_on,
        )
        .select_from(item)
        .outerjoin(SlackUser, col(SlackUser.user_id) == col(item.owner_id))
        .where(
            item.status == "open",
            col(item.due) <= horizon,
            or_(*owed),
            # Slack cannot deliver a DM to a deactivated account or a bot.
            or_(
                col(SlackUser.user_id).is_(None),
                and_(col(SlackUser.deleted).is_(False), col(SlackUser.is_bot).is_(False)),
            ),
        )
    )


@dataclass(frozen=True)
class OwedNudge:
    """A reminder the policy owes: for this candidate, on the owner's `day`, of this kind."""

    candidate: NudgeCandidate
    day: date
    kind: NudgeKind


def record_nudges(
    *, session: Session, owed: Sequence[OwedNudge], due_soon_days: int, now: datetime
) -> list[OwedNudge]:
    """Record these reminders as sent; returns those this call recorded, in the order given.

    The unique (item, day) row is the guarantee: a second sweep, even one running right now in
    another process, cannot insert it again. The item is then updated only if it is still in
    the state the reminder was decided on; if not, the row just inserted is taken back.
    A few statements per batch, not per item: a sweep may record thousands.
    """
    if not owed:
        return []
    nudge = Nudge.__table__  # type: ignore[attr-defined]
    rows = [
        {"item_id": o.candidate.item_id, "day": o.day, "kind": o.kind.value, "created_at": now}
        for o in owed
    ]
    # Rows as parameters, not one VALUES clause: the statement compiles once for every batch.
    statement = (
        _dialect(session)
        .insert(nudge)
        .on_conflict_do_nothing(index_elements=["item_id", "day"])
        .returning(nudge.c.item_id)
    )
    inserted = set(session.execute(statement, rows).scalars())
    groups: dict[tuple[date, NudgeKind], list[int]] = {}
    for o in owed:
        if o.candidate.item_id in inserted:
            groups.setdefault((o.day, o.kind), []).append(o.candidate.item_id)
    recorded: set[int] = set()
    for (day, kind), item_ids in groups.items():
        marked = _mark_nudged(session, item_ids, day, kind, due_soon_days)
        if moot := set(item_ids) - marked:
            session.exec(  # type: ignore[call-overload]
                delete(nudge).where(nudge.c.item_id.in_(moot), nudge.c.day == day)
            )
        recorded |= marked
    return [o for o in owed if o.candidate.item_id in recorded]


def _mark_nudged(
    session: Session, item_ids: list[int], day: date, kind: NudgeKind, due_soon_days: int
) -> set[int]:
    """Note the reminder on the items still owed it; returns their ids."""
    item = ActionItem.__table__  # type: ignore[attr-defined]
    still_owed = [
        item.c.id.in_(item_ids),
        item.c.status == "open",
        or_(item.c.last_nudged_on.is_(None), item.c.last_nudged_on < day),
        or_(item.c.snoozed_until.is_(None), item.c.snoozed_until <= day),
    ]
    changes: dict[str, Any] = {"last_nudged_on": day}
    if kind is NudgeKind.OVERDUE:
        still_owed.append(item.c.due < day)
    else:
        still_owed += [
            item.c.due >= day,
            item.c.due <= day + timedelta(days=due_soon_days),
            item.c.due_soon_nudged.is_(False),
        ]
        changes["due_soon_nudged"] = True
    statement = update(item).where(*still_owed).values(**changes).returning(item.c.id)
    return set(session.exec(statement).scalars())  # type: ignore[call-overload]


def nudge_details(*, session: Session, item_ids: Iterable[int]) -> dict[int, NudgeDetail]:
    """What a reminder says about each item: its text, its COE and the why it addresses."""
    ids = list(item_ids)
    if not ids:
        return {}
    statement = (
        select(
            ActionItem.id,
            ActionItem.text,
            ActionItem.coe_id,
            Coe.problem,
            ActionItem.why_number,
            WhyStep.answer,
            WhyStep.subject,
        )
        .join(Coe, col(Coe.id) == col(ActionItem.coe_id))
        .outerjoin(
            WhyStep,
            and_(
                col(WhyStep.coe_id) == col(ActionItem.coe_id),
                col(WhyStep.number) == col(ActionItem.why_number),
            ),
        )
        .where(col(ActionItem.id).in_(ids))
    )
    details = {}
    for item_id, what, coe_id, problem, why_number, answer, subject in session.exec(statement):
        details[item_id] = NudgeDetail(what, coe_id, problem, why_number, answer or subject)
    return details


# Digest ---------------------------------------------------------------------------------------


def digest_channels(*, session: Session, created_by: datetime) -> list[str]:
    """Channels that held a COE by `created_by` (UTC)."""
    statement = (
        select(Coe.channel_id)
        .distinct()
        .where(Coe.status != "starting", col(Coe.created_at) <= created_by)
        .order_by(col(Coe.channel_id))
    )
    return list(session.exec(statement).all())


def channels_to_report(
    *, session: Session, created_by: datetime, closed_after: datetime, closed_by: datetime
) -> set[str]:
    """Channels whose digest has something to say: an open item, or one done in the window.

    Reads only open items and items closed in the window (the status and closed_at indexes),
    however many items were closed before: the history of old reviews costs nothing here.
    """
    closed = col(ActionItem.closed_at)
    owed = [
        select(Coe.channel_id)
        .join(ActionItem, col(ActionItem.coe_id) == col(Coe.id))
        .where(*_digest_coes(None, created_by), where)
        for where in (
            ActionItem.status == "open",
            and_(ActionItem.status == "done", closed > closed_after, closed <= closed_by),
        )
    ]
    return set(session.execute(owed[0].union(owed[1])).scalars())


def record_digests(
    *, session: Session, channel_ids: Sequence[str], period: str, now: datetime
) -> set[str]:
    """Claim these channels' digests for `period`; returns those this call claimed.

    The unique (channel, period) row is the once-a-period guarantee: against a concurrent run
    inserting the same row, this waits for it and then leaves the channel to it.
    """
    if not channel_ids:
        return set()
    statement = _RECORD_DIGESTS[session.get_bind().dialect.name]
    # In one order everywhere, so two runs inserting the same channels cannot deadlock.
    ordered = sorted(channel_ids)
    channels = ordered if session.get_bind().dialect.name == "postgresql" else json.dumps(ordered)
    found = session.execute(statement, {"channels": channels, "period": period, "now": now})
    return set(found.scalars())


_DIGEST_CREATED = bindparam("now", type_=Digest.__table__.c.created_at.type)  # type: ignore[attr-defined]
# One statement and one parameter however many channels: a row per channel is bound as an array.
_RECORD_DIGESTS = {
    "postgresql": text(
        "INSERT INTO digest (channel_id, period, created_at) "
        "SELECT channel, :period, :now FROM unnest(CAST(:channels AS text[])) AS channel "
        "ORDER BY channel ON CONFLICT (channel_id, period) DO NOTHING RETURNING channel_id"
    ).bindparams(_DIGEST_CREATED),
    # WHERE true: without it SQLite would read ON CONFLICT as part of the SELECT's join.
    "sqlite": text(
        "INSERT INTO digest (channel_id, period, created_at) "
        "SELECT value, :period, :now FROM json_each(:channels) WHERE true "
        "ORDER BY value ON CONFLICT (channel_id, period) DO NOTHING RETURNING channel_id"
    ).bindparams(_DIGEST_CREATED),
}


def digest_items(
    *,
    session: Session,
    channel_ids: Collection[str] | None,
    created_by: datetime,
    closed_after: datetime,
    closed_by: datetime,
) -> dict[str, tuple[list[DigestItem], list[DigestItem]]]:
    """By channel: open items, and items done after `closed_after` and by `closed_by`.

    Of the COEs created by `created_by`, in `channel_ids` or, when None, everywhere.
    """
    closed = col(ActionItem.closed_at)
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
            *_digest_coes(channel_ids, created_by),
            or_(
                ActionItem.status == "open",
                and_(ActionItem.status == "done", closed > closed_after, closed <= closed_by),
            ),
        )
    )
    found: dict[str, tuple[list[DigestItem], list[DigestItem]]] = {}
    for channel, status, *fields in session.execute(statement):
        open_items, completed = found.setdefault(channel, ([], []))
        (open_items if status == "open" else completed).append(DigestItem(*fields))
    return found


def coe_progress(
    *, session: Session, channel_ids: Collection[str] | None, created_by: datetime
) -> dict[str, list[CoeProgress]]:
    """By channel: done, total and dropped item counts of every COE the digest covers."""
    statement = (
        select(Coe.channel_id, Coe.id, Coe.problem, ActionItem.status, func.count())
        .join(ActionItem, col(ActionItem.coe_id) == col(Coe.id))
        .where(*_digest_coes(channel_ids, created_by))
        .group_by(col(Coe.channel_id), col(Coe.id), col(Coe.problem), col(ActionItem.status))
    )
    counts: dict[int, tuple[str, str, dict[str, int]]] = {}
    for channel, coe_id, problem, status, count in session.execute(statement):
        counts.setdefault(coe_id, (channel, problem, {}))[2][status] = count
    found: dict[str, list[CoeProgress]] = {}
    for coe_id, (channel, problem, by_status) in sorted(counts.items()):
        found.setdefault(channel, []).append(
            CoeProgress(
                coe_id=coe_id,
                problem=problem,
                done=by_status.get("done", 0),
                total=sum(by_status.values()) - by_status.get("dropped", 0),
                dropped=by_status.get("dropped", 0),
            )
        )
    return found


def _digest_coes(channel_ids: Collection[str] | None, created_by: datetime) -> list[Any]:
    where = [Coe.status != "starting", col(Coe.created_at) <= created_by]
    if channel_ids is not None:
        where.append(col(Coe.channel_id).in_(sorted(channel_ids)))
    return where


# Shared ---------------------------------------------------------------------------------------


def outbox_states(
    *, session: Session, message_ids: Sequence[int]
) -> dict[int, tuple[str, str | None]]:
    """Status and last error of queued Slack calls, by id."""
    states: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(message_ids), 500):
        statement = select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.last_error).where(
            col(OutboxMessage.id).in_(message_ids[start : start + 500])
        )
        for message_id, status, error in session.exec(statement).all():
            if message_id is not None:
                states[message_id] = (status, error)
    return states


def _dialect(session: Session) -> Any:
    """The dialect module whose `insert` has ON CONFLICT: PostgreSQL's or SQLite's."""
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
