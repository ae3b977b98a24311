"""What Slack says of each channel (private, shared with another organisation, archived) is kept
in the database, from the channel events and from lookups that wait out Slack's rate limits; the
digest to COE_DIGEST_CHANNEL is decided only once Slack has said it. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.runtime.jobs import run_digest
from bot.use_cases import channels
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import BOT_USER_ID, FakeSlack
from tests.follow_up import add_coe, add_item, make_runtime, periods

WED = date(2026, 11, 25)
PERIOD = "2026-11-23T09:00:00Z"


@pytest.fixture
def rt(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, each_database_url, clock, COE_DIGEST_CHANNEL="CDIGEST")
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def bot(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Bot]:
    yield from run_bot(fake_slack, each_database_url, clock)


def digest_text(fake: FakeSlack, channel: str) -> str:
    return " ".join(json.dumps(call["blocks"]) for call in fake.posted(channel))


def payments(rt: Runtime, fake: FakeSlack) -> None:
    """COE-1 in #payments, a public channel, with an open item."""
    fake.add_channel("CPAY", members=("UCAROL",))
    add_item(rt, add_coe(rt, "CPAY", "Payments failed"), "UCAROL", WED, "Add a payments alarm")


# The digest to COE_DIGEST_CHANNEL -------------------------------------------------------------


def test_a_rate_limited_lookup_is_waited_out_and_the_public_channel_is_in_the_digest(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    payments(rt, fake_slack)
    fake_slack.limit_rate("conversations.info", retry_after=1)

    run = jobs.digest(rt)

    assert [(sent.channel, sent.status) for sent in run.sent] == [("CDIGEST", "sent")]
    assert "Add a payments alarm" in digest_text(fake_slack, "CDIGEST")
    # CDIGEST's lookup waited out the limit; CPAY's came after it.
    assert len(fake_slack.calls_to("conversations.info")) == 3


def test_no_period_is_decided_while_slack_will_not_say_what_a_channel_is(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    payments(rt, fake_slack)
    fake_slack.fail_next("conversations.info", "internal_error", channel="CPAY")
    scheduler = BackgroundScheduler()

    run_digest(rt, scheduler)

    assert fake_slack.posted("CDIGEST") == [] and periods(rt) == []
    assert scheduler.get_job("digest-retry") is not None  # and the job tries again soon
    run = jobs.digest(rt)
    assert [(sent.channel, sent.status) for sent in run.sent] == [("CDIGEST", "sent")]
    assert "Add a payments alarm" in digest_text(fake_slack, "CDIGEST")
    assert periods(rt) == [PERIOD]


def test_a_digest_channel_shared_with_another_organisation_gets_only_its_own_coes(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    payments(rt, fake_slack)
    fake_slack.add_channel("CDIGEST", ext_shared=True)
    add_item(rt, add_coe(rt, "CDIGEST", "The partner API was down"), "UALICE", WED, "Add a probe")

    jobs.digest(rt)

    text = digest_text(fake_slack, "CDIGEST")
    assert "Add a probe" in text and "Payments failed" not in text


# Channel events -----------------------------------------------------------------------------


def archive(bot: Bot, fake: FakeSlack, channel: str, archived: bool = True) -> None:
    """Archive or unarchive `channel` in Slack, which tells the bot."""
    (fake.archived_channels.add if archived else fake.archived_channels.discard)(channel)
    kind = "channel_archive" if archived else "channel_unarchive"
    status, _ = bot.slack.event({"type": kind, "channel": channel, "user": "UALICE"})
    assert status == 200


def test_an_archived_channel_gets_no_digest_and_an_unarchived_one_gets_it_again(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    for channel in ("CINC", "CDB"):
        add_item(bot.rt, add_coe(bot.rt, channel), "UALICE", WED, f"Fix {channel}")
    archive(bot, fake_slack, "CINC")

    run = jobs.digest(bot.rt)

    assert [sent.channel for sent in run.sent] == ["CDB"]
    assert fake_slack.posted("CINC") == []  # not even tried: Slack would refuse it
    archive(bot, fake_slack, "CINC", archived=False)
    clock.set(datetime(2026, 11, 30, 9, 0, 5, tzinfo=UTC))
    assert [sent.channel for sent in jobs.digest(bot.rt).sent] == ["CDB", "CINC"]


def test_the_bot_joining_a_channel_has_it_looked_at_again(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    add_coe(bot.rt, "CINC")
    assert channels.look_again(bot.rt) == 1
    clock.advance(hours=1)
    joined = {"type": "member_joined_channel", "channel": "CINC", "channel_type": "C"}
    bot.slack.event({**joined, "user": "UBOB", "team": "T0001"})
    assert channels.look_again(bot.rt) == 0  # someone else's join says nothing new
    bot.slack.event({**joined, "user": BOT_USER_ID, "team": "T0001", "inviter": "UALICE"})
    assert channels.look_again(bot.rt) == 1
    assert channels.look_again(bot.rt) == 0
    clock.advance(days=1, minutes=1)
    assert channels.look_again(bot.rt) == 1


def test_channel_events_change_what_is_kept_and_only_that(bot: Bot) -> None:
    add_coe(bot.rt, "CINC")
    add_coe(bot.rt, "GSECRET")
    channels.look_again(bot.rt)
    for event in (
        {"type": "channel_shared", "connected_team_id": "E163Q94DX", "channel": "CINC"},
        {"type": "channel_rename", "channel": {"id": "CINC", "name": "inc", "created": 1}},
        {"type": "group_archive", "channel": "GSECRET"},
    ):
        bot.slack.event({**event, "event_ts": "1561064063.001100"})
    kept = channels.described(bot.rt, ["CINC", "GSECRET"]).facts
    assert (kept["CINC"].private, kept["CINC"].ext_shared, kept["CINC"].archived) == (
        False,
        True,
        False,
    )
    assert (kept["GSECRET"].private, kept["GSECRET"].archived) == (True, True)
    unshared = {"type": "channel_unshared", "channel": "CINC", "is_ext_shared": False}
    bot.slack.event({**unshared, "previously_connected_team_id": "E163Q94DX"})
    assert channels.described(bot.rt, ["CINC"]).facts["CINC"].ext_shared is False
    assert channels.look_again(bot.rt) == 1  # the rename asked for another look at CINC
