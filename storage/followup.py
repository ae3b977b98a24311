"""Queries of the follow-up: who to nudge, what the digest shows, and the once-only records."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from bot.core.digest import CoeProgress, DigestItem
from bot.core.nudges import NudgeKind
from storage.models import (
    ActionItem,
    Coe,
    Digest,
    Nudge,
    OutboxMessage,
    SlackChannel,
    SlackUser,
    WhyStep,
)


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
    statement = (
        _dialect(session)
        .insert(nudge)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["item_id", "day"])
        .returning(nudge.c.item_id)
    )
    inserted = set(session.exec(statement).scalars())  # type: ignore[call-overload]
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
    for item_id, text, coe_id, problem, why_number, answer, subject in session.exec(statement):
        details[item_id] = NudgeDetail(text, coe_id, problem, why_number, answer or subject)
    return details


# Digest ---------------------------------------------------------------------------------------


def digest_channels(*, session: Session, created_by: datetime) -> list[str]:
    """Channels that held a COE by `created_by` (UTC), but for those archived since their
    latest COE began (one started there after that means the channel is back in use)."""
    archived_at = func.max(SlackChannel.archived_at)
    statement = (
        select(Coe.channel_id)
        .outerjoin(SlackChannel, col(SlackChannel.channel_id) == col(Coe.channel_id))
        .where(Coe.status != "starting", col(Coe.created_at) <= created_by)
        .group_by(col(Coe.channel_id))
        .having(or_(archived_at.is_(None), archived_at < func.max(Coe.created_at)))
        .order_by(col(Coe.channel_id))
    )
    return list(session.exec(statement).all())


def digest_items(
    *,
    session: Session,
    channel_ids: Collection[str],
    created_by: datetime,
    closed_after: datetime,
    closed_by: datetime,
) -> tuple[list[DigestItem], list[DigestItem]]:
    """Open items, and items done after `closed_after` and by `closed_by`, of a digest's COEs.

    The COEs are those created by `created_by` in `channel_ids`.
    """
    closed = col(ActionItem.closed_at)
    statement = (
        select(ActionItem)
        .join(Coe, col(Coe.id) == col(ActionItem.coe_id))
        .where(
            *_digest_coes(channel_ids, created_by),
            or_(
                ActionItem.status == "open",
                and_(ActionItem.status == "done", closed > closed_after, closed <= closed_by),
            ),
        )
    )
    open_items: list[DigestItem] = []
    completed: list[DigestItem] = []
    for row in session.exec(statement).all():
        assert row.id is not None
        item = DigestItem(row.id, row.coe_id, row.text, row.owner_id, row.due, row.snoozed_until)
        (open_items if row.status == "open" else completed).append(item)
    return open_items, completed


def coe_progress(
    *, session: Session, channel_ids: Collection[str], created_by: datetime
) -> list[CoeProgress]:
    """Done, total and dropped item counts of every COE the digest covers, in one query."""
    statement = (
        select(Coe.id, Coe.problem, ActionItem.status, func.count())
        .join(ActionItem, col(ActionItem.coe_id) == col(Coe.id))
        .where(*_digest_coes(channel_ids, created_by))
        .group_by(col(Coe.id), col(Coe.problem), col(ActionItem.status))
    )
    counts: dict[int, tuple[str, dict[str, int]]] = {}
    for coe_id, problem, status, count in session.exec(statement).all():  # type: ignore[call-overload]
        counts.setdefault(coe_id, (problem, {}))[1][status] = count
    return [
        CoeProgress(
            coe_id=coe_id,
            problem=problem,
            done=by_status.get("done", 0),
            total=sum(by_status.values()) - by_status.get("dropped", 0),
            dropped=by_status.get("dropped", 0),
        )
        for coe_id, (problem, by_status) in sorted(counts.items())
    ]


def digest_recorded(*, session: Session, channel_id: str, period: str) -> bool:
    statement = select(Digest.id).where(Digest.channel_id == channel_id, Digest.period == period)
    return session.exec(statement).first() is not None


def record_digest(*, session: Session, channel_id: str, period: str, now: datetime) -> int | None:
    """Claim the channel's digest for `period`: the row's id; None when another run has it."""
    values = {"channel_id": channel_id, "period": period, "created_at": now}
    return _insert_unless_present(session, Digest, values, ["channel_id", "period"])


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


def _digest_coes(channel_ids: Collection[str], created_by: datetime) -> list[Any]:
    return [
        Coe.status != "starting",
        col(Coe.created_at) <= created_by,
        col(Coe.channel_id).in_(sorted(channel_ids)),
    ]


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


def _insert_unless_present(
    session: Session, model: type[SQLModel], values: dict[str, Any], keys: list[str]
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING: the new row's id if this call inserted it, else None.

    Against a concurrent insert of the same key this waits for the other transaction and then
    does nothing, instead of failing the whole transaction as a plain INSERT would.
    """
    table = model.__table__  # type: ignore[attr-defined]
    statement = (
        _dialect(session)
        .insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
        # RETURNING, not rowcount: drivers do not all report a row count for this statement.
        .returning(table.c.id)
    )
    return session.exec(statement).scalar()  # type: ignore[call-overload,no-any-return]


def _dialect(session: Session) -> Any:
    """The dialect module whose `insert` has ON CONFLICT: PostgreSQL's or SQLite's."""
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
