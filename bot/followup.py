"""Use cases of the follow-up: reminding owners of their action items, and the weekly digest.

Both are safe to run at the same moment in two processes: each message is recorded in the
database (a `nudge` or `digest` row with a unique key) in the transaction that queues it, so
whoever inserts the row sends the message and everyone else skips it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import delivery, users, visibility
from bot.core import digest as digest_core
from bot.core.dates import due_phrase
from bot.core.nudges import ItemState, NudgePolicy, at_work, latest_today, nudge_due
from bot.runtime import Runtime
from bot.schedule import latest_digest_time, previous_digest_time
from bot.settings import Settings
from bot.slack import followup_messages as views
from bot.thread_links import thread_links
from storage import followup as store
from storage import outbox
from storage import users as user_cache

log = logging.getLogger(__name__)

# Items recorded and queued per transaction: keeps a big sweep from holding the lock for long.
NUDGE_BATCH = 200
# users.info calls per sweep for owners whose timezone is not cached yet (Slack rate limits).
PROFILE_LOOKUPS = 50


@dataclass(frozen=True)
class Sent:
    """A Slack message a run queued, and what became of it by the time the run ended."""

    outbox_id: int
    channel: str
    what: str
    status: str = "queued"
    error: str | None = None

    def line(self) -> str:
        outcome = self.status if self.error is None else f"{self.status} ({self.error})"
        return f"{self.what}: {outcome}"


# Nudges ---------------------------------------------------------------------------------------


def nudge_policy(settings: Settings) -> NudgePolicy:
    return NudgePolicy(
        due_soon_days=settings.nudge_due_soon_days,
        working_hours=settings.working_hours,
        working_days=settings.working_days,
    )


def nudge_sweep(rt: Runtime) -> list[Sent]:
    """Remind every owner who is owed a reminder now, and send the reminders."""
    learn_owner_zones(rt)
    queued = record_nudges(rt, on_commit=lambda ids: delivery.deliver(rt, ids))
    return outcomes(rt, queued)


def record_nudges(
    rt: Runtime, on_commit: Callable[[list[int]], None] = lambda ids: None
) -> list[Sent]:
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
    local = now.astimezone(_zone(candidate.zone, default))
    kind = nudge_due(_state(candidate), local, policy)
    return None if kind is None else store.OwedNudge(candidate, local.date(), kind)


def _record_batch(rt: Runtime, owed: Sequence[store.OwedNudge], now: datetime) -> list[Sent]:
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
        messages = [_nudge_message(o, details[o.candidate.item_id], names, links) for o in recorded]
        message_ids = outbox.enqueue_many(
            session=session,
            method="chat.postMessage",
            payloads=messages,
            now=now,
            # Sent at most once: if the sender dies mid-send, a lost reminder beats a double one.
            resend_if_unknown=False,
        )
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


def _nudge_message(
    owed: store.OwedNudge,
    detail: store.NudgeDetail,
    names: Mapping[str, str],
    links: Mapping[int, str],
) -> dict[str, Any]:
    content = views.NudgeContent(
        item_id=owed.candidate.item_id,
        text=detail.text,
        coe_id=detail.coe_id,
        problem=detail.problem,
        due=owed.candidate.due,
        why_number=detail.why_number,
        why_text=detail.why_text,
        link=links.get(detail.coe_id),
    )
    message = views.build_nudge(content, owed.kind, owed.day, names)
    return {"channel": owed.candidate.owner_id, **message}


def learn_owner_zones(rt: Runtime) -> int:
    """Look up the owners the user cache knows nothing about, so their timezone is known.

    Runs outside any transaction: a slow Slack must not hold the database. Until an owner's
    timezone is known, COE_TIMEZONE stands in for it.
    """
    now, settings = rt.now(), rt.settings
    due_by = latest_today(now) + timedelta(days=settings.nudge_due_soon_days)
    with Session(rt.engine) as session:
        owners = store.owners_without_zone(session=session, due_by=due_by, limit=PROFILE_LOOKUPS)
    learned = 0
    for owner in owners:
        try:
            person = users.look_up(rt, owner)
        except (SlackApiError, OSError) as error:
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
        local = now.astimezone(_zone(name, settings.timezone))
        if at_work(local, policy):
            by_day.setdefault(local.date(), []).append(name)
    return [store.ZoneDay(day, tuple(zones)) for day, zones in sorted(by_day.items())]


def _state(candidate: store.NudgeCandidate) -> ItemState:
    return ItemState(
        status=candidate.status,
        due=candidate.due,
        snoozed_until=candidate.snoozed_until,
        due_soon_nudged=candidate.due_soon_nudged,
        last_nudged_on=candidate.last_nudged_on,
    )


def _zone(name: str, default: tzinfo) -> tzinfo:
    """An owner's timezone by name; a name this system does not know falls back to `default`."""
    return _known_zone(name) or default


@lru_cache(maxsize=512)
def _known_zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


# Digest ---------------------------------------------------------------------------------------


# A channel's digest of the period was posted, or the period had nothing to report for it.
ALREADY_DONE = "already done for this period"


@dataclass
class DigestRun:
    """What a digest run did: the period it was for, what it sent and which channels it skipped."""

    period: str | None
    sent: list[Sent] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def post_digests(rt: Runtime, *, force: bool = False) -> DigestRun:
    """Post the digest of the latest scheduled period to every channel still owed it.

    The scheduled job, the catch-up at start-up and `coe-bot digest` all run this: a channel gets
    each period's digest once, however many processes run it and however late. The digest of a
    period covers the COEs that existed at its scheduled time, so a late run does not post to a
    channel whose first COE came after it; and every channel it covers is marked done for the
    period, posted to or not, so an item added mid-week waits for the next period. A digest
    Slack refuses for its channel (the bot not in it, archived, gone) is taken back, still
    owed; an archived channel is left out from then on (bot/delivery.py). With
    `force`, post a digest now of everything, under a period of its own, whatever was posted
    before.
    """
    now, settings = rt.now(), rt.settings
    window = _digest_window(settings, now, force)
    if window is None:
        return DigestRun(period=None)
    covers_by = window.end.astimezone(UTC)
    period = ("manual " if force else "") + covers_by.strftime("%Y-%m-%dT%H:%M:%SZ")
    run = DigestRun(period=period)
    with Session(rt.engine) as session:
        channels = store.digest_channels(session=session, created_by=covers_by)
    if settings.digest_channel:
        # Everyone in the digest channel reads it: only COEs all of them may see go in.
        reader = visibility.digest_reader(rt, settings.digest_channel)
        shown = visibility.visible_channels(rt, reader, channels)
        targets = [(settings.digest_channel, shown)]
    else:
        targets = [(channel, frozenset({channel})) for channel in channels]
    for channel, scope in targets:
        outcome = _post_digest(rt, channel, scope, period, window, now)
        if isinstance(outcome, str):
            run.skipped.append((channel, outcome))
        else:
            delivery.deliver(rt, [sent.outbox_id for sent in outcome])
            run.sent.extend(outcome)
    run.sent = outcomes(rt, run.sent)
    return run


def _digest_window(settings: Settings, now: datetime, force: bool) -> digest_core.Window | None:
    """The latest scheduled period, from the digest before it; the past week when forced."""
    if force:
        return digest_core.Window.week_to(now.astimezone(settings.timezone))
    cron, zone = settings.digest_cron, settings.timezone
    fire = latest_digest_time(cron, zone, now)
    if fire is None:
        return None
    previous = previous_digest_time(cron, zone, fire)
    return digest_core.Window(previous, fire) if previous else digest_core.Window.week_to(fire)


def _post_digest(
    rt: Runtime,
    channel: str,
    scope: frozenset[str],
    period: str,
    window: digest_core.Window,
    now: datetime,
) -> list[Sent] | str:
    """Record and queue one channel's digest; a reason instead when there is none to post."""
    zone = rt.settings.timezone
    covers_by = window.end.astimezone(UTC)
    with Session(rt.engine) as session:
        if store.digest_recorded(session=session, channel_id=channel, period=period):
            return ALREADY_DONE
        open_items, completed = store.digest_items(
            session=session,
            channel_ids=scope,
            created_by=covers_by,
            closed_after=window.start.astimezone(UTC),
            closed_by=covers_by,
        )
        progress = store.coe_progress(session=session, channel_ids=scope, created_by=covers_by)
        owners = sorted({item.owner_id for item in open_items})
        zones = user_cache.timezones(session=session, user_ids=owners)
        digest = digest_core.build_digest(
            today=now.astimezone(zone).date(),
            # On the owner's calendar, as their reminders count the days overdue.
            owner_today={
                owner: now.astimezone(_zone(zones.get(owner, zone.key), zone)).date()
                for owner in owners
            },
            open_items=open_items,
            completed=completed,
            progress=progress,
            window=window,
        )
        # Recorded even when there is nothing to say: the channel is done for the period, so a
        # later run (a restart, `coe-bot digest --scheduled`) does not post it again mid-week.
        digest_id = store.record_digest(session=session, channel_id=channel, period=period, now=now)
        if digest_id is None:
            return ALREADY_DONE
        if digest is None:
            session.commit()
            return "nothing to report"
        names = users.names_in(
            session,
            *(item.text for item in (*open_items, *completed)),
            *(coe.problem for coe in progress),
        )
        links = thread_links(session, [coe.coe_id for coe in progress])
        pages = views.build_digest_messages(digest, names, links)
        queued = []
        for number, page in enumerate(pages, start=1):
            message_id = outbox.enqueue(
                session=session,
                method="chat.postMessage",
                payload={"channel": channel, **page.message},
                now=now,
                # Better a missing part than a digest posted twice.
                resend_if_unknown=False,
                # Slack refusing the channel takes the record back: the digest is still owed.
                digest_id=digest_id,
            )
            items = ", ".join(map(str, page.item_ids)) or "none"
            what = f"digest to {channel}, message {number} of {len(pages)}: open items {items}"
            queued.append(Sent(message_id, channel, what))
        session.commit()
    return queued


# Shared ---------------------------------------------------------------------------------------


def outcomes(rt: Runtime, queued: list[Sent]) -> list[Sent]:
    """`queued` with what became of each message: sent, or still waiting and why."""
    with Session(rt.engine) as session:
        states = store.outbox_states(session=session, message_ids=[s.outbox_id for s in queued])
    return [
        replace(sent, status=states[sent.outbox_id][0], error=states[sent.outbox_id][1])
        if sent.outbox_id in states
        else sent
        for sent in queued
    ]
