"""Use cases of the nudge sweep: reminding owners of their action items, once a day at most.

Safe to run at the same moment in two processes: each reminder is recorded in the database (a
`nudge` row with a unique key) in the transaction that queues it, so whoever inserts the row
sends the message and everyone else skips it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo

from sqlmodel import Session

from bot.core.dates import due_phrase, owner_zone
from bot.core.nudges import NudgePolicy, NudgeState, at_work, latest_today, nudge_due
from bot.settings import Settings
from bot.use_cases import gone_owners, users
from bot.use_cases.context import Context
from bot.use_cases.limits import NUDGE_BATCH, PROFILE_LOOKUPS
from bot.use_cases.outgoing import Nudge, NudgeContent, OnCommit, Sent, deliver_nothing
from bot.use_cases.reading import LookupFailed
from bot.use_cases.thread_links import thread_links
from storage import nudges as store
from storage import users as user_cache

log = logging.getLogger(__name__)


def nudge_policy(settings: Settings) -> NudgePolicy:
    return NudgePolicy(
        due_soon_days=settings.nudge_due_soon_days,
        working_hours=settings.working_hours,
        working_days=settings.working_days,
    )


def nudge_sweep(rt: Context, on_commit: OnCommit = deliver_nothing) -> list[Sent]:
    """Queue a reminder for every owner who is owed one now, and tell facilitators of the owners
    Slack says are deactivated (who are reminded no more); `on_commit` gets what each
    transaction queued."""
    refresh_owners(rt)
    told = gone_owners.tell_facilitators(rt)
    on_commit([sent.outbox_id for sent in told])
    return told + record_nudges(rt, on_commit)


def record_nudges(rt: Context, on_commit: OnCommit = deliver_nothing) -> list[Sent]:
    """Decide who is owed a reminder, record it and queue the DM; `on_commit` gets each batch.

    The nudge row and the queued DM commit together, before anything is sent: if the process
    dies after that, the DM is sent at most once (it is queued as not to be resent when its
    fate is unknown), and no later sweep that day reminds the owner again.
    """
    now, settings = rt.now(), rt.settings
    policy = nudge_policy(settings)
    with Session(rt.engine) as session:
        zone_days = zones_at_work(store.known_zones(session=session), settings, now, policy)
        candidates = store.nudge_candidates(
            session=session,
            zone_days=zone_days,
            default_zone=settings.timezone.key,
            due_soon_days=policy.due_soon_days,
        )
    owed = [
        decided
        for candidate in candidates
        if (decided := _decide(candidate, now, settings.timezone, policy)) is not None
    ]
    queued: list[Sent] = []
    for start in range(0, len(owed), NUDGE_BATCH):
        batch = _record_batch(rt, owed[start : start + NUDGE_BATCH], now)
        on_commit([sent.outbox_id for sent in batch])
        queued.extend(batch)
    return queued


def _decide(
    candidate: store.NudgeCandidate, now: datetime, default: tzinfo, policy: NudgePolicy
) -> store.OwedNudge | None:
    """The reminder owed for a candidate, on the owner's local date, if any."""
    local = now.astimezone(owner_zone(candidate.zone, default))
    kind = nudge_due(_state(candidate), local, policy)
    return None if kind is None else store.OwedNudge(candidate, local.date(), kind)


def _record_batch(rt: Context, owed: Sequence[store.OwedNudge], now: datetime) -> list[Sent]:
    """Record a batch of reminders and queue their DMs, in one transaction."""
    with Session(rt.engine) as session:
        details = store.nudge_details(session=session, item_ids=[o.candidate.item_id for o in owed])
        recorded = store.record_nudges(
            session=session,
            owed=owed,
            due_soon_days=rt.settings.nudge_due_soon_days,
            now=now,
        )
        names = users.names_in(
            session,
            *(text for d in details.values() for text in (d.text, d.problem, d.why_text)),
        )
        links = thread_links(session, [detail.coe_id for detail in details.values()])
        nudges = [_nudge(o, details[o.candidate.item_id], links) for o in recorded]
        message_ids = rt.say(session).nudge(nudges, names)
        session.commit()
    return [
        Sent(
            message_id,
            o.candidate.owner_id,
            f"nudge to {o.candidate.owner_id}: item {o.candidate.item_id} "
            f"(COE-{details[o.candidate.item_id].coe_id}, {due_phrase(o.candidate.due, o.day)})",
        )
        for o, message_id in zip(recorded, message_ids, strict=True)
    ]


def _nudge(owed: store.OwedNudge, detail: store.NudgeDetail, links: Mapping[int, str]) -> Nudge:
    content = NudgeContent(
        item_id=owed.candidate.item_id,
        text=detail.text,
        coe_id=detail.coe_id,
        problem=detail.problem,
        due=owed.candidate.due,
        why_number=detail.why_number,
        why_text=detail.why_text,
        link=links.get(detail.coe_id),
    )
    return Nudge(owed.candidate.owner_id, content, owed.kind, owed.day)


def refresh_owners(rt: Context) -> int:
    """Look up the owners soon to be reminded whom the user cache knows nothing about, then
    those it heard of over a day ago (a timezone changes; an account is deactivated), within
    PROFILE_LOOKUPS a sweep; returns how many it looked up.

    Runs outside any transaction: a slow Slack must not hold the database. Until an owner's
    timezone is known, COE_TIMEZONE stands in for it.
    """
    now, settings = rt.now(), rt.settings
    due_by = latest_today(now) + timedelta(days=settings.nudge_due_soon_days)
    with Session(rt.engine) as session:
        owners = store.owners_to_look_up(
            session=session,
            due_by=due_by,
            stale_before=now - user_cache.FRESH_FOR,
            limit=PROFILE_LOOKUPS,
        )
    learned = 0
    for owner in owners:
        try:
            person = users.look_up(rt, owner)
        except LookupFailed as error:
            log.warning("Could not look up %s for its timezone: %s", owner, error)
            continue
        if person is None:
            # Remembered as gone, so the sweep does not ask Slack about it every time.
            with Session(rt.engine) as session:
                user_cache.save_user(
                    session=session,
                    user_id=owner,
                    tz=settings.timezone.key,
                    is_bot=False,
                    deleted=True,
                    now=now,
                )
                session.commit()
        learned += 1
    return learned


def zones_at_work(
    names: Sequence[str], settings: Settings, now: datetime, policy: NudgePolicy
) -> list[store.ZoneDay]:
    """The stored timezone names where it is working hours now, grouped by their local date."""
    by_day: dict[date, list[str]] = {}
    for name in sorted({*names, settings.timezone.key}):
        local = now.astimezone(owner_zone(name, settings.timezone))
        if at_work(local, policy):
            by_day.setdefault(local.date(), []).append(name)
    return [store.ZoneDay(day, tuple(zones)) for day, zones in sorted(by_day.items())]


def _state(candidate: store.NudgeCandidate) -> NudgeState:
    return NudgeState(
        status=candidate.status,
        due=candidate.due,
        snoozed_until=candidate.snoozed_until,
        due_soon_nudged=candidate.due_soon_nudged,
        last_nudged_on=candidate.last_nudged_on,
    )
