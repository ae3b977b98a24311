"""A reminder, `/coe actions`, the Home and the digest count an owner's days the same way, even
for an owner whose timezone this system does not know (COE_TIMEZONE stands in for it)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from bot.core.commands import ListActions
from bot.runtime import jobs
from bot.use_cases import action_items, home
from tests.conftest import Clock
from tests.fake_slack import FakeSlack
from tests.follow_up import add_coe, add_item, add_user, make_runtime, nudges

# 20:00 UTC on Wednesday the 25th is 10:00 on Thursday the 26th in Kiritimati (UTC+14).
EVENING_UTC = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
DUE = date(2026, 11, 25)


def test_reminder_list_home_and_digest_agree_on_an_owners_today(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    clock.set(EVENING_UTC)
    rt = make_runtime(fake_slack, database_url, clock, COE_TIMEZONE="Pacific/Kiritimati")
    # Slack gave a timezone name this system does not know.
    add_user(rt, "UODD", "Not/AZone")
    coe = add_coe(rt)
    item = add_item(rt, coe, "UODD", DUE, "Add an alarm")

    jobs.nudge(rt)
    listed = action_items.list_for(rt, asker_id="UODD", query=ListActions())
    shown, _ = home.current(rt, "UODD")
    jobs.digest(rt)

    # It is Thursday for the owner in all four: the item is a day late, not due today.
    assert nudges(rt) == [(item, date(2026, 11, 26), "overdue")]
    assert [entry.days_overdue for entry in listed.items] == [1]
    assert [entry.days_overdue for entry in shown.items] == [1]
    [digest] = [call for call in fake_slack.posted("CINC")]
    assert "Add an alarm (COE-1, 1 day overdue" in json.dumps(digest["text"], ensure_ascii=False)
    rt.engine.dispose()
