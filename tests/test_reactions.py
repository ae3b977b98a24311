"""The mark on a recorded answer: the calls on one message reach Slack in the order they were
made, so a mark added late never comes back after `undo` took it off. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.slack.messages import RECORDED_REACTION
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import FakeSlack
from tests.scenario import THREAD, new_ts, outbox_rows, prompts, start


@pytest.fixture
def bot(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Bot]:
    yield from run_bot(fake_slack, each_database_url, clock)


def marks_sent(bot: Bot) -> bool:
    marks = [row for row in outbox_rows(bot.rt) if row.method.startswith("reactions.")]
    return len(marks) == 2 and all(row.status == "sent" for row in marks)


def test_a_mark_slack_adds_late_does_not_outlast_the_undo_that_took_it_off(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    slow = fake_slack.hold("CINC", method="reactions.add")
    answered = new_ts()
    bot.slack.reply("The pool ran out.", thread_ts=THREAD, user="UBOB", ts=answered)
    fake_slack.wait_for_calls("reactions.add", 1)  # on its way, and held up
    asked = len(prompts(fake_slack))
    bot.slack.reply("undo", thread_ts=THREAD, user="UBOB", ts=new_ts())
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) > asked)  # the why, asked again

    slow.set()
    fake_slack.wait_for(lambda: marks_sent(bot))
    assert ("CINC", answered, RECORDED_REACTION) not in fake_slack.reactions
    assert [call.method for call in fake_slack.calls if call.method.startswith("reactions.")] == [
        "reactions.add",
        "reactions.remove",
    ]
