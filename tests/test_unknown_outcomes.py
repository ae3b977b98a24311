"""When Slack did a call but its answer never reached the bot, nothing is done a second time:
not by the Slack client on its own, and not by the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.runtime.context import Runtime
from bot.use_cases import nudges
from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.scenario import add_coe, add_item, click, make_runtime, outbox_rows, start_review


@pytest.fixture
def rt(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, each_database_url, clock)
    yield runtime
    runtime.engine.dispose()


def test_a_nudge_slack_took_but_never_answered_is_not_posted_again(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    add_item(rt, add_coe(rt), "UALICE", date(2026, 11, 20), "Add an alarm")
    fake_slack.lose_answer("chat.postMessage", channel="UALICE")

    (sent,) = nudges.nudge_sweep(rt)

    assert len(fake_slack.posted("UALICE")) == 1 and fake_slack.unanswered == 1
    assert sent.status == "unknown"
    assert [row.status for row in outbox_rows(rt)] == ["unknown"]


def test_a_form_slack_opened_but_never_confirmed_is_not_opened_again(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    fake_slack.lose_answer("views.open")

    answer = click(bot, fake_slack, "coe_add_action_item", "1", user="UBOB")

    # One modal, opened before the ack: a second try could only miss the trigger's 3 seconds.
    assert len(fake_slack.calls_to("views.open")) == 1
    assert "click again" in answer["text"]
