"""Action items, driven the way Slack drives the bot: `action:` replies, the modal, the status
buttons and `/coe actions`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.core.facilitation import Step
from storage.models import OutboxMessage
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import Call, FakeSlack
from tests.scenario import (
    SITE_ANSWERS,
    THREAD,
    action,
    all_processed,
    click,
    confirmations,
    ephemerals,
    form_values,
    history,
    items,
    listing,
    new_ts,
    note_count,
    prompts,
    responses,
    seed_items,
    start_review,
    wait_for_note,
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


# The modal ------------------------------------------------------------------------------------


def filled_modal(bot: Bot, fake: FakeSlack, action_id: str, value: str, user: str) -> Call:
    """Click a button that opens a modal; returns the worker's views.update that fills it in.

    The modal opens before the click's ack (a trigger_id lasts three seconds), saying it is
    loading; the worker then puts the form, or why there is none, in it.
    """
    status, _ = bot.slack.action(action_id, value, user=user)
    [opened] = fake.calls_to("views.open")  # already: before the ack
    assert status == 200 and "Loading" in json.dumps(opened["view"])
    view_id = fake.opened_views[0]
    [filled] = fake.wait_for_calls("views.update", 1)
    assert filled["view_id"] == view_id
    return filled


def test_the_add_button_opens_the_form(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack)
    view = filled_modal(bot, fake_slack, "coe_add_action_item", "1", user="UBOB")["view"]
    assert view["callback_id"] == "coe_add_action_item_form" and view["private_metadata"] == "1"
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    assert blocks["description"]["element"]["multiline"] is True
    assert blocks["owner"]["element"]["initial_user"] == "UBOB"
    assert blocks["due"]["element"]["type"] == "datepicker"
    assert blocks["priority"]["element"]["initial_option"]["value"] == "medium"
    assert [o["value"] for o in blocks["kind"]["element"]["options"]] == [
        "prevent",
        "detect",
        "mitigate",
    ]
    whys = blocks["why"]["element"]
    assert [o["value"] for o in whys["options"]] == ["1", "2", "3"]
    assert whys["initial_option"]["value"] == "3"
    assert all(len(o["text"]["text"]) <= 75 for o in whys["options"])


def test_a_submitted_form_is_recorded_and_confirmed_in_the_thread(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    status, body = bot.slack.view_submission(
        "coe_add_action_item_form", form_values(), private_metadata="1", user="UBOB"
    )
    assert status == 200 and body == ""
    confirmation = fake_slack.wait_for(lambda: confirmations(fake_slack))[0]
    assert "<@UBOB> added an action item to COE-1: “Add an alarm”" in confirmation
    assert "Due: Fri 4 Dec 2026" in confirmation and "Priority: high, detect" in confirmation
    assert f"Why #2: “{SITE_ANSWERS[1]}”" in confirmation
    [item] = items(bot)
    assert (item.owner_id, item.due, item.priority, item.kind, item.why_number) == (
        "UCAROL",
        date(2026, 12, 4),
        "high",
        "detect",
        2,
    )
    assert item.created_by == "UBOB"
    # The same view submitted again (Slack retrying) records nothing new.
    bot.slack.view_submission(
        "coe_add_action_item_form", form_values(), private_metadata="1", user="UBOB"
    )
    assert len(items(bot)) == 1


def test_bad_form_fields_come_back_as_errors_and_nothing_is_recorded(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    values = form_values(due={"selected_date": "2026-11-20"})
    status, body = bot.slack.view_submission(
        "coe_add_action_item_form", values, private_metadata="1"
    )
    answer = json.loads(body)
    assert status == 200 and answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"due"}
    assert "from today (Wed 25 Nov 2026) on" in answer["errors"]["due"]
    missing = form_values(owner={"selected_user": None})
    _, body = bot.slack.view_submission("coe_add_action_item_form", missing, private_metadata="1")
    assert "owner" in json.loads(body)["errors"]
    assert items(bot) == [] and confirmations(fake_slack) == []


def test_a_bot_picked_as_owner_is_refused_after_the_lookup_and_then_in_the_form(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("UROBOT", is_bot=True)
    start_review(bot, fake_slack)
    robot = form_values(owner={"selected_user": "UROBOT"})
    # Nobody has looked UROBOT up yet, and the form may not wait for Slack: it is accepted,
    # then the lookup finds a bot, and the person who sent it is told nothing was recorded.
    status, body = bot.slack.view_submission(
        "coe_add_action_item_form", robot, private_metadata="1"
    )
    assert status == 200 and body == ""
    refusal = fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postEphemeral"))[0]
    assert refusal["user"] == "UALICE" and "not recorded" in refusal["text"]
    assert "is a bot" in refusal["text"]
    # Now that the bot is known, the form itself says so.
    _, body = bot.slack.view_submission("coe_add_action_item_form", robot, private_metadata="1")
    assert "is a bot" in json.loads(body)["errors"]["owner"]
    assert items(bot) == [] and confirmations(fake_slack) == []


# Status buttons -------------------------------------------------------------------------------


def with_item(bot: Bot, fake: FakeSlack) -> int:
    """COE-1 (facilitator UALICE) with one item owned by UCAROL, due Fri 4 Dec 2026."""
    start_review(bot, fake)
    action(bot, fake, "action: Add an alarm <@UCAROL> due 2026-12-04")
    [item] = items(bot)
    assert item.id is not None
    return item.id


@pytest.mark.parametrize("actor", ["UCAROL", "UALICE"])
def test_the_owner_or_the_facilitator_marks_an_item_done(
    bot: Bot, fake_slack: FakeSlack, clock: Clock, actor: str
) -> None:
    item_id = with_item(bot, fake_slack)
    before = note_count(fake_slack)
    clock.advance(hours=1)
    answer = click(bot, fake_slack, "coe_item_done", str(item_id), user=actor)
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert "marked the action item “Add an alarm” done" in answer["text"]
    note = wait_for_note(fake_slack, before)
    assert f"<@{actor}> marked the action item “Add an alarm” done" in note
    [item] = items(bot)
    assert item.status == "done" and item.closed_at is not None
    changes = [(c.change, c.actor_id, c.at.replace(tzinfo=UTC)) for c in history(bot, item_id)]
    assert changes[1:] == [("done", actor, clock.current)]


def test_snooze_pauses_the_item_for_a_week_of_the_owners_days(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    item_id = with_item(bot, fake_slack)
    # 23:30 UTC on Wednesday is Thursday in Tokyo, the owner's timezone.
    clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    before = note_count(fake_slack)
    answer = click(bot, fake_slack, "coe_item_snooze", str(item_id), user="UALICE")
    assert "until Thu 3 Dec 2026" in answer["text"]
    assert "<@UALICE> snoozed reminders" in wait_for_note(fake_slack, before)
    [item] = items(bot)
    assert (item.status, item.snoozed_until, item.due) == (
        "open",
        date(2026, 12, 3),
        date(2026, 12, 4),
    )
    assert [(c.change, c.actor_id, c.detail) for c in history(bot, item_id)][1:] == [
        ("snoozed", "UALICE", "until 2026-12-03")
    ]


def test_drop_asks_for_a_reason_and_records_it(bot: Bot, fake_slack: FakeSlack) -> None:
    item_id = with_item(bot, fake_slack)
    view = filled_modal(bot, fake_slack, "coe_item_drop", str(item_id), user="UCAROL")["view"]
    assert view["callback_id"] == "coe_drop_action_item_form"
    assert view["private_metadata"] == str(item_id) and "Add an alarm" in json.dumps(view)
    reason = {"reason": {"reason": {"type": "plain_text_input", "value": "  "}}}
    _, body = bot.slack.view_submission(
        "coe_drop_action_item_form", reason, private_metadata=str(item_id), user="UCAROL"
    )
    assert "reason" in json.loads(body)["errors"]
    assert items(bot)[0].status == "open"

    before = note_count(fake_slack)
    reason["reason"]["reason"]["value"] = "The hardware team now has a UI with limits."
    status, body = bot.slack.view_submission(
        "coe_drop_action_item_form", reason, private_metadata=str(item_id), user="UCAROL"
    )
    answer = json.loads(body)
    assert status == 200 and answer["response_action"] == "update"
    assert "dropped the action item" in json.dumps(answer["view"])
    note = wait_for_note(fake_slack, before)
    assert "<@UCAROL> dropped the action item “Add an alarm”" in note
    assert "Reason: The hardware team now has a UI with limits." in note
    [item] = items(bot)
    assert (item.status, item.drop_reason) == (
        "dropped",
        "The hardware team now has a UI with limits.",
    )
    assert [(c.change, c.actor_id, c.detail) for c in history(bot, item_id)][1:] == [
        ("dropped", "UCAROL", "The hardware team now has a UI with limits.")
    ]


@pytest.mark.parametrize("button", ["coe_item_done", "coe_item_snooze"])
def test_anyone_else_is_told_who_may_change_the_item(
    bot: Bot, fake_slack: FakeSlack, button: str
) -> None:
    item_id = with_item(bot, fake_slack)
    before = note_count(fake_slack)
    answer = click(bot, fake_slack, button, str(item_id), user="UBOB")
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert "<@UCAROL>" in answer["text"] and "<@UALICE>" in answer["text"]
    assert "Only" in answer["text"]
    [item] = items(bot)
    assert (item.status, item.snoozed_until) == ("open", None)
    assert [c.change for c in history(bot, item_id)] == ["created"]
    assert fake_slack.calls_to("views.open") == [] and note_count(fake_slack) == before


def test_anyone_else_who_clicks_drop_is_told_in_the_modal_who_may_drop_the_item(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    item_id = with_item(bot, fake_slack)
    view = filled_modal(bot, fake_slack, "coe_item_drop", str(item_id), user="UBOB")["view"]
    text = json.dumps(view)
    assert "Only" in text and "<@UCAROL>" in text and "<@UALICE>" in text
    assert "callback_id" not in view and "submit" not in view  # nothing to submit
    assert items(bot)[0].status == "open" and responses(fake_slack) == []


def test_the_form_opens_in_time_however_far_behind_the_worker_is(
    bot_without_worker: Bot, fake_slack: FakeSlack
) -> None:
    bot = bot_without_worker
    bot.start_worker()
    start_review(bot, fake_slack)
    bot.stop_worker()
    status, _ = bot.slack.action("coe_add_action_item", "1", user="UBOB")
    assert status == 200
    assert len(fake_slack.calls_to("views.open")) == 1  # before the ack
    # The worker gets to the click long after its trigger_id expired.
    fake_slack.expire_triggers()
    bot.start_worker()
    [filled] = fake_slack.wait_for_calls("views.update", 1)
    assert filled["view_id"] == fake_slack.opened_views[0]
    assert filled["view"]["callback_id"] == "coe_add_action_item_form"
    assert len(fake_slack.calls_to("views.open")) == 1 and responses(fake_slack) == []


def test_a_click_whose_modal_slack_would_not_open_is_told_to_click_again(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    item_id = with_item(bot, fake_slack)
    fake_slack.fail_next("views.open", "expired_trigger_id")
    answer = click(bot, fake_slack, "coe_item_drop", str(item_id), user="UCAROL")
    assert answer["response_type"] == "ephemeral"
    assert "expired_trigger_id" in answer["text"] and "click again" in answer["text"]
    assert fake_slack.calls_to("views.update") == [] and items(bot)[0].status == "open"


def test_a_drop_submitted_by_anyone_else_is_refused(bot: Bot, fake_slack: FakeSlack) -> None:
    item_id = with_item(bot, fake_slack)
    reason = {"reason": {"reason": {"type": "plain_text_input", "value": "Not needed"}}}
    _, body = bot.slack.view_submission(
        "coe_drop_action_item_form", reason, private_metadata=str(item_id), user="UBOB"
    )
    assert "<@UCAROL>" in json.loads(body)["errors"]["reason"]
    assert items(bot)[0].status == "open"


def test_a_closed_item_cannot_change_again(bot: Bot, fake_slack: FakeSlack) -> None:
    item_id = with_item(bot, fake_slack)
    click(bot, fake_slack, "coe_item_done", str(item_id), user="UCAROL")
    again = click(bot, fake_slack, "coe_item_snooze", str(item_id), user="UCAROL")
    assert "already done" in again["text"]
    dropping = filled_modal(bot, fake_slack, "coe_item_drop", str(item_id), user="UCAROL")
    assert "already done" in json.dumps(dropping["view"])
    assert [c.change for c in history(bot, item_id)] == ["created", "done"]


def test_a_button_for_an_item_that_is_gone_says_so(bot: Bot, fake_slack: FakeSlack) -> None:
    answer = click(bot, fake_slack, "coe_item_done", "999", user="UCAROL")
    assert "no longer exists" in answer["text"]


# /coe actions ---------------------------------------------------------------------------------


def item_rows(answer: Call) -> list[str]:
    return [
        block["text"]["text"]
        for block in answer["blocks"]
        if block["type"] == "section" and block["text"]["text"].startswith("*COE-")
    ]


def buttons(answer: Call) -> list[str]:
    return [block["block_id"] for block in answer["blocks"] if block["type"] == "actions"]


def test_coe_actions_lists_open_items_overdue_first(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start_review(bot, fake_slack)
    action(bot, fake_slack, "action: Later <@UALICE> due 2026-12-10")
    action(bot, fake_slack, "action: Overdue <@UALICE> due tomorrow")
    action(bot, fake_slack, "action: Bob's <@UBOB> due 2026-12-01")
    action(bot, fake_slack, "action: Finished <@UALICE> due 2026-12-02")
    click(bot, fake_slack, "coe_item_done", "4", user="UALICE")
    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))

    mine = listing(bot, fake_slack, "actions")
    assert mine["response_type"] == "ephemeral"
    rows = item_rows(mine)
    assert len(rows) == 2 and "Overdue" in rows[0] and "Later" in rows[1]
    assert "*3 days overdue*" in rows[0] and "due Thu 26 Nov 2026" in rows[0]
    assert "overdue" not in rows[1] and "due Thu 10 Dec 2026" in rows[1]
    assert buttons(mine) == ["item-2", "item-1"]
    assert "Your open action items (2)" in mine["text"]
    actions = next(block for block in mine["blocks"] if block["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "coe_item_done",
        "coe_item_snooze",
        "coe_item_drop",
    ]

    bobs = listing(bot, fake_slack, "actions <@UBOB|bob>")
    assert buttons(bobs) == ["item-3"] and "<@UBOB>'s open action items (1)" in bobs["text"]

    everyone = listing(bot, fake_slack, "actions all", user="UCAROL")
    assert buttons(everyone) == ["item-2", "item-3", "item-1"]
    assert "Open action items in this workspace (3)" in everyone["text"]

    nothing = listing(bot, fake_slack, "actions", user="UCAROL")
    assert "none" in nothing["text"] and buttons(nothing) == []


def test_a_long_list_stays_within_slacks_block_limit(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack)
    why = Step(3, SITE_ANSWERS[1], SITE_ANSWERS[2])
    seed_items(bot, why, [(f"Item {n}", date(2026, 12, 1 + n % 20)) for n in range(30)])
    answer = listing(bot, fake_slack, "actions all")
    assert len(answer["blocks"]) <= 50
    assert len(buttons(answer)) == 24
    assert "and 6 more" in answer["blocks"][-1]["elements"][0]["text"]
    assert "Open action items in this workspace (30)" in answer["text"]


@pytest.fixture
def pg_bot(fake_slack: FakeSlack, postgres_url: str, clock: Clock) -> Iterator[Bot]:
    yield from run_bot(fake_slack, postgres_url, clock)


@pytest.mark.postgres
def test_capture_change_and_list_on_postgres(pg_bot: Bot, fake_slack: FakeSlack) -> None:
    item_id = with_item(pg_bot, fake_slack)
    action(pg_bot, fake_slack, "action: Another <@UCAROL> due friday")
    click(pg_bot, fake_slack, "coe_item_snooze", str(item_id), user="UCAROL")
    click(pg_bot, fake_slack, "coe_item_done", str(item_id), user="UALICE")
    assert [c.change for c in history(pg_bot, item_id)] == ["created", "snoozed", "done"]
    assert buttons(listing(pg_bot, fake_slack, "actions <@UCAROL>")) == ["item-2"]
    # Carol was looked up once; Alice, who asked for Carol's items, once: is she a guest?
    assert [call["user"] for call in fake_slack.calls_to("users.info")] == ["UCAROL", "UALICE"]


def test_an_answer_later_than_half_an_hour_comes_as_a_direct_message(
    bot_without_worker: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    # Slack takes answers through a command's response_url for 30 minutes only.
    bot = bot_without_worker
    bot.slack.command("actions", user="UBOB")
    clock.advance(minutes=31)
    fake_slack.expire_response_urls()
    bot.start_worker()
    [dm] = fake_slack.wait_for(lambda: fake_slack.posted(channel="UBOB"))
    assert "Your open action items: none" in dm["text"]
    assert responses(fake_slack) == []  # not even tried


def test_an_answer_slack_refuses_through_the_response_url_comes_as_a_direct_message(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    item_id = with_item(bot, fake_slack)
    fake_slack.expire_response_urls()
    bot.slack.action("coe_item_done", str(item_id), user="UCAROL")
    [dm] = fake_slack.wait_for(lambda: fake_slack.posted(channel="UCAROL"))
    assert "marked the action item “Add an alarm” done" in dm["text"]
    assert len(responses(fake_slack)) == 1  # tried first, and refused
