"""Action items' status buttons: Done, Snooze and Drop, and who may click them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from tests.action_items_setup import filled_modal, with_item
from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.scenario import (
    click,
    history,
    items,
    note_count,
    responses,
    start_review,
    wait_for_note,
)


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
