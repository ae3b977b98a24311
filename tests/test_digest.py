"""The weekly digest end to end: periods, channels, once-only posting and the command line."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.base import BaseScheduler
from sqlmodel import Session

from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.runtime.jobs import build_scheduler, check_digest_channel, run_digest, run_nudges
from bot.runtime.schedule import latest_digest_time
from bot.settings import SettingsError, load_settings
from bot.slack.outgoing import SlackOutgoing
from bot.use_cases import digests as digests_use_case
from storage.models import SlackUser
from tests.conftest import Clock, bot_env
from tests.fake_slack import Call, FakeSlack
from tests.processes import run_cli
from tests.scenario import add_coe, add_item, add_user, digests, make_runtime, periods

# The clock starts on Wednesday 25 November 2026, 10:00 UTC; the digest is due on Mondays at
# 09:00 in COE_TIMEZONE (UTC unless a test says otherwise), so the current period is the 23rd's.
WED = date(2026, 11, 25)
PERIOD = "2026-11-23T09:00:00Z"


@pytest.fixture
def rt(fake_slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, database_url, clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def rt_on_each(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Runtime]:
    """On SQLite, then on PostgreSQL: for what each does its own way."""
    runtime = make_runtime(fake_slack, each_database_url, clock)
    yield runtime
    runtime.engine.dispose()


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


def test_each_coe_channel_gets_a_digest_of_its_own_items(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    two_coes(rt)

    run = jobs.digest(rt)

    assert run.period == PERIOD and run.skipped == []
    assert [(sent.channel, sent.status) for sent in run.sent] == [("CDB", "sent"), ("CINC", "sent")]
    (incident,) = posts(fake_slack, "CINC")
    text = blocks_text(incident)
    # Bob's item is 3 days overdue, Alice's worst only 1: Bob's group comes first, and within
    # Alice's the overdue item comes before the one due later.
    assert text.index("<@UBOB>") < text.index("<@UALICE>")
    assert text.index("Add an alarm") < text.index("Write the runbook")
    assert "3 days overdue" in text and "1 day overdue" in text
    assert "Due Fri 4 Dec 2026" in text
    assert "Completed in the past week" in text and "Done this week" in text
    assert "Done long ago" not in text and "Not worth it" not in text
    # Each COE named links to its thread.
    assert "*<https://slack.com/archives/CINC/p" in text
    assert "|COE-1>* The site went down: 2/5 done, 1 dropped" in text
    assert "Test a restore" not in text and "COE-2" not in text
    assert "3 open, 2 overdue · 1 completed in the past week" in text
    assert "Limit the script (COE-1, 3 days overdue" in incident["text"]
    actions = [b["block_id"] for b in incident["blocks"] if b["type"] == "actions"]
    assert actions == ["item-3", "item-2", "item-1"]

    (database,) = posts(fake_slack, "CDB")
    assert "Test a restore" in blocks_text(database) and "COE-1" not in blocks_text(database)
    assert "|COE-2>* Backups failed: 0/1 done" in blocks_text(database)
    assert digests(rt) == [("CDB", PERIOD), ("CINC", PERIOD)]


def test_coe_digest_channel_gets_one_digest_of_every_coe(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, database_url, clock, COE_DIGEST_CHANNEL="CDIGEST")
    two_coes(rt)

    run = jobs.digest(rt)

    assert [sent.channel for sent in run.sent] == ["CDIGEST"]
    (digest,) = posts(fake_slack)
    text = blocks_text(digest)
    assert "Limit the script" in text and "Test a restore" in text
    assert "|COE-1>* The site went down" in text and "|COE-2>* Backups failed" in text
    # Bob's items from both COEs are in his one group.
    assert text.count("*<@UBOB>*") == 1
    assert digests(rt) == [("CDIGEST", PERIOD)]


def test_a_channel_gets_one_digest_per_period_across_runs_restarts_and_processes(
    rt: Runtime, fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    two_coes(rt)
    runtimes = [rt, make_runtime(fake_slack, database_url, clock)]
    barrier = threading.Barrier(4)
    runs: list[digests_use_case.DigestRun] = []

    def run(runtime: Runtime) -> None:
        barrier.wait()
        runs.append(jobs.digest(runtime))

    threads = [threading.Thread(target=run, args=(runtimes[n % 2],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(call["channel"] for call in posts(fake_slack)) == ["CDB", "CINC"]
    assert sorted(s.channel for r in runs for s in r.sent) == ["CDB", "CINC"]

    # A restart later in the week: still nothing new.
    restarted = make_runtime(fake_slack, database_url, clock)
    clock.advance(days=2)
    assert jobs.digest(restarted).skipped == [
        ("CDB", "already done for this period"),
        ("CINC", "already done for this period"),
    ]
    assert len(posts(fake_slack)) == 2

    # The next Monday is a new period.
    clock.set(datetime(2026, 11, 30, 9, 0, 1, tzinfo=UTC))
    assert len(jobs.digest(restarted).sent) == 2
    assert len(posts(fake_slack)) == 4
    for runtime in (*runtimes[1:], restarted):
        runtime.engine.dispose()


def test_a_digest_missed_while_the_bot_was_down_is_posted_when_it_starts(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    add_item(rt, add_coe(rt), "UALICE", WED)
    jobs.digest(rt)  # the 23rd's digest, on time
    # Down over two Mondays; back on Wednesday 9 December at 11:00.
    clock.set(datetime(2026, 12, 9, 11, tzinfo=UTC))

    scheduler = build_scheduler(rt)
    scheduler.start()
    try:
        fake_slack.wait_for(lambda: len(posts(fake_slack)) == 2 and caught_up(scheduler))
    finally:
        scheduler.shutdown(wait=True)

    # Only the latest missed period is posted, not one per Monday missed.
    assert digests(rt) == [("CINC", PERIOD), ("CINC", "2026-12-07T09:00:00Z")]
    assert "14 days overdue" in blocks_text(posts(fake_slack)[-1])


def test_the_scheduler_runs_the_sweep_and_the_digest_on_the_configured_schedule(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(
        fake_slack,
        database_url,
        clock,
        COE_TIMEZONE="America/New_York",
        COE_DIGEST_CRON="30 8 * * 1-5",
        COE_NUDGE_INTERVAL_MINUTES="7",
    )
    scheduler = build_scheduler(rt)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert jobs["nudges"].trigger.interval == timedelta(minutes=7)
    assert jobs["nudges"].func is run_nudges and jobs["digest-catch-up"].func is run_digest
    # Crontab's 1-5 is Monday to Friday (APScheduler alone would read it as Tuesday to Saturday).
    saturday = datetime(2026, 11, 28, 12, tzinfo=UTC)
    fire = jobs["digest"].trigger.get_next_fire_time(None, saturday)
    assert fire == datetime(2026, 11, 30, 8, 30, tzinfo=ZoneInfo("America/New_York"))
    rt.engine.dispose()


@pytest.mark.parametrize(
    ("cron", "zone", "now", "expected"),
    [
        ("0 9 * * mon", "UTC", datetime(2026, 11, 30, 8, 59, tzinfo=UTC), "2026-11-23 09:00"),
        ("0 9 * * mon", "UTC", datetime(2026, 11, 30, 9, 0, tzinfo=UTC), "2026-11-30 09:00"),
        ("0 9 * * 1", "UTC", datetime(2026, 11, 30, 11, tzinfo=UTC), "2026-11-30 09:00"),
        ("0 9 * * 0", "UTC", datetime(2026, 11, 30, 11, tzinfo=UTC), "2026-11-29 09:00"),
        ("0 9 * * 7", "UTC", datetime(2026, 11, 30, 11, tzinfo=UTC), "2026-11-29 09:00"),
        # 13:00 UTC is 08:00 in New York: Monday's digest there is not due yet.
        (
            "0 9 * * mon",
            "America/New_York",
            datetime(2026, 11, 30, 13, tzinfo=UTC),
            "2026-11-23 09:00",
        ),
        (
            "0 9 * * mon",
            "America/New_York",
            datetime(2026, 11, 30, 14, tzinfo=UTC),
            "2026-11-30 09:00",
        ),
        ("0 9 1 * *", "UTC", datetime(2026, 11, 30, 11, tzinfo=UTC), "2026-11-01 09:00"),
        ("*/15 * * * *", "UTC", datetime(2026, 11, 30, 11, 7, tzinfo=UTC), "2026-11-30 11:00"),
    ],
)
def test_the_period_is_the_latest_scheduled_time(
    cron: str, zone: str, now: datetime, expected: str
) -> None:
    fire = latest_digest_time(cron, ZoneInfo(zone), now)
    assert fire is not None and fire.strftime("%Y-%m-%d %H:%M") == expected


def test_no_digest_for_a_channel_with_nothing_to_report(rt: Runtime, fake_slack: FakeSlack) -> None:
    add_coe(rt, "CEMPTY", "No items yet")
    old = add_coe(rt, "COLD", "All done long ago")
    add_item(rt, old, "UBOB", date(2026, 10, 1), status="done", closed_at=rt.now() - timedelta(30))

    run = jobs.digest(rt)

    assert run.sent == [] and posts(fake_slack) == []
    assert run.skipped == [("CEMPTY", "nothing to report"), ("COLD", "nothing to report")]
    # Decided all the same, in one row for the period, not one per channel.
    assert digests(rt) == [] and periods(rt) == [PERIOD]


def test_a_period_with_nothing_to_report_is_not_posted_later_in_the_week(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    coe = add_coe(rt, "CINC", "No items yet")
    clock.set(datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC))
    assert jobs.digest(rt).skipped == [("CINC", "nothing to report")]
    # An item on Wednesday, then a restart: the catch-up has nothing owed to post.
    clock.set(datetime(2026, 11, 25, 10, tzinfo=UTC))
    add_item(rt, coe, "UALICE", WED + timedelta(days=2), "Write the runbook")
    scheduler = build_scheduler(rt)
    scheduler.start()
    try:
        fake_slack.wait_for(lambda: caught_up(scheduler))
        assert digests(rt) == [] and periods(rt) == [PERIOD]
        assert jobs.digest(rt).skipped == [("CINC", "already done for this period")]
    finally:
        scheduler.shutdown(wait=True)
    assert posts(fake_slack) == []

    # The next Monday's digest has it.
    clock.set(datetime(2026, 11, 30, 9, 0, 5, tzinfo=UTC))
    (sent,) = jobs.digest(rt).sent
    assert sent.channel == "CINC" and "Write the runbook" in blocks_text(posts(fake_slack)[0])


def test_completed_items_are_those_of_the_period_however_late_the_digest(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    # The 23rd's period runs from Monday the 16th, 09:00, to Monday the 23rd, 09:00; this run
    # is two days late.
    coe = add_coe(rt)
    add_item(rt, coe, "UALICE", WED, "Still open")

    def done(text: str, closed_at: datetime) -> None:
        add_item(rt, coe, "UBOB", WED, text, status="done", closed_at=closed_at)

    done("Before the period", datetime(2026, 11, 16, 8, 59, tzinfo=UTC))
    done("First thing in the period", datetime(2026, 11, 16, 9, 1, tzinfo=UTC))
    done("Last thing in the period", datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    done("After the digest was due", datetime(2026, 11, 24, 12, tzinfo=UTC))

    jobs.digest(rt)
    clock.set(datetime(2026, 11, 30, 9, 0, 5, tzinfo=UTC))
    jobs.digest(rt)

    late, next_week = (blocks_text(call) for call in posts(fake_slack, "CINC"))
    assert "2 completed in the past week" in late
    assert "First thing in the period" in late and "Last thing in the period" in late
    assert "Before the period" not in late and "After the digest was due" not in late
    assert "1 completed in the past week" in next_week
    assert "After the digest was due" in next_week and "Last thing in the period" not in next_week


def test_a_daily_digest_says_since_when_items_were_completed(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, database_url, clock, COE_DIGEST_CRON="0 9 * * 1-5")
    coe = add_coe(rt)
    add_item(rt, coe, "UBOB", WED, "Done", status="done", closed_at=rt.now() - timedelta(hours=3))

    jobs.digest(rt)

    text = blocks_text(posts(fake_slack, "CINC")[0])
    assert "1 completed since Tue 24 Nov 2026" in text and "Completed since Tue 24 Nov 2026" in text
    rt.engine.dispose()


def test_days_overdue_count_on_the_owners_calendar(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    # 10:00 UTC on Wednesday is already Thursday in Kiritimati (UTC+14).
    rt = make_runtime(fake_slack, database_url, clock, COE_TIMEZONE="UTC")
    add_user(rt, "UKIRI", "Pacific/Kiritimati")
    coe = add_coe(rt)
    add_item(rt, coe, "UKIRI", WED - timedelta(days=1), "Far east")
    # Bob's timezone is not known yet: COE_TIMEZONE stands in for it, as for his reminders.
    add_item(rt, coe, "UBOB", WED - timedelta(days=1), "Here")

    jobs.digest(rt)

    (digest,) = posts(fake_slack, "CINC")
    assert "Far east (COE-1, 2 days overdue" in digest["text"]
    assert "Here (COE-1, 1 day overdue" in digest["text"]
    rt.engine.dispose()


def test_a_coe_started_after_the_scheduled_time_waits_for_the_next_digest(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    # Started on Tuesday: Monday's digest, even if posted late, was not owed to its channel.
    new = add_coe(rt, "CNEW", "Started this week", created_at=rt.now() - timedelta(days=1))
    add_item(rt, new, "UALICE", WED)
    assert jobs.digest(rt).sent == []
    clock.set(datetime(2026, 11, 30, 9, 5, tzinfo=UTC))
    assert [sent.channel for sent in jobs.digest(rt).sent] == ["CNEW"]


def test_a_long_digest_is_posted_as_several_messages_within_slacks_block_limit(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    coe = add_coe(rt)
    owners = ("UALICE", "UBOB", "UCAROL")
    for n in range(60):
        add_item(rt, coe, owners[n % 3], WED + timedelta(days=n - 30), f"Item number {n}")

    run = jobs.digest(rt)

    messages = posts(fake_slack, "CINC")
    assert len(messages) == len(run.sent) >= 3
    assert all(len(message["blocks"]) <= 50 for message in messages)
    assert all(message["text"] for message in messages)
    everything = "".join(blocks_text(message) for message in messages)
    assert all(everything.count(f"Item number {n}\\n") == 1 for n in range(60))
    assert [s.what.split(":")[0] for s in run.sent] == [
        f"digest to CINC, message {n} of {len(messages)}" for n in range(1, len(messages) + 1)
    ]
    assert digests(rt) == [("CINC", PERIOD)]


@pytest.mark.postgres
def test_concurrent_digest_runs_on_postgres_post_once_per_channel(
    fake_slack: FakeSlack, postgres_url: str, clock: Clock
) -> None:
    runtimes = [make_runtime(fake_slack, postgres_url, clock) for _ in range(3)]
    two_coes(runtimes[0])
    barrier = threading.Barrier(len(runtimes))

    def run(runtime: Runtime) -> None:
        barrier.wait()
        jobs.digest(runtime)

    threads = [threading.Thread(target=run, args=(runtime,)) for runtime in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(call["channel"] for call in posts(fake_slack)) == ["CDB", "CINC"]
    assert digests(runtimes[0]) == [("CDB", PERIOD), ("CINC", PERIOD)]
    for runtime in runtimes:
        runtime.engine.dispose()


def test_coe_bot_digest_posts_now_and_scheduled_posts_once_per_period(
    fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    # A subprocess runs on the real clock: a yearly digest and a COE from before last year's
    # keep this period's key the same across the runs (but at New Year's midnight).
    now = datetime.now(UTC)
    rt = make_runtime(fake_slack, database_url, Clock(now))
    coe = add_coe(rt, "CINC", created_at=now - timedelta(days=400))
    first = add_item(rt, coe, "UALICE", now.date() - timedelta(days=2), "Add an alarm")
    second = add_item(rt, coe, "UBOB", now.date() + timedelta(days=20), "Write the runbook")
    add_coe(rt, "CQUIET", created_at=now - timedelta(days=400))
    rt.engine.dispose()
    env = bot_env(fake_slack, database_url, COE_DIGEST_CRON="0 0 1 1 *")

    # What the start-up catch-up does, then someone trying `coe-bot digest` for themselves.
    scheduled = run_cli("digest", "--scheduled", env=env, cwd=tmp_path)
    again = run_cli("digest", "--scheduled", env=env, cwd=tmp_path)
    posted = run_cli("digest", env=env, cwd=tmp_path)
    forced = run_cli("digest", "--force", env=env, cwd=tmp_path)

    assert scheduled.returncode == 0, scheduled.stderr
    assert scheduled.stdout.splitlines() == [
        f"digest to CINC, message 1 of 1: open items {first}, {second}: sent",
        "digest to CQUIET: skipped, nothing to report",
        f"digest for {now.year}-01-01T00:00:00Z: 1 message to 1 channel",
    ]
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[:2] == [
        "digest to CINC: skipped, already done for this period",
        "digest to CQUIET: skipped, already done for this period",
    ]
    assert posted.returncode == 0, posted.stderr
    assert posted.stdout.splitlines() == [
        f"digest to CINC, message 1 of 1: open items {first}, {second}: sent",
        "digest to CQUIET: skipped, nothing to report",
        "digest for the past week: 1 message to 1 channel",
    ]
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.splitlines()[0].endswith(f"open items {first}, {second}: sent")
    assert len(posts(fake_slack, "CINC")) == 3 and posts(fake_slack, "CQUIET") == []


def test_a_digest_slack_refuses_for_the_channel_is_still_owed(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    two_coes(rt)
    fake_slack.channels_without_bot.add("CINC")

    run = jobs.digest(rt)

    assert [(s.channel, s.status, s.error) for s in run.sent] == [
        ("CDB", "sent", None),
        ("CINC", "failed", "not_in_channel"),
    ]
    assert digests(rt) == [("CDB", PERIOD)]  # not recorded as done where it was not posted
    # Once the bot is invited, the next run of the period (a restart, say) posts it.
    fake_slack.channels_without_bot.clear()
    run = jobs.digest(rt)
    assert [(s.channel, s.status) for s in run.sent] == [("CINC", "sent")]
    assert run.skipped == [("CDB", "already done for this period")]
    assert digests(rt) == [("CDB", PERIOD), ("CINC", PERIOD)]


def test_an_archived_channel_gets_no_more_digests_until_a_coe_starts_there(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    two_coes(rt)
    fake_slack.archived_channels.add("CINC")
    run = jobs.digest(rt)
    assert [(s.channel, s.status, s.error) for s in run.sent] == [
        ("CDB", "sent", None),
        ("CINC", "failed", "is_archived"),
    ]

    # Later runs leave it out: no call that Slack is bound to refuse.
    attempts = len(posts(fake_slack, "CINC"))
    assert [s.channel for s in jobs.digest(rt).sent] == []
    clock.set(datetime(2026, 11, 30, 9, 0, 5, tzinfo=UTC))
    assert [s.channel for s in jobs.digest(rt).sent] == ["CDB"]
    assert len(posts(fake_slack, "CINC")) == attempts

    # Unarchived, and a new review started there: the channel is back.
    fake_slack.archived_channels.clear()
    add_coe(rt, "CINC", "Another outage", created_at=clock() - timedelta(hours=1))
    clock.set(datetime(2026, 12, 7, 9, 0, 5, tzinfo=UTC))
    assert [s.channel for s in jobs.digest(rt).sent] == ["CDB", "CINC"]


@pytest.mark.parametrize(
    ("refusal", "says"),
    [
        ("not_in_channel", "COE_DIGEST_CHANNEL CDIGEST: the bot is not in it; /invite it there"),
        ("channel_not_found", "COE_DIGEST_CHANNEL CDIGEST: no such channel that the bot can see"),
    ],
)
def test_a_digest_channel_the_bot_cannot_post_in_is_named_at_start_up(
    fake_slack: FakeSlack,
    database_url: str,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    refusal: str,
    says: str,
) -> None:
    rt = make_runtime(fake_slack, database_url, clock, COE_DIGEST_CHANNEL="CDIGEST")
    if refusal == "not_in_channel":
        fake_slack.channels_without_bot.add("CDIGEST")
    else:
        fake_slack.missing_channels.add("CDIGEST")
    scheduler = build_scheduler(rt)
    scheduler.start()
    try:
        fake_slack.wait_for(
            lambda: scheduler.get_job("digest-channel-check") is None and caught_up(scheduler)
        )
    finally:
        scheduler.shutdown(wait=True)
    problems = [r.getMessage() for r in caplog.records if "COE_DIGEST_CHANNEL" in r.getMessage()]
    assert len(problems) == 1 and problems[0].startswith(says)
    assert problems[0].endswith("the digest cannot be posted there")
    rt.engine.dispose()


def test_a_digest_channel_found_archived_is_named_at_start_up(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, database_url, clock, COE_DIGEST_CHANNEL="CDIGEST")
    add_item(rt, add_coe(rt), "UALICE", WED)
    assert check_digest_channel(rt) is None
    fake_slack.archived_channels.add("CDIGEST")
    jobs.digest(rt)
    assert check_digest_channel(rt) == "COE_DIGEST_CHANNEL CDIGEST is archived: set another channel"
    rt.engine.dispose()


@pytest.mark.parametrize(
    "cron",
    ["0 25 * * mon", "0 9 * * 9", "0 9 * * someday", "0 9 31 2 *", "0 9 31 4 *", "0 9 29 2 *"],
)
def test_a_digest_schedule_that_cannot_fire_stops_start_up(cron: str) -> None:
    with pytest.raises(SettingsError, match="COE_DIGEST_CRON"):
        load_settings({"COE_DIGEST_CRON": cron}, need_slack=False)


def test_channels_are_done_a_batch_at_a_time_each_in_order_and_once(
    rt_on_each: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = rt_on_each
    monkeypatch.setattr(digests_use_case, "DIGEST_BATCH", 2)
    # Five channels with something to say, between channels with nothing: one whose item was
    # dropped in the period (dropped is not completed), one whose item was done long ago.
    for n in range(5):
        add_item(rt, add_coe(rt, f"C{n}", f"Outage {n}"), "UALICE", WED, f"Fix {n}")
    dropped = add_coe(rt, "CDROPPED", "Dropped in the period")
    add_item(rt, dropped, "UBOB", WED, "Not worth it", status="dropped", closed_at=_IN_PERIOD)
    old = add_coe(rt, "COLD", "All done long ago")
    add_item(rt, old, "UBOB", WED, status="done", closed_at=rt.now() - timedelta(days=30))

    run = jobs.digest(rt)

    assert [(sent.channel, sent.status) for sent in run.sent] == [
        (f"C{n}", "sent") for n in range(5)
    ]
    assert run.skipped == [("CDROPPED", "nothing to report"), ("COLD", "nothing to report")]
    for n in range(5):
        (post,) = posts(fake_slack, f"C{n}")
        assert f"Fix {n}" in blocks_text(post) and f"Outage {(n + 1) % 5}" not in blocks_text(post)
    assert [channel for channel, _ in digests(rt)] == [f"C{n}" for n in range(5)]
    assert jobs.digest(rt).skipped == [
        *((f"C{n}", "already done for this period") for n in range(5)),
        ("CDROPPED", "already done for this period"),
        ("COLD", "already done for this period"),
    ]
    assert len(posts(fake_slack)) == 5


def test_a_digest_is_built_before_its_transaction_so_other_writes_go_on_meanwhile(
    rt: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite has one writer: a reply's ack must not wait while a digest builds its messages."""
    add_item(rt, add_coe(rt, "C0", "Outage"), "UALICE", WED, "Fix it")
    render = SlackOutgoing.render_digests
    written_while_building: list[bool] = []

    def write() -> None:
        with Session(rt.engine) as session:
            session.add(SlackUser(user_id="UNEW", fetched_at=rt.now()))
            session.commit()

    def render_while_another_thread_writes(self: SlackOutgoing, *args: Any) -> Any:
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=2)
        written_while_building.append(not writer.is_alive())
        return render(self, *args)

    monkeypatch.setattr(SlackOutgoing, "render_digests", render_while_another_thread_writes)
    run = jobs.digest(rt)

    assert written_while_building == [True]
    assert [(sent.channel, sent.status) for sent in run.sent] == [("C0", "sent")]


def test_a_run_that_dies_between_batches_leaves_the_later_digests_owed(
    rt_on_each: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = rt_on_each
    monkeypatch.setattr(digests_use_case, "DIGEST_BATCH", 2)
    for n in range(4):
        add_item(rt, add_coe(rt, f"C{n}", f"Outage {n}"), "UALICE", WED, f"Fix {n}")
    add_coe(rt, "CQUIET", "Nothing yet")
    queue = digests_use_case._queue
    batches = 0

    def dies_on_the_second_batch(*args: Any, **kwargs: Any) -> Any:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise RuntimeError("the process died")
        return queue(*args, **kwargs)

    monkeypatch.setattr(digests_use_case, "_queue", dies_on_the_second_batch)
    with pytest.raises(RuntimeError):
        jobs.digest(rt)

    # The first batch is posted and recorded, the channel with nothing to report is decided,
    # the second batch is neither: not half-recorded as sent.
    # Channels are sent to side by side: the order between two of them is not kept.
    assert sorted(call["channel"] for call in posts(fake_slack)) == ["C0", "C1"]
    assert [channel for channel, _ in digests(rt)] == ["C0", "C1"] and periods(rt) == [PERIOD]

    monkeypatch.setattr(digests_use_case, "_queue", queue)
    run = jobs.digest(rt)
    assert [sent.channel for sent in run.sent] == ["C2", "C3"]
    assert sorted(call["channel"] for call in posts(fake_slack)) == ["C0", "C1", "C2", "C3"]
    assert [channel for channel, _ in digests(rt)] == ["C0", "C1", "C2", "C3"]
    assert run.skipped == [(c, "already done for this period") for c in ("C0", "C1", "CQUIET")]


# In the period of the 23rd's digest (from Monday the 16th, 09:00, to Monday the 23rd, 09:00).
_IN_PERIOD = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.mark.postgres
def test_on_postgres_quiet_channels_are_recorded_and_a_second_run_posts_nothing(
    fake_slack: FakeSlack, postgres_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, postgres_url, clock)
    try:
        two_coes(rt)
        add_coe(rt, "CEMPTY", "No items yet")
        old = add_coe(rt, "COLD", "All done long ago")
        add_item(
            rt, old, "UBOB", date(2026, 10, 1), status="done", closed_at=rt.now() - timedelta(30)
        )

        run = jobs.digest(rt)
        again = jobs.digest(rt)

        assert sorted(call["channel"] for call in posts(fake_slack)) == ["CDB", "CINC"]
        assert run.skipped == [("CEMPTY", "nothing to report"), ("COLD", "nothing to report")]
        assert digests(rt) == [("CDB", PERIOD), ("CINC", PERIOD)] and periods(rt) == [PERIOD]
        assert sorted(again.skipped) == [
            (channel, "already done for this period")
            for channel in ("CDB", "CEMPTY", "CINC", "COLD")
        ]
        assert len(posts(fake_slack)) == 2
    finally:
        rt.engine.dispose()
