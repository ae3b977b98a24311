"""Action items, driven the way Slack drives the bot: `action:` replies in the thread."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, col, select

from storage.models import OutboxMessage
from tests.conftest import Bot, Clock
from tests.fake_slack import Call, FakeSlack
from tests.scenario import (
    SITE_ANSWERS,
    THREAD,
    action,
    all_processed,
    confirmations,
    ephemerals,
    history,
    items,
    new_ts,
    note_count,
    prompts,
    start_review,
)

# Helpers --------------------------------------------------------------------------------------


def refused(bot: Bot, fake: FakeSlack, text: str, user: str = "UALICE") -> Call:
    """Send an `action:` reply that the bot refuses; returns the ephemeral it sent."""
    count = len(ephemerals(fake))
    bot.slack.reply(text, thread_ts=THREAD, user=user, ts=new_ts())
    return fake.wait_for(lambda: ephemerals(fake)[count:])[0]


# Capture from the thread ----------------------------------------------------------------------


def test_an_action_line_with_a_mention_and_an_iso_date_is_recorded_and_confirmed(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start_review(bot, fake_slack)
    ts = new_ts()
    confirmation = action(
        bot,
        fake_slack,
        "action: Add an alarm on servers shut down per minute <@UCAROL> due 2026-12-04",
        ts=ts,
    )
    assert "“Add an alarm on servers shut down per minute”" in confirmation
    assert "<@UALICE> added an action item to COE-1" in confirmation
    assert "Owner: <@UCAROL>" in confirmation and "Due: Fri 4 Dec 2026" in confirmation
    assert f"Addresses Why #3: “{SITE_ANSWERS[2]}”" in confirmation
    [item] = items(bot)
    assert (item.text, item.owner_id, item.due, item.why_number) == (
        "Add an alarm on servers shut down per minute",
        "UCAROL",
        date(2026, 12, 4),
        3,
    )
    assert (item.status, item.created_by, item.source_ts) == ("open", "UALICE", ts)
    [created] = history(bot, item.id or 0)
    assert (created.change, created.actor_id) == ("created", "UALICE")
    assert created.at.replace(tzinfo=UTC) == clock.current
    assert [call["user"] for call in fake_slack.calls_to("users.info")] == ["UCAROL"]


@pytest.mark.parametrize(
    ("moment", "owner", "phrase", "due"),
    [
        # 23:30 UTC on Wednesday 25 Nov: Thursday morning in Tokyo, still Wednesday in London.
        (datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "UCAROL", "today", date(2026, 11, 26)),
        (datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "UALICE", "today", date(2026, 11, 25)),
        (datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "UCAROL", "in 3 days", date(2026, 11, 29)),
        (datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "UALICE", "in 3 days", date(2026, 11, 28)),
        # 23:30 UTC on Thursday: it is already Friday in Tokyo, so "friday" is a week away.
        (datetime(2026, 11, 26, 23, 30, tzinfo=UTC), "UCAROL", "friday", date(2026, 12, 4)),
        (datetime(2026, 11, 26, 23, 30, tzinfo=UTC), "UALICE", "friday", date(2026, 11, 27)),
        # 03:00 UTC on Thursday is still Wednesday evening in New York.
        (datetime(2026, 11, 26, 3, 0, tzinfo=UTC), "UBOB", "tomorrow", date(2026, 11, 26)),
        (datetime(2026, 11, 26, 3, 0, tzinfo=UTC), "UBOB", "next week", date(2026, 11, 30)),
    ],
)
def test_due_words_count_from_the_owners_today(
    bot: Bot,
    fake_slack: FakeSlack,
    clock: Clock,
    moment: datetime,
    owner: str,
    phrase: str,
    due: date,
) -> None:
    start_review(bot, fake_slack)
    clock.set(moment)
    action(bot, fake_slack, f"action: Add an alarm <@{owner}> due {phrase}")
    [item] = items(bot)
    assert (item.owner_id, item.due) == (owner, due)


def test_the_author_owns_an_item_that_names_no_one(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack)
    # 10:00 UTC on Wednesday is 05:00 on Wednesday in New York.
    confirmation = action(bot, fake_slack, "action: Add an alarm by in 3 days", user="UBOB")
    assert "Owner: <@UBOB>" in confirmation and "Due: Sat 28 Nov 2026" in confirmation
    [item] = items(bot)
    assert (item.owner_id, item.created_by, item.due) == ("UBOB", "UBOB", date(2026, 11, 28))


def test_an_item_can_name_the_why_it_addresses(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack)
    confirmation = action(bot, fake_slack, "action #2: Make the script ask first due friday")
    assert f"Addresses Why #2: “{SITE_ANSWERS[1]}”" in confirmation
    assert "Due: Fri 27 Nov 2026" in confirmation
    assert [item.why_number for item in items(bot)] == [2]


def test_an_action_line_does_not_answer_the_open_why(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack, answers=1)
    action(bot, fake_slack, "action: Add an alarm due friday")
    questions = [text for text in prompts(fake_slack) if text.startswith("Why #")]
    assert [question[:7] for question in questions] == ["Why #1:", "Why #2:"]
    assert [item.why_number for item in items(bot)] == [1]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("action: Add an alarm due someday", "I can't read “someday” as a date"),
        ("action: Add an alarm due 2026-11-24", "is in the past (today is Wed 25 Nov 2026)"),
        ("action: Add an alarm due 2026-02-30", "is not a day on the calendar"),
        ("action #7: Add an alarm due friday", "no why #7"),
    ],
)
def test_an_unreadable_or_past_date_is_explained_and_nothing_is_recorded(
    bot: Bot, fake_slack: FakeSlack, text: str, says: str
) -> None:
    start_review(bot, fake_slack)
    before = note_count(fake_slack)
    reply = refused(bot, fake_slack, text, user="UBOB")
    assert says in reply["text"]
    assert (reply["user"], reply["channel"], reply["thread_ts"]) == ("UBOB", "CINC", THREAD)
    if "why #" not in says:
        assert "due tomorrow" in reply["text"] or "due friday" in reply["text"]
    assert items(bot) == []
    assert note_count(fake_slack) == before


@pytest.mark.parametrize(
    ("user", "setup", "says"),
    [
        ("UNOBODY", {}, "can't find the user <@UNOBODY>"),
        ("UROBOT", {"is_bot": True}, "<@UROBOT> is a bot"),
        ("UGONE", {"deleted": True}, "<@UGONE>'s account is deactivated"),
    ],
)
def test_an_owner_who_cannot_own_an_item_is_explained(
    bot: Bot, fake_slack: FakeSlack, user: str, setup: dict[str, Any], says: str
) -> None:
    if setup:
        fake_slack.add_user(user, **setup)
    start_review(bot, fake_slack)
    reply = refused(bot, fake_slack, f"action: Add an alarm <@{user}> due friday")
    assert says in reply["text"] and reply["user"] == "UALICE"
    assert items(bot) == []


def test_a_slack_failure_looking_up_the_owner_records_nothing(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    fake_slack.fail_next("users.info", "internal_error")
    reply = refused(bot, fake_slack, "action: Add an alarm <@UCAROL> due friday")
    assert "couldn't look <@UCAROL> up" in reply["text"] and "again" in reply["text"]
    assert items(bot) == []


def test_a_redelivered_action_creates_one_item(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack)
    ts = new_ts()
    action(bot, fake_slack, "action: Add an alarm due friday", ts=ts, event_id="EvACTION")
    bot.slack.reply(
        "action: Add an alarm due friday",
        thread_ts=THREAD,
        ts=ts,
        event_id="EvACTION",
        retry_num=1,
    )
    # The same message under another event id: the item's source keeps it single too.
    bot.slack.reply("action: Add an alarm due friday", thread_ts=THREAD, ts=ts)
    fake_slack.wait_for(lambda: all_processed(bot))
    action(bot, fake_slack, "action: A second item due friday")
    assert [item.text for item in items(bot)] == ["Add an alarm", "A second item"]
    assert len(confirmations(fake_slack)) == 2


def homes_published(bot: Bot) -> bool:
    """No refresh of anyone's Home is still waiting to be sent."""
    with Session(bot.rt.engine) as session:
        waiting = select(OutboxMessage).where(
            OutboxMessage.method == "views.publish",
            col(OutboxMessage.status).in_(("pending", "sending")),
        )
        return session.exec(waiting).first() is None


def test_an_owner_is_looked_up_in_slack_once_a_day(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start_review(bot, fake_slack)
    action(bot, fake_slack, "action: One <@UCAROL> due friday")
    action(bot, fake_slack, "action: Two <@UCAROL> due friday")
    # Each new item refreshes the owner's Home; let that go out before the day passes.
    fake_slack.wait_for(lambda: homes_published(bot) and fake_slack.calls_to("views.publish"))
    assert len(fake_slack.calls_to("users.info")) == 1
    clock.advance(hours=25)
    action(bot, fake_slack, "action: Three <@UCAROL> due friday")
    assert len(fake_slack.calls_to("users.info")) == 2
