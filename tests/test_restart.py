"""The bot as a real process: killed mid-chain it carries on; bad settings stop it with one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.slack import thread_events
from storage import coes
from storage.models import InboxEvent
from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.processes import BotProcess, clean_env, coe_bot
from tests.scenario import ANSWERS, PROBLEM, THREAD, prompts, why


@pytest.fixture
def processes(fake_slack: FakeSlack, database_url: str, tmp_path: Path) -> Iterator[Any]:
    started: list[BotProcess] = []

    def start() -> BotProcess:
        process = BotProcess(fake_slack, database_url, tmp_path / f"bot-{len(started)}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def test_a_review_carries_on_after_the_process_is_killed(
    processes: Any, fake_slack: FakeSlack, database_url: str
) -> None:
    first = processes()
    first.slack.command(f"start {PROBLEM}")
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 1)
    for number, text in enumerate(ANSWERS[:2], start=1):
        first.slack.reply(text, thread_ts=THREAD, user="UBOB")
        fake_slack.wait_for(lambda n=number: len(prompts(fake_slack)) == n + 1)
    assert prompts(fake_slack)[-1] == why(3, ANSWERS[1])

    first.kill_9()
    second = processes()
    second.slack.reply(ANSWERS[2], thread_ts=THREAD, user="UCAROL")
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 4)
    assert prompts(fake_slack)[-1] == why(4, ANSWERS[2])

    listed = coe_bot("list", env=clean_env(DATABASE_URL=database_url))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == f"COE-1\tasking why #4\tCINC\t{PROBLEM}\n"


def test_list_prints_one_review_per_line(
    bot: Bot, fake_slack: FakeSlack, database_url: str
) -> None:
    bot.slack.command(f"start {PROBLEM}")
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 1)
    bot.slack.reply(ANSWERS[0], thread_ts=THREAD)
    bot.slack.reply("done", thread_ts=THREAD)  # other angles are offered...
    bot.slack.reply("done", thread_ts=THREAD)  # ...and declined
    fake_slack.wait_for(lambda: any("chain of whys" in text for text in prompts(fake_slack)))
    bot.slack.command("start Search was\tslow\nfor an hour", channel="COTHER")
    fake_slack.wait_for(lambda: len(fake_slack.posted(channel="COTHER")) == 2)

    listed = coe_bot("list", env=clean_env(DATABASE_URL=database_url))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        f"COE-1\tchain complete\tCINC\t{PROBLEM}",
        "COE-2\tasking why #1\tCOTHER\tSearch was slow for an hour",
    ]


def test_list_of_an_empty_database_prints_nothing(tmp_path: Path) -> None:
    listed = coe_bot("list", env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}"))
    assert (listed.returncode, listed.stdout, listed.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        ({"SLACK_SIGNING_SECRET": "secret"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "x"}, "PORT"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": "nope"},
            "DATABASE_URL",
        ),
        (
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "s",
                "DATABASE_URL": "sqlite:////no/such/directory/coe.db",
            },
            "DATABASE_URL",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "LOG_LEVEL": "chatty"},
            "LOG_LEVEL",
        ),
        (
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "s",
                "COE_DIGEST_CRON": "0 9 31 2 *",
            },
            "COE_DIGEST_CRON",
        ),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(
    settings: dict[str, str], variable: str, tmp_path: Path
) -> None:
    env = clean_env(**{"DATABASE_URL": f"sqlite:///{tmp_path / 'coe.db'}", **settings})
    result = coe_bot("serve", env=env)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("coe-bot: ") and variable in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_reply_kept_by_a_process_that_died_before_handling_it_is_handled_by_the_next(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    bot.slack.command(f"start {PROBLEM}")
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 1)
    # What a process does before it acks a reply; it dies before processing it.
    dead = bot.new_runtime()
    body = {
        "type": "event_callback",
        "event_id": "EvORPHAN",
        "event": {
            "type": "message",
            "channel": "CINC",
            "user": "UBOB",
            "text": ANSWERS[0],
            "ts": "1800000002.000001",
            "thread_ts": THREAD,
        },
    }
    assert thread_events.keep_message(dead, body)
    dead.engine.dispose()  # it dies without waking any worker

    # The running worker finds it on its next poll of the database.
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 2)
    assert prompts(fake_slack)[-1] == why(2, ANSWERS[0])
    # Slack redelivers the event it never saw acknowledged: it is not answered twice.
    bot.slack.reply(ANSWERS[0], thread_ts=THREAD, ts="1800000002.000001", event_id="EvORPHAN")
    bot.slack.reply(ANSWERS[1], thread_ts=THREAD)
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 3)
    assert prompts(fake_slack)[-1] == why(3, ANSWERS[1])
    with Session(bot.rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=1)
        assert coe is not None
        chain = coes.load_chain(session=session, coe=coe)
        events = session.exec(select(InboxEvent).where(InboxEvent.kind == "message")).all()
    assert [step.answer for step in chain.answered] == ANSWERS[:2]
    assert all(event.processed_at is not None for event in events)
    assert events[0].event_id == "EvORPHAN"
