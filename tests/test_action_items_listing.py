"""`/coe actions`: the list of open items, and answers that come late or are refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bot.core.facilitation import Step
from tests.action_items_setup import with_item
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import Call, FakeSlack
from tests.scenario import (
    SITE_ANSWERS,
    action,
    click,
    history,
    listing,
    responses,
    seed_items,
    start_review,
)


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
