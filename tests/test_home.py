"""The App Home: published when opened, refreshed when one's items change, within Slack's limits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from bot.use_cases import home
from storage.models import OutboxMessage
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import Call, FakeSlack
from tests.follow_up import add_coe, add_item, make_runtime
from tests.scenario import action, click, outbox_rows, start_review

WED = date(2026, 11, 25)


def open_home(bot: Bot, user: str = "UALICE", tab: str = "home") -> None:
    bot.slack.event(
        {
            "type": "app_home_opened",
            "user": user,
            "channel": "D0HOME",
            "tab": tab,
            "event_ts": "1700000100.000100",
        }
    )


def publishes(fake: FakeSlack, user: str) -> list[Call]:
    return [call for call in fake.calls_to("views.publish") if call["user_id"] == user]


def next_home(fake: FakeSlack, user: str, seen: int) -> dict[str, Any]:
    """The view of the first publish for `user` after the first `seen` ones."""
    return fake.wait_for(lambda: publishes(fake, user)[seen:])[0]["view"]


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def headers(view: dict[str, Any]) -> list[str]:
    return [block["text"]["text"] for block in view["blocks"] if block["type"] == "header"]


def item_buttons(view: dict[str, Any]) -> list[str]:
    return [block["block_id"] for block in view["blocks"] if block["type"] == "actions"]


def test_opening_the_home_shows_my_items_my_coes_and_my_channels_coes(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    fake_slack.add_channel("CINC", members=("UALICE", "UBOB"))
    fake_slack.add_channel("CSECRET", private=True, members=("UBOB",))
    fake_slack.add_channel("CPAY", members=("UALICE", "UCAROL"))
    mine = add_coe(bot.rt, "CINC", "The site went down")
    secret = add_coe(bot.rt, "CSECRET", "Payroll leaked", facilitator="UBOB")
    payments = add_coe(bot.rt, "CPAY", "Payments failed", facilitator="UCAROL")
    later = add_item(bot.rt, mine, "UALICE", WED + timedelta(days=9), "Write the runbook")
    overdue = add_item(bot.rt, payments, "UALICE", WED - timedelta(days=2), "Add an alarm")
    add_item(bot.rt, secret, "UBOB", WED, "Rotate the keys")

    open_home(bot)
    view = next_home(fake_slack, "UALICE", 0)

    assert view["type"] == "home"
    assert headers(view) == [
        "Your open action items (2)",
        "COEs you facilitate (1)",
        "Recent COEs in your channels (2)",
    ]
    # Overdue first, each with Done / Snooze / Drop.
    assert item_buttons(view) == [f"item-{overdue}", f"item-{later}"]
    text = text_of(view)
    assert "*2 days overdue*" in text and "Write the runbook" in text
    assert "Rotate the keys" not in text
    facilitated, recent = text.split("COEs you facilitate")[1].split("Recent COEs")
    assert re.findall(r"COE-\d+", facilitated) == [f"COE-{mine}"]
    assert re.findall(r"COE-\d+", recent) == [f"COE-{payments}", f"COE-{mine}"]
    assert "Payroll" not in text

    open_home(bot, user="UBOB")
    bobs = text_of(next_home(fake_slack, "UBOB", 0))
    assert "Payroll leaked" in bobs and "Rotate the keys" in bobs


def test_a_home_with_nothing_in_it_says_so(bot: Bot, fake_slack: FakeSlack) -> None:
    open_home(bot, user="UCAROL")
    text = text_of(next_home(fake_slack, "UCAROL", 0))
    assert "Nothing open" in text and "/coe start" in text and "None yet" in text


def test_a_home_slack_will_not_list_channels_for_waits_instead_of_showing_none(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    fake_slack.add_channel("CPAY", members=("UALICE", "UCAROL"))
    add_coe(bot.rt, "CPAY", "Payments failed", facilitator="UCAROL")
    fake_slack.fail_next("users.conversations", "internal_error")
    open_home(bot)
    fake_slack.wait_for(
        lambda: any(row.method == "views.publish" and row.last_error for row in outbox_rows(bot.rt))
    )
    assert publishes(fake_slack, "UALICE") == []
    clock.advance(seconds=5)  # past the retry's delay
    assert "Payments failed" in text_of(next_home(fake_slack, "UALICE", 0))


def test_opening_the_messages_tab_publishes_nothing(bot: Bot, fake_slack: FakeSlack) -> None:
    open_home(bot, user="UBOB", tab="messages")
    open_home(bot, user="UALICE")
    next_home(fake_slack, "UALICE", 0)
    assert publishes(fake_slack, "UBOB") == []


def test_adding_and_closing_an_item_refreshes_its_owners_home(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    action(bot, fake_slack, "action: Add an alarm <@UCAROL> due 2026-12-04")
    added = next_home(fake_slack, "UCAROL", 0)
    assert item_buttons(added) == ["item-1"] and "Add an alarm" in text_of(added)

    # The facilitator marks it done: it is the owner's Home that changes.
    seen = len(publishes(fake_slack, "UCAROL"))
    click(bot, fake_slack, "coe_item_done", "1", user="UALICE")
    done = next_home(fake_slack, "UCAROL", seen)
    assert item_buttons(done) == [] and "Nothing open" in text_of(done)
    assert publishes(fake_slack, "UALICE") == []


def test_a_click_in_the_home_refreshes_it_instead_of_answering_in_a_channel(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    action(bot, fake_slack, "action: Add an alarm <@UCAROL> due 2026-12-04")
    next_home(fake_slack, "UCAROL", 0)
    seen = len(publishes(fake_slack, "UCAROL"))
    in_home = {
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home"},
        "response_url": None,
    }

    bot.slack.action("coe_item_snooze", "1", user="UCAROL", **in_home)

    snoozed = text_of(next_home(fake_slack, "UCAROL", seen))
    assert "snoozed until Wed 2 Dec 2026" in snoozed
    assert fake_slack.calls_to("response_url") == []


def test_changes_in_a_row_publish_the_home_once(
    fake_slack: FakeSlack, database_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, database_url, clock)
    for _ in range(3):
        home.refresh(rt, "UALICE")
    home.refresh(rt, "UBOB")
    queued = [json.loads(row.payload) for row in outbox_rows(rt) if row.status == "pending"]
    assert queued == [{"user_id": "UALICE"}, {"user_id": "UBOB"}]
    rt.engine.dispose()


def test_a_full_home_stays_within_slacks_100_blocks(bot: Bot, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("CINC", members=("UALICE",))
    for number in range(15):
        coe = add_coe(bot.rt, "CINC", f"Outage {number} " + "z" * 300)
        add_item(bot.rt, coe, "UALICE", WED + timedelta(days=number), "Fix it " + "w" * 600)
        add_item(bot.rt, coe, "UALICE", WED + timedelta(days=number + 1), "And this")
        add_item(bot.rt, coe, "UALICE", WED + timedelta(days=number + 2), "And that")

    open_home(bot)
    view = next_home(fake_slack, "UALICE", 0)

    assert len(view["blocks"]) <= 100
    assert len(item_buttons(view)) == 30
    text = text_of(view)
    assert "…and 15 more: `/coe actions` lists them all." in text
    assert "…and 5 more: `/coe list all` lists them." in text
    # Slack took it: the outbox marks it sent once Slack's answer is in.
    fake_slack.wait_for(lambda: home_status(bot) == "sent")


def home_status(bot: Bot) -> str | None:
    with Session(bot.rt.engine) as session:
        sent = session.get(OutboxMessage, 1)
        return sent.status if sent else None


@pytest.fixture
def pg_bot(fake_slack: FakeSlack, postgres_url: str, clock: Clock) -> Iterator[Bot]:
    yield from run_bot(fake_slack, postgres_url, clock)


@pytest.mark.postgres
def test_the_home_on_postgres(pg_bot: Bot, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("CINC", members=("UALICE",))
    coe = add_coe(pg_bot.rt, "CINC", "The site went down")
    add_item(pg_bot.rt, coe, "UALICE", WED, "Add an alarm")
    open_home(pg_bot)
    view = next_home(fake_slack, "UALICE", 0)
    assert item_buttons(view) == ["item-1"] and "The site went down" in text_of(view)
