"""What a listener stores goes to the worker at once, not when the worker next polls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage import inbox
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import FakeSlack
from tests.scenario import start


@pytest.fixture
def idle_bot(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Bot]:
    yield from run_bot(fake_slack, each_database_url, clock, worker=False)


def handed(bot: Bot) -> list[inbox.Pending]:
    """Record what the listeners hand the worker from now on."""
    seen: list[inbox.Pending] = []
    bot.wakeups.to = lambda *stored: seen.extend(stored)
    return seen


def test_a_command_is_handed_to_the_worker_with_what_was_stored(idle_bot: Bot) -> None:
    seen = handed(idle_bot)
    status, _ = idle_bot.slack.command("actions", trigger_id="trigger-handed")
    assert status == 200
    assert [(each.key, each.kind) for each in seen] == [("command:trigger-handed", "command")]
    assert seen[0].fresh is not None
    assert seen[0].fresh.request(seen[0].key, seen[0].kind).body["text"] == "actions"


def test_a_command_slack_sends_again_is_not_handed_over_twice(idle_bot: Bot) -> None:
    seen = handed(idle_bot)
    for _ in range(2):
        idle_bot.slack.command("actions", trigger_id="trigger-twice")
    assert [each.key for each in seen] == ["command:trigger-twice"]


def test_a_thread_reply_is_handed_to_the_worker_with_what_was_stored(
    idle_bot: Bot, fake_slack: FakeSlack
) -> None:
    idle_bot.start_worker()
    thread = start(idle_bot, fake_slack)
    idle_bot.stop_worker()
    seen = handed(idle_bot)
    idle_bot.slack.reply("The pool ran out of connections.", thread_ts=thread, event_id="EvHand")
    assert [(each.key, each.kind) for each in seen] == [("EvHand", "message")]
    assert seen[0].fresh is not None
    body = seen[0].fresh.request(seen[0].key, seen[0].kind).body
    # Stored as the bot read it, so the worker reads it no more than once.
    assert body["message"]["text"] == "The pool ran out of connections."
