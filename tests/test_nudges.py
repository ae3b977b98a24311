"""Nudges end to end: the sweep, the database and the fake Slack, with a clock the test moves."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.slack import delivery
from bot.use_cases import nudges as nudge_use_case
from tests.conftest import Clock, bot_env
from tests.fake_slack import Call, FakeSlack
from tests.follow_up import add_coe, add_item, add_user, close_item, get_item, make_runtime, nudges
from tests.processes import run_cli
from tests.scenario import claim_and_die, outbox_rows

# The clock fixture starts at Wednesday 25 November 2026, 10:00 UTC: 10:00 for Alice in London,
# 05:00 for Bob in New York, 19:00 for Carol in Tokyo.
WED = date(2026, 11, 25)


@pytest.fixture
def rt(fake_slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, database_url, clock)
    yield runtime
    runtime.engine.dispose()


def dms(fake: FakeSlack, user: str | None = None) -> list[Call]:
    """Messages posted to a user id: Slack delivers them as DMs from the bot."""
    return [
        call
        for call in fake.posted()
        if str(call["channel"]).startswith("U") and user in (None, call["channel"])
    ]


def at(clock: Clock, day: date, hour: int, minute: int = 0) -> None:
    clock.set(datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC))


def test_an_overdue_item_is_nudged_once_with_what_the_owner_needs(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    coe = add_coe(rt, whys=("All the servers were turned off.", "A script shut them off."))
    item = add_item(rt, coe, "UALICE", WED - timedelta(days=2), "Add a confirmation", why_number=2)

    sent = jobs.nudge(rt)

    assert [(s.channel, s.status) for s in sent] == [("UALICE", "sent")]
    assert sent[0].line() == f"nudge to UALICE: item {item} (COE-1, 2 days overdue): sent"
    (dm,) = dms(fake_slack)
    assert dm["channel"] == "UALICE"
    assert "Add a confirmation" in dm["text"] and "COE-1" in dm["text"]
    assert "The site went down" in dm["text"] and "2 days overdue" in dm["text"]
    blocks = json.dumps(dm["blocks"])
    assert "why #2: A script shut them off." in blocks and "Mon 23 Nov 2026" in blocks
    # The COE links to its thread, so the owner can find the review again.
    assert "<https://slack.com/archives/CINC/p" in blocks and "|COE-1>" in blocks
    buttons = dm["blocks"][-1]
    assert buttons["block_id"] == f"item-{item}"
    assert [b["action_id"] for b in buttons["elements"]] == [
        "coe_item_done",
        "coe_item_snooze",
        "coe_item_drop",
    ]
    assert nudges(rt) == [(item, WED, "overdue")]
    assert get_item(rt, item).last_nudged_on == WED

    # Later sweeps the same day send nothing, and the owner's timezone is not asked for again.
    for _ in range(3):
        clock.advance(hours=2)
        assert jobs.nudge(rt) == []
    assert len(dms(fake_slack)) == 1
    assert len(fake_slack.calls_to("users.info")) == 1


def test_overdue_items_are_nudged_each_working_day_in_the_owners_own_hours(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    coe = add_coe(rt)
    for owner in ("UALICE", "UBOB", "UCAROL"):
        add_item(rt, coe, owner, date(2026, 11, 20), f"Item of {owner}")

    def sweep_at(day: date, hour: int) -> list[str]:
        at(clock, day, hour)
        return [sent.channel for sent in jobs.nudge(rt)]

    thursday, saturday, monday = date(2026, 11, 26), date(2026, 11, 28), date(2026, 11, 30)
    assert sweep_at(WED, 10) == ["UALICE"]  # London 10:00, New York 05:00, Tokyo 19:00
    assert sweep_at(WED, 14) == ["UBOB"]  # New York 09:00
    assert sweep_at(WED, 22) == []  # New York 17:00: the working day is over
    assert sweep_at(thursday, 1) == ["UCAROL"]  # Tokyo's Thursday, 10:00
    assert sweep_at(thursday, 10) == ["UALICE"]
    assert sweep_at(thursday, 16) == ["UBOB"]
    assert sweep_at(saturday, 1) == []  # Tokyo's Saturday; New York's Friday evening
    assert sweep_at(saturday, 10) == []
    assert sweep_at(monday, 1) == ["UCAROL"]  # Tokyo's Monday; New York's Sunday evening
    assert sweep_at(monday, 13) == ["UALICE"]
    assert sweep_at(monday, 15) == ["UBOB"]
    assert len(dms(fake_slack, "UCAROL")) == 2  # Thursday and Monday; Friday was not swept
    # Each owner is looked up again once a day at most: on each of the four days swept.
    looked_up = Counter(call["user"] for call in fake_slack.calls_to("users.info"))
    assert looked_up == {"UALICE": 4, "UBOB": 4, "UCAROL": 4}


def test_due_soon_is_sent_once_then_overdue_each_working_day(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    item = add_item(rt, add_coe(rt), "UALICE", date(2026, 11, 27))  # due Friday
    kinds = []
    for day in range(24, 31):  # Tuesday 24 to Monday 30
        at(clock, date(2026, 11, day), 11)
        jobs.nudge(rt)
        kinds.append([kind for _, sent_day, kind in nudges(rt) if sent_day.day == day])
    assert kinds == [[], ["due_soon"], [], [], [], [], ["overdue"]]
    assert get_item(rt, item).due_soon_nudged
    texts = [dm["text"] for dm in dms(fake_slack)]
    assert "is due in 2 days" in texts[0] and "is 3 days overdue" in texts[1]


def test_the_due_soon_window_is_configurable(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, database_url, clock, COE_NUDGE_DUE_SOON_DAYS="0")
    add_item(rt, add_coe(rt), "UALICE", date(2026, 11, 26))
    assert jobs.nudge(rt) == []
    clock.advance(days=1)
    assert [s.what for s in jobs.nudge(rt)] == ["nudge to UALICE: item 1 (COE-1, due today)"]


def test_working_hours_and_days_are_configurable(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(
        fake_slack, database_url, clock, COE_WORKING_HOURS="06:00-08:00", COE_WORKING_DAYS="sat"
    )
    add_item(rt, add_coe(rt), "UALICE", date(2026, 11, 20))
    assert jobs.nudge(rt) == []  # Wednesday 10:00
    at(clock, date(2026, 11, 28), 7)
    assert len(jobs.nudge(rt)) == 1


def test_an_owner_whose_timezone_is_unknown_is_reminded_in_coe_timezone(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, database_url, clock, COE_TIMEZONE="Asia/Tokyo")
    coe = add_coe(rt)
    fake_slack.fail_next("users.info", "internal_error", times=10)
    add_item(rt, coe, "UBOB", date(2026, 11, 20))  # New York, if Slack could say so
    add_user(rt, "UDAVE", "Mars/Olympus_Mons")  # a name this system cannot read
    add_item(rt, coe, "UDAVE", date(2026, 11, 20))
    at(clock, WED, 14)  # 09:00 in New York, 23:00 in Tokyo
    assert jobs.nudge(rt) == []
    at(clock, date(2026, 11, 26), 1)  # 10:00 on Thursday in Tokyo
    assert sorted(sent.channel for sent in jobs.nudge(rt)) == ["UBOB", "UDAVE"]


def test_an_owner_slack_does_not_know_is_asked_about_once_and_not_nudged(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    add_item(rt, add_coe(rt), "UGONE", date(2026, 11, 20))
    sent = []
    for hour in (10, 12, 14):
        at(clock, WED, hour)
        sent += jobs.nudge(rt)
    assert [call["user"] for call in fake_slack.calls_to("users.info")] == ["UGONE"]
    # Only the COE's facilitator hears of it, once, to give the item to someone else.
    assert [s.channel for s in sent] == ["UALICE"]
    assert [dm["channel"] for dm in dms(fake_slack)] == ["UALICE"]


def test_nudges_stop_when_the_item_is_done_or_dropped_and_not_when_the_coe_ends(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    ended = add_coe(rt, status="chain_done", whys=("All the servers were turned off.",))
    live = add_item(rt, ended, "UALICE", date(2026, 11, 20), "Still open")
    add_item(rt, ended, "UALICE", date(2026, 11, 20), "Done", status="done", closed_at=rt.now())
    add_item(rt, ended, "UALICE", date(2026, 11, 20), "Dropped", status="dropped")
    jobs.nudge(rt)
    assert ["Still open" in dm["text"] for dm in dms(fake_slack)] == [True]

    close_item(rt, live, "done", at=rt.now())
    clock.advance(days=1)
    assert jobs.nudge(rt) == []
    assert len(dms(fake_slack)) == 1


def test_snoozed_items_wait_until_the_snooze_runs_out(rt: Runtime, clock: Clock) -> None:
    coe = add_coe(rt)
    later = add_item(rt, coe, "UALICE", date(2026, 11, 20), snoozed_until=date(2026, 11, 27))
    ends_today = add_item(rt, coe, "UALICE", date(2026, 11, 20), snoozed_until=WED)

    def nudged_on(day: date) -> list[int]:
        at(clock, day, 10)
        jobs.nudge(rt)
        return [item for item, nudge_day, _ in nudges(rt) if nudge_day == day]

    assert nudged_on(WED) == [ends_today]
    assert nudged_on(date(2026, 11, 26)) == [ends_today]
    assert nudged_on(date(2026, 11, 27)) == [later, ends_today]


def test_two_sweeps_at_once_nudge_each_item_once(
    rt: Runtime, fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    other = make_runtime(fake_slack, database_url, clock)
    coe = add_coe(rt)
    owners = [f"U{n:03d}" for n in range(10)]
    for owner in owners:
        add_user(rt, owner, "Europe/London")
    items = [add_item(rt, coe, owners[n % 10], date(2026, 11, 20)) for n in range(40)]
    barrier = threading.Barrier(4)
    results: list[list[delivery.Sent]] = []

    def sweep(runtime: Runtime) -> None:
        barrier.wait()
        results.append(jobs.nudge(runtime))

    threads = [threading.Thread(target=sweep, args=(r,)) for r in (rt, other, rt, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(len(result) for result in results) == 40
    assert sorted(item for item, _, _ in nudges(rt)) == items
    assert len(dms(fake_slack)) == 40
    other.engine.dispose()


def test_a_crash_between_recording_and_sending_never_nudges_twice(
    rt: Runtime, fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    item = add_item(rt, add_coe(rt), "UALICE", date(2026, 11, 20))
    # The sweep records the nudge and queues the DM; the sender claims it and dies before
    # Slack answers (or before it can write down that Slack did).
    (queued,) = nudge_use_case.record_nudges(rt)
    claim_and_die(rt, queued.outbox_id)
    rt.engine.dispose()

    restarted = make_runtime(fake_slack, database_url, clock)
    clock.advance(minutes=15)
    assert jobs.nudge(restarted) == []
    clock.advance(minutes=5)
    delivery.deliver_due(restarted)
    assert dms(fake_slack) == []
    assert [row.status for row in outbox_rows(restarted)] == ["unknown"]
    assert nudges(restarted) == [(item, WED, "overdue")]

    # The next working day is a new day.
    clock.advance(days=1)
    assert len(jobs.nudge(restarted)) == 1
    restarted.engine.dispose()


def test_a_dm_slack_fails_is_retried_by_the_outbox_not_nudged_again(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    add_item(rt, add_coe(rt), "UALICE", date(2026, 11, 20))
    fake_slack.fail_next("chat.postMessage", "internal_error")
    (sent,) = jobs.nudge(rt)
    assert (sent.status, sent.error) == ("pending", "internal_error")
    clock.advance(minutes=15)
    assert jobs.nudge(rt) == []
    delivery.deliver_due(rt)
    assert len(dms(fake_slack)) == 2  # the failed attempt and its retry
    assert [row.status for row in outbox_rows(rt)] == ["sent"]


@pytest.mark.postgres
def test_concurrent_sweeps_on_postgres_nudge_each_item_once(
    fake_slack: FakeSlack, postgres_url: str, clock: Clock
) -> None:
    runtimes = [make_runtime(fake_slack, postgres_url, clock) for _ in range(3)]
    coe = add_coe(runtimes[0])
    for n in range(60):
        add_item(runtimes[0], coe, ("UALICE", "UBOB", "UCAROL")[n % 3], date(2026, 11, 20))
    at(clock, WED, 14)  # London and New York at work, Tokyo asleep
    barrier = threading.Barrier(len(runtimes))
    counts: list[int] = []

    def sweep(runtime: Runtime) -> None:
        barrier.wait()
        counts.append(len(jobs.nudge(runtime)))

    threads = [threading.Thread(target=sweep, args=(r,)) for r in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == 40
    assert len(nudges(runtimes[0])) == 40
    assert sorted({dm["channel"] for dm in dms(fake_slack)}) == ["UALICE", "UBOB"]
    assert len(dms(fake_slack)) == 40
    for runtime in runtimes:
        runtime.engine.dispose()


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is around noon now, far from either end of working hours."""
    offset = max(-12, min(14, 12 - now.hour))
    # POSIX-style names: Etc/GMT-3 is three hours ahead of UTC.
    return "Etc/UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def test_coe_bot_nudge_runs_a_sweep_and_prints_what_it_sent(
    fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    # A subprocess runs on the real clock: the data is arranged around the real now.
    now = datetime.now(UTC)
    zone = midday_zone(now)
    rt = make_runtime(fake_slack, database_url, Clock(now))
    today = now.astimezone(ZoneInfo(zone)).date()
    coe = add_coe(rt)
    add_user(rt, "UALICE", zone)
    add_user(rt, "UBOB", zone)
    overdue = add_item(rt, coe, "UALICE", today - timedelta(days=3), "Add an alarm")
    soon = add_item(rt, coe, "UBOB", today + timedelta(days=1), "Split the script")
    add_item(rt, coe, "UBOB", today + timedelta(days=30), "Not yet")
    rt.engine.dispose()
    env = bot_env(fake_slack, database_url, COE_WORKING_DAYS="mon-sun")

    first = run_cli("nudge", env=env, cwd=tmp_path)
    second = run_cli("nudge", env=env, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        f"nudge to UALICE: item {overdue} (COE-1, 3 days overdue): sent",
        f"nudge to UBOB: item {soon} (COE-1, due tomorrow): sent",
        "2 reminders queued, 2 sent",
    ]
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == ["0 reminders queued, 0 sent"]
    assert sorted(dm["channel"] for dm in dms(fake_slack)) == ["UALICE", "UBOB"]
