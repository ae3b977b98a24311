"""The scheduled jobs, registered on an APScheduler `BackgroundScheduler` built here."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot import delivery, reviews
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def build_scheduler(rt: Runtime) -> BackgroundScheduler:
    """Every job is safe to run twice or in two processes: the database decides who acts."""
    scheduler = BackgroundScheduler(
        timezone=rt.settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(delivery.deliver_due, "interval", seconds=5, args=[rt], id="outbox")
    scheduler.add_job(
        reviews.process_leftover_events, "interval", seconds=30, args=[rt], id="inbox"
    )
    return scheduler
