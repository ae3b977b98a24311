"""The scheduled jobs, registered on an APScheduler `BackgroundScheduler` built here."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.runtime.context import Runtime
from bot.runtime.schedule import digest_trigger
from bot.use_cases import digests, nudges
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
        args=[rt],
        id="digest",
        # However late (a stalled process), the week's digest is still owed.
        misfire_grace_time=None,
    )
    # Once at start-up: posts the latest period's digest if the bot was down when it was due.
    scheduler.add_job(run_digest, "date", args=[rt], id="digest-catch-up")
    if settings.digest_channel:
        scheduler.add_job(check_digest_channel, "date", args=[rt], id="digest-channel-check")
    return scheduler


def run_nudges(rt: Runtime) -> None:
    sent = nudges.nudge_sweep(rt)
    if sent:
        log.info("Nudge sweep queued %s reminders", len(sent))


def run_digest(rt: Runtime) -> None:
    run = digests.post_digests(rt)
    for sent in run.sent:
        log.info("Digest: %s", sent.line())


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
