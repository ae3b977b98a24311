"""The COE as a canvas in its channel: made when the chain closes, kept current with one edit
per burst of changes, linked from the summary and the lists, and the Markdown file instead
where Slack refuses it, said once."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.scenario import (
    THREAD,
    action,
    answer,
    click,
    listing,
    new_ts,
    outbox_rows,
    prompts,
    start,
)
from tests.test_coe_document_in_slack import finish

TITLE = "COE-1: Checkout was down for 40 minutes"
FALLBACK = "stays a Markdown file"


def close_chain(bot: Bot, fake: FakeSlack) -> None:
    """COE-1 with two whys, impact and a lesson, run to the end of its chain."""
    start(bot, fake)
    answer(bot, fake, "The payment service ran out of database connections.", user="UCAROL")
    answer(bot, fake, "A deploy halved the connection pool.")
    bot.slack.reply("impact: 40 minutes without checkout", thread_ts=THREAD, ts=new_ts())
    bot.slack.reply("lesson: pool sizes need an owner", thread_ts=THREAD, ts=new_ts())
    finish(bot, fake)


def the_canvas(fake: FakeSlack) -> dict[str, object]:
    """The one canvas the bot made, once it is made."""
    fake.wait_for(lambda: fake.canvases)
    (canvas,) = fake.canvases.values()
    return canvas


def edits(fake: FakeSlack, count: int, clock: Clock) -> str:
    """The canvas's Markdown after its `count`th edit, with the clock past the edit's wait."""
    clock.advance(seconds=6)
    fake.wait_for(lambda: the_canvas(fake)["edits"] >= count)
    return str(the_canvas(fake)["markdown"])


def thread_notes(fake: FakeSlack, words: str) -> list[str]:
    return [text for text in prompts(fake) if words in text]


def test_a_closed_chain_makes_one_canvas_in_the_channel_with_every_section(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    close_chain(bot, fake_slack)
    canvas = the_canvas(fake_slack)
    assert canvas["title"] == TITLE and canvas["channel_id"] == "CINC"
    markdown = str(canvas["markdown"])
    sections = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert sections == [
        "## Problem",
        "## Impact",
        "## Timeline",
        "## Whys (2)",
        "## Root causes",
        "## Action items",
        "## Lessons learned",
        "## Related COEs",
        "## Thread",
    ]
    assert "- 40 minutes without checkout" in markdown and "- pool sizes need an owner" in markdown
    # The whys as a tree, with the thread's numbers; people as mentions.
    first = next(line for line in markdown.splitlines() if "**#1**" in line)
    second = next(line for line in markdown.splitlines() if "**#2**" in line)
    assert first.startswith("- ") and second.startswith("  - ")
    assert "![](@UCAROL)" in first and "![](@UALICE)" in markdown
    assert "https://acme.slack.com/archives/CINC/p1700000000000001" in markdown
    # The summary gets the canvas's link, and so does `/coe list`.
    link = f"https://acme.slack.com/docs/T0001/{next(iter(fake_slack.canvases))}"
    (update,) = fake_slack.wait_for(
        lambda: [c for c in fake_slack.calls_to("chat.update") if link in json.dumps(c.params)]
    )
    assert "chain of whys" in update["text"]
    assert f"<{link}|canvas>" in json.dumps(listing(bot, fake_slack, "list")["blocks"])
    assert len(fake_slack.calls_to("canvases.create")) == 1


def test_a_burst_of_changes_makes_one_edit_and_marking_an_item_done_makes_another(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    close_chain(bot, fake_slack)
    the_canvas(fake_slack)
    action(bot, fake_slack, "action: cap the pool size in the deploy <@UBOB> due 2026-12-31")
    lesson = new_ts()
    bot.slack.reply("lesson: deploys change capacity", thread_ts=THREAD, ts=lesson)
    fake_slack.wait_for(lambda: any(ts == lesson for _, ts, _ in fake_slack.reactions))
    # Both changes wait in one edit.
    assert [row.method for row in outbox_rows(bot.rt)].count("canvases.edit") == 1
    markdown = edits(fake_slack, 1, clock)
    assert "- [ ] 1. cap the pool size in the deploy — ![](@UBOB)" in markdown
    assert "due Thu 31 Dec 2026 · open" in markdown and "deploys change capacity" in markdown
    assert len(fake_slack.calls_to("canvases.edit")) == 1

    click(bot, fake_slack, "coe_item_done", "1", user="UBOB")
    markdown = edits(fake_slack, 2, clock)
    assert "- [x] 1. cap the pool size in the deploy" in markdown and "· done" in markdown
    (edit, _) = fake_slack.calls_to("canvases.edit")
    assert edit["changes"][0]["operation"] == "replace"


def test_export_makes_the_canvas_if_there_is_none_and_answers_with_its_link(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, "The pool ran out.")
    bot.slack.command("export COE-1")
    canvas = the_canvas(fake_slack)
    assert canvas["title"] == TITLE
    link = f"https://acme.slack.com/docs/T0001/{next(iter(fake_slack.canvases))}"
    fake_slack.wait_for(lambda: thread_notes(fake_slack, link))
    bot.slack.command("export COE-1")
    answers = fake_slack.wait_for(
        lambda: [c["text"] for c in fake_slack.calls_to("response_url") if link in c["text"]]
    )
    assert answers == [
        f"Uploading COE-1 to its thread as a document. Its canvas, kept up to date: <{link}|COE-1>."
    ]
    assert len(fake_slack.calls_to("canvases.create")) == 1


@pytest.mark.parametrize(
    "refusal",
    [
        "canvas_disabled_user_team",
        "team_tier_cannot_create_channel_canvases",
        "free_team_canvas_tab_already_exists",
        "restricted_action",
        "not_in_channel",
    ],
)
def test_a_refused_canvas_leaves_the_file_as_the_document_said_once(
    bot: Bot, fake_slack: FakeSlack, refusal: str
) -> None:
    fake_slack.fail_next("canvases.create", refusal)
    close_chain(bot, fake_slack)
    (note,) = fake_slack.wait_for(lambda: thread_notes(fake_slack, FALLBACK))
    assert refusal in note
    # The file is shared in its place.
    document = fake_slack.wait_for(lambda: fake_slack.calls_to("file_upload"))[0]["content"]
    assert document.startswith(f"# {TITLE}")
    # Changes and exports after that make no canvas, no edit and no second note.
    action(bot, fake_slack, "action: cap the pool size <@UBOB> due 2026-12-31")
    bot.slack.reply("export", thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(lambda: len(fake_slack.calls_to("file_upload")) == 2)
    canvas_calls = [r.method for r in outbox_rows(bot.rt) if r.method.startswith("canvases.")]
    assert canvas_calls == ["canvases.create"]
    assert len(thread_notes(fake_slack, FALLBACK)) == 1
