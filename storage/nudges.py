"""Queries of the nudge sweep: whose owners are at work, which items are owed a reminder, and
the once-a-day record of each reminder."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, update
from sqlmodel import Session, col, select

from bot.core.action_items import ItemStatus
from bot.core.nudges import NudgeKind
from storage.db import insert_rows, one_of
from storage.models import ActionItem, Coe, Nudge, SlackUser, WhyStep

# Statuses as stored: the columns hold the enums' values.
OPEN = ItemStatus.OPEN.value


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


def owners_to_look_up(
    *, session: Session, due_by: date, stale_before: datetime, limit: int
) -> list[str]:
    """Owners of open items due by `due_by` whom the user cache knows nothing about, then those
    it last heard of at `stale_before` or before, longest ago first."""
    fetched = func.max(SlackUser.fetched_at)
    statement = (
        select(ActionItem.owner_id)
        .outerjoin(SlackUser, col(SlackUser.user_id) == col(ActionItem.owner_id))
        .where(
            ActionItem.status == OPEN,
            col(ActionItem.due) <= due_by,
            or_(col(SlackUser.user_id).is_(None), col(SlackUser.fetched_at) <= stale_before),
        )
        .group_by(col(ActionItem.owner_id))
        # Never looked up first (no row: NULL), then the longest ago.
        .order_by(fetched.is_not(None), fetched, col(ActionItem.owner_id))
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
            item.status == OPEN,
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
    rows = [{"item_id": o.candidate.item_id, "day": o.day, "kind": o.kind.value} for o in owed]
    # One statement compiled once and run over all the rows: compiling a VALUES list of
    # hundreds of rows cost more than running it.
    insert, values = insert_rows(session, nudge, rows, same={"created_at": now})
    statement = insert.on_conflict_do_nothing(index_elements=["item_id", "day"]).returning(
        nudge.c.item_id
    )
    inserted = set(session.execute(statement, values).scalars())
    groups: dict[tuple[date, NudgeKind], list[int]] = {}
    for o in owed:
        if o.candidate.item_id in inserted:
            groups.setdefault((o.day, o.kind), []).append(o.candidate.item_id)
    recorded: set[int] = set()
    for (day, kind), item_ids in groups.items():
        marked = _mark_nudged(session, item_ids, day, kind, due_soon_days)
        if moot := set(item_ids) - marked:
            session.exec(  # type: ignore[call-overload]
                delete(nudge).where(one_of(session, nudge.c.item_id, moot), nudge.c.day == day)
            )
        recorded |= marked
    return [o for o in owed if o.candidate.item_id in recorded]


def _mark_nudged(
    session: Session, item_ids: list[int], day: date, kind: NudgeKind, due_soon_days: int
) -> set[int]:
    """Note the reminder on the items still owed it; returns their ids."""
    item = ActionItem.__table__  # type: ignore[attr-defined]
    still_owed = [
        one_of(session, item.c.id, item_ids),
        item.c.status == OPEN,
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
        .where(one_of(session, col(ActionItem.id), ids))
    )
    details = {}
    for item_id, text, coe_id, problem, why_number, answer, subject in session.exec(statement):
        details[item_id] = NudgeDetail(text, coe_id, problem, why_number, answer or subject)
    return details
