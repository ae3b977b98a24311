"""Steps the action item tests share: a COE with one item, and a button that opens a modal."""

from __future__ import annotations

import json

from tests.conftest import Bot
from tests.fake_slack import Call, FakeSlack
from tests.scenario import (
    action,
    items,
    start_review,
)


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


def with_item(bot: Bot, fake: FakeSlack) -> int:
    """COE-1 (facilitator UALICE) with one item owned by UCAROL, due Fri 4 Dec 2026."""
    start_review(bot, fake)
    action(bot, fake, "action: Add an alarm <@UCAROL> due 2026-12-04")
    [item] = items(bot)
    assert item.id is not None
    return item.id
