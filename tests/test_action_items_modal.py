"""Action items through the modal: the Add button, the form and its errors."""

from __future__ import annotations

import json
from datetime import date

from tests.action_items_setup import filled_modal
from tests.conftest import Bot
from tests.fake_slack import FakeSlack
from tests.scenario import (
    SITE_ANSWERS,
    confirmations,
    form_values,
    items,
    start_review,
)


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
