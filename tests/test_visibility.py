"""Private channels stay private: every list shows a COE and its items only to who may see its
channel, as Slack says (users.conversations, conversations.info), driven the way Slack drives
the bot."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.use_cases import channels, visibility
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import Call, FakeSlack
from tests.follow_up import add_coe, add_item, make_runtime
from tests.scenario import listing

DUE = date(2026, 12, 4)


def world(fake: FakeSlack, rt: Runtime) -> None:
    """COE-1 in #incident (public: Alice, Bob), COE-2 in #secret (private: Alice, Carol), COE-3
    in #payments (public: Carol). Each has an open item of Carol's.

    Gus is a guest, in #incident only.
    """
    fake.add_user("UGUS", is_restricted=True)
    fake.add_channel("CINC", members=("UALICE", "UBOB", "UGUS"))
    fake.add_channel("CSECRET", private=True, members=("UALICE", "UCAROL"))
    fake.add_channel("CPAY", members=("UCAROL",))
    for channel, problem in (
        ("CINC", "The site went down"),
        ("CSECRET", "Payroll leaked"),
        ("CPAY", "Payments failed"),
    ):
        coe = add_coe(rt, channel, problem)
        add_item(rt, coe, "UCAROL", DUE, f"Fix: {problem}")


def coes_in(answer: Call) -> list[int]:
    """The COEs a message lists, by number, in order of first mention."""
    found = re.findall(r"\*COE-(\d+)\*", json.dumps(answer["blocks"]))
    return list(dict.fromkeys(int(number) for number in found))


@pytest.fixture
def seen(bot: Bot, fake_slack: FakeSlack) -> Bot:
    world(fake_slack, bot.rt)
    return bot


# /coe actions ---------------------------------------------------------------------------------


def test_actions_all_shows_items_of_a_private_channel_only_to_its_members(
    seen: Bot, fake_slack: FakeSlack
) -> None:
    bob = listing(seen, fake_slack, "actions all", user="UBOB")
    assert coes_in(bob) == [1, 3] and "Payroll" not in json.dumps(bob.params)
    assert "(2)" in bob["text"]

    alice = listing(seen, fake_slack, "actions all", user="UALICE")
    assert coes_in(alice) == [1, 2, 3] and "(3)" in alice["text"]


def test_actions_for_someone_hides_their_items_in_channels_the_asker_may_not_see(
    seen: Bot, fake_slack: FakeSlack
) -> None:
    carols = listing(seen, fake_slack, "actions <@UCAROL|carol>", user="UBOB")
    assert coes_in(carols) == [1, 3]
    # Her own list has them all: she is nudged about every one of them anyway.
    own = listing(seen, fake_slack, "actions", user="UCAROL")
    assert coes_in(own) == [1, 2, 3]


def test_everyones_items_include_the_askers_own_wherever_they_are(
    seen: Bot, fake_slack: FakeSlack
) -> None:
    add_item(seen.rt, 2, "UBOB", DUE - timedelta(days=1), "Rotate the keys")
    bob = listing(seen, fake_slack, "actions all", user="UBOB")
    assert coes_in(bob) == [2, 1, 3] and "(3)" in bob["text"]
    assert "Rotate the keys" in bob["text"] and "Fix: Payroll" not in json.dumps(bob.params)


def test_a_guest_sees_only_the_channels_they_are_in(seen: Bot, fake_slack: FakeSlack) -> None:
    gus = listing(seen, fake_slack, "actions all", user="UGUS")
    assert coes_in(gus) == [1]


# /coe list all --------------------------------------------------------------------------------


def test_list_all_shows_the_coes_of_the_askers_channels(seen: Bot, fake_slack: FakeSlack) -> None:
    assert coes_in(listing(seen, fake_slack, "list all", user="UBOB")) == [1]
    assert coes_in(listing(seen, fake_slack, "list all", user="UALICE")) == [2, 1]
    assert coes_in(listing(seen, fake_slack, "list all", user="UCAROL")) == [3, 2]


# One COE ------------------------------------------------------------------------------------


def test_whether_someone_may_see_one_coe(seen: Bot) -> None:
    assert visibility.may_see(seen.rt, "UALICE", "CSECRET")
    assert not visibility.may_see(seen.rt, "UBOB", "CSECRET")
    assert visibility.may_see(seen.rt, "UBOB", "CPAY")
    assert not visibility.may_see(seen.rt, "UGUS", "CPAY")


# What Slack is asked, and when ----------------------------------------------------------------


def test_membership_and_privacy_are_asked_once_then_kept(
    seen: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    listing(seen, fake_slack, "actions all", user="UBOB")
    listing(seen, fake_slack, "actions all", user="UBOB")
    assert len(fake_slack.calls_to("users.conversations")) == 1
    # Bob is in #incident: only the channels he is not in are looked up, once.
    assert sorted(call["channel"] for call in fake_slack.calls_to("conversations.info")) == [
        "CPAY",
        "CSECRET",
    ]

    # Bob joins #secret: the lists follow once the membership kept in memory expires.
    fake_slack.channels["CSECRET"].members.add("UBOB")
    clock.advance(minutes=4)
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1, 3]
    clock.advance(minutes=2)
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1, 2, 3]
    assert len(fake_slack.calls_to("conversations.info")) == 2


def made_private(channel: str) -> dict[str, object]:
    """The message Slack posts in a channel made private (message.channels, message.groups)."""
    return {
        "type": "message",
        "subtype": "channel_convert_to_private",
        "user": "UCAROL",
        "text": "made this channel *private*. Now, it can only be viewed or joined by invitation.",
        "ts": "1730984822.596869",
        "channel": channel,
        "event_ts": "1730984822.596869",
        "channel_type": "group",
    }


def test_a_channel_made_private_hides_its_coes_from_non_members_at_once(
    seen: Bot, fake_slack: FakeSlack
) -> None:
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1, 3]
    fake_slack.channels["CPAY"].private = True
    status, _ = seen.slack.event(made_private("CPAY"))
    assert status == 200
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1]
    assert len(fake_slack.calls_to("conversations.info")) == 2  # the event said it all


def test_what_no_event_said_shows_once_the_channel_is_looked_at_again(
    seen: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1, 3]
    # The list needed CPAY and CSECRET only; the scheduled look finds CINC never looked at.
    assert channels.look_again(seen.rt) == 1
    fake_slack.channels["CPAY"].private = True  # and its event was lost
    clock.advance(hours=23)
    assert channels.look_again(seen.rt) == 0  # each was looked at within the day
    clock.advance(hours=2)
    assert channels.look_again(seen.rt) == 3
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1]


def test_privacy_of_the_askers_own_channels_comes_with_their_membership(
    seen: Bot, fake_slack: FakeSlack
) -> None:
    listing(seen, fake_slack, "actions all", user="UALICE")
    [call] = fake_slack.calls_to("users.conversations")
    assert call["user"] == "UALICE" and call["types"] == "public_channel,private_channel"
    assert [call["channel"] for call in fake_slack.calls_to("conversations.info")] == ["CPAY"]


def test_a_channel_slack_cannot_describe_counts_as_private_until_it_can(
    seen: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    fake_slack.fail_next("conversations.info", "internal_error", times=2)
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1]
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1, 3]
    # Once known, an answer outlives its freshness when Slack fails to give a new one.
    clock.advance(minutes=11)
    fake_slack.fail_next("conversations.info", "ratelimited", status=429, times=2)
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1, 3]


def test_a_list_waits_out_slacks_rate_limit_instead_of_leaving_channels_out(
    seen: Bot, fake_slack: FakeSlack
) -> None:
    fake_slack.limit_rate("users.conversations", retry_after=1)
    assert coes_in(listing(seen, fake_slack, "list all", user="UALICE")) == [2, 1]
    # Asked again once Slack said, not before (the fake answers 429 again until then).
    assert len(fake_slack.calls_to("users.conversations")) == 2


def test_a_person_slack_will_not_list_channels_for_is_told_so_not_shown_a_short_list(
    seen: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    fake_slack.fail_next("users.conversations", "internal_error", times=2)
    for asked in ("actions all", "list all"):
        answer = listing(seen, fake_slack, asked, user="UALICE")
        assert "blocks" not in answer.params and "try again in a minute" in answer["text"]
    # Once Slack has listed them, a later failure falls back on that list.
    assert coes_in(listing(seen, fake_slack, "list all", user="UALICE")) == [2, 1]
    clock.advance(minutes=6)
    fake_slack.fail_next("users.conversations", "internal_error")
    assert coes_in(listing(seen, fake_slack, "list all", user="UALICE")) == [2, 1]


def test_a_private_channel_the_bot_has_left_shows_its_coes_to_nobody(
    seen: Bot, fake_slack: FakeSlack
) -> None:
    fake_slack.channels["CSECRET"].bot_member = False
    assert coes_in(listing(seen, fake_slack, "actions all", user="UALICE")) == [1, 3]


def test_every_page_of_someones_channels_counts(seen: Bot, fake_slack: FakeSlack) -> None:
    for number in range(250):
        fake_slack.add_channel(f"CMANY{number:03d}", members=("UBOB",))
    fake_slack.channels["CSECRET"].members.add("UBOB")  # listed last, on the second page
    assert coes_in(listing(seen, fake_slack, "actions all", user="UBOB")) == [1, 2, 3]
    assert [call.get("cursor") for call in fake_slack.calls_to("users.conversations")] == [
        None,
        "offset:200",
    ]


# The digest to COE_DIGEST_CHANNEL -------------------------------------------------------------


def digest_text(fake: FakeSlack, channel: str) -> str:
    return " ".join(json.dumps(call["blocks"]) for call in fake.posted(channel))


@pytest.mark.parametrize(("include_private", "shown"), [("false", [1, 3]), ("true", [1, 2, 3])])
def test_the_digest_channel_gets_private_coes_only_when_allowed(
    fake_slack: FakeSlack, database_url: str, clock: Clock, include_private: str, shown: list[int]
) -> None:
    rt = make_runtime(
        fake_slack,
        database_url,
        clock,
        COE_DIGEST_CHANNEL="CDIGEST",
        COE_DIGEST_INCLUDE_PRIVATE=include_private,
    )
    world(fake_slack, rt)

    jobs.digest(rt)

    text = digest_text(fake_slack, "CDIGEST")
    listed = sorted({int(number) for number in re.findall(r"COE-(\d+)", text)})
    assert listed == shown
    assert ("Payroll" in text) is (include_private == "true")


def test_a_private_channel_that_is_the_digest_channel_sees_its_own_coes(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, database_url, clock, COE_DIGEST_CHANNEL="CSECRET")
    world(fake_slack, rt)

    jobs.digest(rt)

    text = digest_text(fake_slack, "CSECRET")
    assert "Payroll" in text and "Payments failed" in text


def test_each_coes_own_channel_still_gets_its_own_digest(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, database_url, clock)
    world(fake_slack, rt)

    jobs.digest(rt)

    assert "Payroll" in digest_text(fake_slack, "CSECRET")
    assert "Payroll" not in digest_text(fake_slack, "CINC")
    # Each channel reads only its own COEs: no need to ask Slack about anyone's channels.
    assert fake_slack.calls_to("conversations.info") == []


# PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def pg_bot(fake_slack: FakeSlack, postgres_url: str, clock: Clock) -> Iterator[Bot]:
    yield from run_bot(fake_slack, postgres_url, clock)


@pytest.mark.postgres
def test_lists_hide_private_coes_on_postgres(pg_bot: Bot, fake_slack: FakeSlack) -> None:
    world(fake_slack, pg_bot.rt)
    add_item(pg_bot.rt, 2, "UBOB", DUE - timedelta(days=1), "Rotate the keys")
    # Bob's own item of COE-2 is his to see; Carol's of the same COE is not.
    bob = listing(pg_bot, fake_slack, "actions all", user="UBOB")
    assert coes_in(bob) == [2, 1, 3] and "(3)" in bob["text"]
    assert "Fix: Payroll" not in json.dumps(bob.params)
    assert coes_in(listing(pg_bot, fake_slack, "actions all", user="UALICE")) == [2, 1, 3]
    assert coes_in(listing(pg_bot, fake_slack, "list all", user="UALICE")) == [2, 1]
