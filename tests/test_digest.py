"""The weekly digest end to end: periods, channels, once-only posting and the command line."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.runtime.jobs import build_scheduler
from bot.use_cases import digests as digests_use_case
from tests.conftest import Clock, bot_env
from tests.digest_setup import PERIOD, WED, blocks_text, caught_up, posts, two_coes
from tests.fake_slack import FakeSlack
from tests.follow_up import add_coe, add_item, add_user, digests, make_runtime, periods
from tests.processes import run_cli


@pytest.fixture
def rt(fake_slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, database_url, clock)
    yield runtime
    runtime.engine.dispose()


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
