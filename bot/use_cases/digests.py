"""Use case of the weekly digest: open and completed action items, posted to each channel once
per scheduled period.

Safe to run at the same moment in two processes: each channel's digest is recorded in the
database (a `digest` row with a unique key) in the transaction that queues it, so whoever
inserts the row posts the digest and everyone else skips it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from bot.core import digest as digest_core
from bot.core.dates import owner_today
from bot.core.digest import CoeProgress, DigestItem
from bot.use_cases import canvases, users, visibility
from bot.use_cases.context import Context
from bot.use_cases.limits import DIGEST_BATCH
from bot.use_cases.outgoing import OnCommit, RenderedDigest, Sent, deliver_nothing
from bot.use_cases.thread_links import thread_links
from storage import digests as store
from storage import users as user_cache
from storage.db import read_only

# A channel's digest of the period was posted, or the period had nothing to report for it.
ALREADY_DONE = "already done for this period"
NOTHING_TO_REPORT = "nothing to report"
# Slack did not say what some channels are: nothing is decided, and a later run tries again.
UNDESCRIBED = "not yet: Slack did not say what these channels are"

# A digest's channel, and the channels whose COEs it shows.
Target = tuple[str, frozenset[str]]


@dataclass
class DigestRun:
    """What a digest run did: the period it was for, what it sent and which channels it skipped."""

    period: str | None
    sent: list[Sent] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Nothing was decided for the period: run again later.
    unfinished: bool = False


@dataclass(frozen=True)
class Period:
    """The period a run posts for: its key in the `digest` table and its window (the latest
    scheduled one, from bot/runtime/schedule.py; or, for a digest now, the past week)."""

    key: str
    window: digest_core.Window

    @property
    def covers_by(self) -> datetime:
        return self.window.end.astimezone(UTC)

    @property
    def closed_after(self) -> datetime:
        return self.window.start.astimezone(UTC)


def post_digests(
    rt: Context, period: Period | None, on_commit: OnCommit = deliver_nothing
) -> DigestRun:
    """Post the digest of the latest scheduled period to every channel still owed it.

    The scheduled job, the catch-up at start-up and `coe-bot digest` all run this: a channel gets
    each period's digest once, however many processes run it and however late. The digest of a
    period covers the COEs that existed at its scheduled time, so a late run does not post to a
    channel whose first COE came after it; and every channel it covers is marked done for the
    period, posted to or not, so an item added mid-week waits for the next period. A digest
    Slack refuses for its channel (the bot not in it, archived, gone) is taken back, still
    owed; an archived channel is left out until it is unarchived (bot/slack/delivery.py,
    bot/use_cases/channels.py). With COE_DIGEST_CHANNEL, a run that cannot learn from Slack
    which channels are private decides nothing (`unfinished`), for a later run to do. With no
    `period` (none scheduled yet), nothing is posted. `on_commit` gets what each transaction
    queued.
    """
    if period is None:
        return DigestRun(period=None)
    now, settings, key = rt.now(), rt.settings, period.key
    with Session(read_only(rt.engine)) as session:
        channels = store.digest_channels(session=session, created_by=period.covers_by)
    if settings.digest_channel:
        # Everyone in the digest channel reads it: only COEs all of them may see go in. Until
        # Slack has said who may see which, nothing is decided: a channel left out now would be
        # left out of the period for good.
        reader, described = visibility.digest_reader(rt, settings.digest_channel)
        shown, unknown = visibility.sort_channels(rt, reader, channels)
        if unknown or not described:
            waiting = ", ".join(sorted(unknown or {settings.digest_channel}))
            skipped = [(settings.digest_channel, f"{UNDESCRIBED} ({waiting})")]
            return DigestRun(period=key, skipped=skipped, unfinished=True)
        targets = [(settings.digest_channel, shown)]
    else:
        targets = [(channel, frozenset({channel})) for channel in channels]
    outcome: dict[str, list[Sent] | str] = dict(_quiet_targets(rt, targets, period, now))
    owed = [target for target in targets if target[0] not in outcome]
    for start in range(0, len(owed), DIGEST_BATCH):
        posted = _post_batch(rt, owed[start : start + DIGEST_BATCH], period, now)
        on_commit([s.outbox_id for sent in posted.values() for s in _queued(sent)])
        outcome.update(posted)
    run = DigestRun(period=key)
    for channel, _ in targets:
        if isinstance(done := outcome[channel], str):
            run.skipped.append((channel, done))
        else:
            run.sent.extend(done)
    return run


def _quiet_targets(
    rt: Context, targets: Sequence[Target], period: Period, now: datetime
) -> dict[str, str]:
    """The targets with nothing to report, decided once per period, and why each is skipped.

    The first run of a period records which targets are owed a digest, in one row; every later
    run (a restart, `coe-bot digest --scheduled`) owes those and skips the rest, so an item
    added mid-week waits for the next period. One row, not one per quiet channel: most channels
    that ever held a COE have nothing open, and recording each of them every period made the
    digest cost what its history cost.
    """
    # Read beside the writer, as the batches are: on SQLite the acks wait for the write lock.
    with Session(read_only(rt.engine)) as session:
        news = store.channels_with_news(
            session=session,
            created_by=period.covers_by,
            closed_after=period.closed_after,
            closed_by=period.covers_by,
        )
    with Session(rt.engine) as session:
        owed, first = store.decide_period(
            session=session,
            period=period.key,
            owed=[channel for channel, scope in targets if not scope.isdisjoint(news)],
            now=now,
        )
        session.commit()
    skipped = NOTHING_TO_REPORT if first else ALREADY_DONE
    decided = set(owed)
    return {channel: skipped for channel, _ in targets if channel not in decided}


def _post_batch(
    rt: Context, batch: Sequence[Target], period: Period, now: datetime
) -> dict[str, list[Sent] | str]:
    """Build these channels' digests, then claim and queue them in one transaction; for each
    channel, what it queued, or why there is none to post.

    Everything is read and built before that transaction, in a snapshot of its own: on SQLite
    the transaction holds the one write lock, which the acks wait for, for the claim and the
    queueing alone. A digest another run claimed first (a run at the same moment, or before a
    restart) is built for nothing and skipped.
    """
    with Session(read_only(rt.engine)) as session:
        built = _build(rt, session, batch, period, now)
        names, links = _names_and_links(session, built.values())
        on_canvas = canvases.links(
            session, sorted({c.coe_id for d in built.values() for c in d.progress})
        )
    rendered = rt.say().render_digests(built, names, links, on_canvas)
    outcome: dict[str, list[Sent] | str] = {}
    with Session(rt.engine) as session:
        claimed = store.record_digests(
            session=session,
            channel_ids=[channel for channel, _ in batch],
            period=period.key,
            now=now,
        )
        for channel, _ in batch:
            if channel not in claimed:
                outcome[channel] = ALREADY_DONE
            elif channel not in rendered:
                outcome[channel] = NOTHING_TO_REPORT
        owed = {channel: digest for channel, digest in rendered.items() if channel in claimed}
        outcome.update(_queue(rt, session, owed, {c: claimed[c] for c in owed}))
        session.commit()
    return outcome


def _build(
    rt: Context, session: Session, batch: Sequence[Target], period: Period, now: datetime
) -> dict[str, digest_core.Digest]:
    """The digest of each channel of the batch that has something to report."""
    zone = rt.settings.timezone
    today = now.astimezone(zone).date()
    shown = sorted(set().union(*(scope for _, scope in batch)))
    items = store.digest_items(
        session=session,
        channel_ids=shown,
        created_by=period.covers_by,
        closed_after=period.closed_after,
        closed_by=period.covers_by,
    )
    progress = store.coe_progress(session=session, channel_ids=shown, created_by=period.covers_by)
    owners = sorted({item.owner_id for open_items, _ in items.values() for item in open_items})
    zones = user_cache.timezones(session=session, user_ids=owners)
    # On the owner's calendar, as their reminders count the days overdue.
    owners_today = {owner: owner_today(now, zones.get(owner), zone) for owner in owners}
    built: dict[str, digest_core.Digest] = {}
    for channel, scope in batch:
        open_items, completed, coes = _in_scope(scope, items, progress)
        digest = digest_core.build_digest(
            today=today,
            owner_today=owners_today,
            open_items=open_items,
            completed=completed,
            progress=coes,
            window=period.window,
        )
        if digest is not None:
            built[channel] = digest
    return built


def _names_and_links(
    session: Session, digests: Iterable[digest_core.Digest]
) -> tuple[dict[str, str], dict[int, str]]:
    """The names of the people the digests' texts mention, and links to their COEs' threads."""
    digests = list(digests)
    names = users.names_in(
        session,
        *(entry.item.text for d in digests for group in d.groups for entry in group.entries),
        *(item.text for d in digests for item in d.completed),
        *(coe.problem for d in digests for coe in d.progress),
    )
    links = thread_links(session, sorted({coe.coe_id for d in digests for coe in d.progress}))
    return names, links


def _in_scope(
    scope: frozenset[str],
    items: Mapping[str, store.ChannelItems],
    progress: Mapping[str, list[CoeProgress]],
) -> tuple[list[DigestItem], list[DigestItem], list[CoeProgress]]:
    """The open items, completed items and COE progress of the channels in `scope`."""
    open_items: list[DigestItem] = []
    completed: list[DigestItem] = []
    coes: list[CoeProgress] = []
    for channel in sorted(scope):
        channel_open, channel_completed = items.get(channel, ([], []))
        open_items += channel_open
        completed += channel_completed
        coes += progress.get(channel, [])
    return open_items, completed, coes


def _queue(
    rt: Context,
    session: Session,
    rendered: Mapping[str, RenderedDigest],
    digest_ids: Mapping[str, int],
) -> dict[str, list[Sent]]:
    """Queue the messages of these digests, in one statement; what was queued, by channel."""
    pages = rt.say(session).post_digests(rendered, digest_ids)
    queued: dict[str, list[Sent]] = {}
    for page in pages:
        items = ", ".join(map(str, page.item_ids)) or "none"
        what = (
            f"digest to {page.channel_id}, message {page.number} of {page.pages}: "
            f"open items {items}"
        )
        queued.setdefault(page.channel_id, []).append(Sent(page.message_id, page.channel_id, what))
    return queued


def _queued(outcome: list[Sent] | str) -> list[Sent]:
    return [] if isinstance(outcome, str) else outcome
