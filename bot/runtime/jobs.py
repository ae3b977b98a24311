"""The scheduled jobs, registered on an APScheduler `BackgroundScheduler` built here."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.core.digest import Window
from bot.runtime.context import Runtime
from bot.runtime.schedule import digest_trigger, latest_digest_time, previous_digest_time
from bot.settings import Settings
from bot.slack import delivery
from bot.use_cases import channels as channel_facts
from bot.use_cases import digests, nudges
from bot.use_cases.digests import DigestRun, Period
from bot.use_cases.limits import DIGEST_RETRY_AFTER
from bot.use_cases.outgoing import Sent
from storage import channels

log = logging.getLogger(__name__)


def build_scheduler(rt: Runtime) -> BackgroundScheduler:
    """Every job is safe to run twice or in two processes: the database decides who acts."""
    scheduler = BackgroundScheduler(
        timezone=rt.settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(
        run_nudges, "interval", minutes=rt.settings.nudge_interval_minutes, args=[rt], id="nudges"
    )
    settings = rt.settings
    scheduler.add_job(
        run_digest,
        digest_trigger(settings.digest_cron, settings.timezone),
        args=[rt, scheduler],
        id="digest",
        # However late (a stalled process), the week's digest is still owed.
        misfire_grace_time=None,
    )
    # Once at start-up: posts the latest period's digest if the bot was down when it was due.
    scheduler.add_job(run_digest, "date", args=[rt, scheduler], id="digest-catch-up")
    scheduler.add_job(look_at_channels, "interval", minutes=1, args=[rt], id="channels")
    if settings.digest_channel:
        scheduler.add_job(check_digest_channel, "date", args=[rt], id="digest-channel-check")
    return scheduler


def nudge(rt: Runtime) -> list[Sent]:
    """One nudge sweep, each batch sent once committed; what became of each message."""
    queued = nudges.nudge_sweep(rt, on_commit=lambda ids: delivery.deliver(rt, ids))
    return delivery.outcomes(rt, queued)


def digest(rt: Runtime, *, now_for_all: bool = False) -> DigestRun:
    """The digest of the latest scheduled period (`now_for_all`: of the past week, now), each
    batch sent once committed; with what became of each message."""
    period = digest_period(rt.settings, rt.now(), now_for_all=now_for_all)
    run = digests.post_digests(rt, period, on_commit=lambda ids: delivery.deliver(rt, ids))
    run.sent = delivery.outcomes(rt, run.sent)
    return run


def digest_period(settings: Settings, now: datetime, *, now_for_all: bool = False) -> Period | None:
    """The period a digest run posts for: the latest scheduled one, from the one before it (None
    before the schedule ever fired); with `now_for_all`, the past week, as a period of its own."""
    zone = settings.timezone
    if now_for_all:
        window = Window.week_to(now.astimezone(zone))
        end = window.end.astimezone(UTC)
        # A period of its own, down to the microsecond: two run in the same second must not take
        # the second for done.
        return Period(f"manual {end:%Y-%m-%dT%H:%M:%S.%fZ}", window)
    fire = latest_digest_time(settings.digest_cron, zone, now)
    if fire is None:
        return None
    previous = previous_digest_time(settings.digest_cron, zone, fire)
    window = Window(previous, fire) if previous else Window.week_to(fire)
    return Period(f"{fire.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}", window)


def run_nudges(rt: Runtime) -> None:
    sent = nudge(rt)
    if sent:
        log.info("Nudge sweep queued %s reminders", len(sent))


def run_digest(rt: Runtime, scheduler: BackgroundScheduler | None = None) -> None:
    """The digest of the latest period; again a little later if Slack would not say enough to
    decide it."""
    run = digest(rt)
    for sent in run.sent:
        log.info("Digest: %s", sent.line())
    if run.unfinished and scheduler is not None:
        log.warning("Digest for %s not decided: %s", run.period, run.skipped)
        scheduler.add_job(
            run_digest,
            "date",
            run_date=datetime.now(rt.settings.timezone) + DIGEST_RETRY_AFTER,
            args=[rt, scheduler],
            id="digest-retry",
            replace_existing=True,
        )


def look_at_channels(rt: Runtime) -> None:
    """What the channels holding COEs are, asked again of Slack where it was longest ago."""
    looked = channel_facts.look_again(rt)
    if looked:
        log.info("Looked at %s channels again", looked)


def check_digest_channel(rt: Runtime) -> str | None:
    """Say in one log line, at start-up, why the digest cannot go to COE_DIGEST_CHANNEL, if so.

    Reading the channel's latest message is the check: it needs only the scopes the bot has,
    and Slack refuses it, as it would the post, when the channel is gone or the bot is not in
    it. An archived channel can still be read; Slack's refusal of an earlier digest tells.
    """
    channel = rt.settings.digest_channel
    if not channel:
        return None
    with Session(rt.engine) as session:
        archived = channels.is_archived(session=session, channel_id=channel)
    problem = f"COE_DIGEST_CHANNEL {channel} is archived: set another channel" if archived else None
    try:
        rt.slack.conversations_history(channel=channel, limit=1)
    except SlackApiError as error:
        problem = _channel_problem(channel, str(error.response.get("error")))
    except OSError as error:
        log.warning("Could not check COE_DIGEST_CHANNEL %s: %s", channel, error)
    if problem:
        log.error("%s; the digest cannot be posted there", problem)
    return problem


def _channel_problem(channel: str, code: str) -> str:
    if code == "not_in_channel":
        return f"COE_DIGEST_CHANNEL {channel}: the bot is not in it; /invite it there"
    if code == "channel_not_found":
        return (
            f"COE_DIGEST_CHANNEL {channel}: no such channel that the bot can see "
            "(a private channel needs the bot invited)"
        )
    return f"COE_DIGEST_CHANNEL {channel}: Slack refused to check it ({code})"
