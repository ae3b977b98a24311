"""An owner deactivated in Slack is reminded no more, and their COE's facilitator is told once
which items to give to someone else. People are looked up again once a day at most, within the
sweep's budget. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bot.runtime import jobs
from bot.runtime.context import Runtime
from tests.conftest import Clock
from tests.fake_slack import Call, FakeSlack
from tests.follow_up import add_coe, add_item, make_runtime

WED, THU, FRI = date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)


@pytest.fixture
def rt(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, each_database_url, clock)
    yield runtime
    runtime.engine.dispose()


def sweep_at(rt: Runtime, clock: Clock, day: date, hour: int = 15) -> None:
    """A sweep at `hour` UTC: working hours in London and New York."""
    clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC))
    jobs.nudge(rt)


def dms_to(fake: FakeSlack, user: str) -> list[Call]:
    return fake.posted(user)


def test_a_deactivated_owner_is_reminded_no_more_and_the_facilitator_is_told_once(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    coe = add_coe(rt, whys=("All the servers were turned off.",))  # facilitated by UALICE
    alarm = add_item(rt, coe, "UBOB", date(2026, 11, 20), "Add an alarm")
    runbook = add_item(rt, coe, "UBOB", date(2026, 11, 24), "Write the runbook")
    sweep_at(rt, clock, WED)
    assert len(dms_to(fake_slack, "UBOB")) == 2

    fake_slack.users["UBOB"]["deleted"] = True  # Bob leaves the company
    sweep_at(rt, clock, THU)
    sweep_at(rt, clock, FRI)

    assert len(dms_to(fake_slack, "UBOB")) == 2  # nothing since Wednesday
    (told,) = dms_to(fake_slack, "UALICE")
    assert told["text"].startswith("<@UBOB> is deactivated in Slack")
    text = json.dumps(told["blocks"])
    assert "Add an alarm" in text and "Write the runbook" in text and "COE-1" in text
    buttons = [block["block_id"] for block in told["blocks"] if block["type"] == "actions"]
    assert buttons == [f"item-{alarm}", f"item-{runbook}"]


def test_a_deactivated_facilitator_hears_nothing_and_the_thread_does(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    fake_slack.add_user("UDAN", deleted=True)
    fake_slack.users["UBOB"]["deleted"] = True
    coe = add_coe(rt, facilitator="UDAN")
    add_item(rt, coe, "UBOB", date(2026, 11, 20), "Add an alarm")
    add_item(rt, coe, "UDAN", date(2026, 11, 20), "Rotate the keys")
    sweep_at(rt, clock, WED)
    sweep_at(rt, clock, THU)

    in_thread = [call for call in fake_slack.posted("CINC") if call.get("thread_ts")]
    assert sorted(call["text"].split(" is ")[0] for call in in_thread) == ["<@UBOB>", "<@UDAN>"]
    assert dms_to(fake_slack, "UDAN") == [] and dms_to(fake_slack, "UBOB") == []


def test_people_are_looked_up_again_after_a_day_at_most(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    coe = add_coe(rt)
    for owner in ("UALICE", "UBOB"):
        add_item(rt, coe, owner, date(2026, 11, 20))
    sweep_at(rt, clock, WED, hour=15)
    sweep_at(rt, clock, WED, hour=16)
    assert sorted(call["user"] for call in fake_slack.calls_to("users.info")) == [
        "UALICE",
        "UBOB",
    ]
    sweep_at(rt, clock, THU, hour=16)
    assert len(fake_slack.calls_to("users.info")) == 4
