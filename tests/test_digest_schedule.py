"""The digest's schedule: its periods, catching up at start-up, and the settings checked there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.runtime.jobs import build_scheduler, check_digest_channel, run_digest, run_nudges
from bot.runtime.schedule import latest_digest_time
from bot.settings import SettingsError, load_settings
from tests.conftest import Clock
from tests.digest_setup import PERIOD, WED, blocks_text, caught_up, posts
from tests.fake_slack import FakeSlack
from tests.follow_up import add_coe, add_item, digests, make_runtime


@pytest.fixture
def rt(fake_slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, database_url, clock)
    yield runtime
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
