"""The scheduled jobs, registered on an APScheduler `BackgroundScheduler` built here."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot import followup
from bot.runtime import Runtime
from bot.schedule import digest_trigger

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
    return scheduler


def run_nudges(rt: Runtime) -> None:
    sent = followup.nudge_sweep(rt)
    if sent:
        log.info("Nudge sweep queued %s reminders", len(sent))


def run_digest(rt: Runtime) -> None:
    run = followup.post_digests(rt)
    for sent in run.sent:
        log.info("Digest: %s", sent.line())
