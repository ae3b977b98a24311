"""A chain's "Similar causes" and its document name only COEs everyone reading its channel may
read: its own channel's, and public channels' unless the channel is shared with another
organisation. The operator's `coe-bot export` names them all. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.use_cases import documents
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import FakeSlack
from tests.scenario import new_ts, prompts, why

DISK = "Nobody is paged when the disk fills up."
DISK_AGAIN = "There is no alert when the disk is full."


@pytest.fixture
def bot(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Bot]:
    fake_slack.add_channel("CSECRET", private=True, members=("UALICE",))
    fake_slack.add_channel("CPARTNER", ext_shared=True, members=("UALICE",))
    yield from run_bot(fake_slack, each_database_url, clock)


def review(bot: Bot, fake: FakeSlack, channel: str, problem: str, cause: str) -> str:
    """Run a review in `channel` to its chain of causes; returns the summary's text."""
    return run_review(bot, fake, channel, problem, cause)[1]


def run_review(
    bot: Bot, fake: FakeSlack, channel: str, problem: str, cause: str
) -> tuple[str, str]:
    """Run a review in `channel` to its chain of causes; returns its thread and summary."""
    bot.slack.command(f"start {problem}", channel=channel)
    asked = why(1, problem, problem=True)
    first = fake.wait_for(lambda: [c for c in fake.posted(channel) if c["text"] == asked])[0]
    thread = str(first["thread_ts"])
    for text in (cause, "done", "done"):
        count = len(prompts(fake, thread))
        bot.slack.reply(text, thread_ts=thread, channel=channel, ts=new_ts())
        fake.wait_for(lambda count=count: len(prompts(fake, thread)) > count)
        if "chain of whys" in prompts(fake, thread)[-1]:
            break
    return thread, json.dumps(fake.posted(channel, thread_ts=thread)[-1]["blocks"])


def test_a_public_thread_names_no_coe_of_a_private_channel(bot: Bot, fake_slack: FakeSlack) -> None:
    review(bot, fake_slack, "CSECRET", "Disk full on payroll-db", DISK)
    thread, summary = run_review(bot, fake_slack, "CINC", "Disk full on db-2", DISK_AGAIN)

    assert "Similar causes" not in summary and "COE-1" not in summary and DISK not in summary
    bot.slack.reply("export", thread_ts=thread, ts=new_ts())
    (document,) = fake_slack.wait_for(lambda: fake_slack.calls_to("file_upload"))
    assert "COE-2" in document["content"]
    assert "COE-1" not in document["content"] and DISK not in document["content"]
    # The operator's command line names every channel's.
    assert "COE-1" in (documents.export(bot.rt, 2) or "")


def test_a_public_channels_coe_is_named_in_another_public_channel(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    review(bot, fake_slack, "CINC", "Disk full on db-1", DISK)
    summary = review(bot, fake_slack, "CDB", "Disk full on db-2", DISK_AGAIN)
    assert "Similar causes in" in summary and "COE-1" in summary


def test_a_channel_shared_with_another_organisation_names_only_its_own_coes(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    review(bot, fake_slack, "CINC", "Disk full on db-1", DISK)
    review(bot, fake_slack, "CPARTNER", "Disk full on the partner's db", DISK_AGAIN)
    summary = review(bot, fake_slack, "CPARTNER", "Disk full on the partner's db again", DISK)
    assert "COE-2" in summary and "COE-1" not in summary


def test_a_channel_that_becomes_shared_stops_naming_other_channels_coes(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    review(bot, fake_slack, "CINC", "Disk full on db-1", DISK)
    fake_slack.add_channel("CDB", ext_shared=True)
    shared = {"type": "channel_shared", "connected_team_id": "E163Q94DX", "channel": "CDB"}
    bot.slack.event({**shared, "event_ts": "1561064063.001100"})
    summary = review(bot, fake_slack, "CDB", "Disk full on db-2", DISK_AGAIN)
    assert "Similar causes" not in summary and "COE-1" not in summary
