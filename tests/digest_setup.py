"""What the digest tests share: the week they run in, two COEs, and reading what was posted."""

from __future__ import annotations

import json
from datetime import date, timedelta

from apscheduler.schedulers.base import BaseScheduler

from bot.runtime.context import Runtime
from tests.fake_slack import Call, FakeSlack
from tests.follow_up import add_coe, add_item

# The clock starts on Wednesday 25 November 2026, 10:00 UTC; the digest is due on Mondays at
# 09:00 in COE_TIMEZONE (UTC unless a test says otherwise), so the current period is the 23rd's.
WED = date(2026, 11, 25)
PERIOD = "2026-11-23T09:00:00Z"


def posts(fake: FakeSlack, channel: str | None = None) -> list[Call]:
    return [call for call in fake.posted(channel) if str(call["channel"]).startswith("C")]


def blocks_text(call: Call) -> str:
    return json.dumps(call["blocks"], ensure_ascii=False)


def caught_up(scheduler: BaseScheduler) -> bool:
    # Once run, the scheduler drops the catch-up job; stopping it before then races with that.
    return scheduler.get_job("digest-catch-up") is None


def two_coes(rt: Runtime) -> tuple[int, int]:
    """COE-1 in #incident and COE-2 in #database, with items in every state.

    "Done this week" was done on Sunday the 22nd, in the period of the 23rd's digest (from
    Monday the 16th, 09:00); "Done long ago" on Sunday the 15th, before it.
    """
    site = add_coe(rt, "CINC", "The site went down")
    db = add_coe(rt, "CDB", "Backups failed")
    now = rt.now()
    add_item(rt, site, "UALICE", WED + timedelta(days=9), "Write the runbook")
    add_item(rt, site, "UALICE", WED - timedelta(days=1), "Add an alarm")
    add_item(rt, site, "UBOB", WED - timedelta(days=3), "Limit the script")
    add_item(rt, site, "UCAROL", WED, "Done this week", status="done", closed_at=now - timedelta(3))
    add_item(rt, site, "UCAROL", WED, "Done long ago", status="done", closed_at=now - timedelta(10))
    add_item(rt, site, "UBOB", WED, "Not worth it", status="dropped", closed_at=now)
    add_item(rt, db, "UBOB", WED + timedelta(days=2), "Test a restore")
    return site, db
