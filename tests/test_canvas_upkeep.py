"""The canvas after it is made: a change while Slack makes it is not lost, a canvas Slack no
longer lets the bot edit is said once, and the Home tab and the digest link to it."""

from __future__ import annotations

import json

from bot.runtime import jobs
from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.scenario import THREAD, action, new_ts, outbox_rows
from tests.test_canvas import close_chain, edits, the_canvas, thread_notes
from tests.test_home import next_home, open_home, publishes, text_of


def canvas_link(fake: FakeSlack) -> str:
    return f"https://acme.slack.com/docs/T0001/{next(iter(fake.canvases))}"


def test_a_change_while_the_canvas_is_being_made_edits_it_once_made(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    release = fake_slack.hold("CINC", method="canvases.create")
    close_chain(bot, fake_slack)
    fake_slack.wait_for(lambda: fake_slack.calls_to("canvases.create"))
    # The canvas is being written from the COE without the item.
    action(bot, fake_slack, "action: cap the pool size <@UBOB> due 2026-12-31")
    assert not any(row.method == "canvases.edit" for row in outbox_rows(bot.rt))
    release.set()
    assert "## Action items\n\nNone recorded." in str(the_canvas(fake_slack)["markdown"])
    fake_slack.wait_for(lambda: any(r.method == "canvases.edit" for r in outbox_rows(bot.rt)))
    assert "- [ ] 1. cap the pool size" in edits(fake_slack, 1, clock)


def test_a_canvas_slack_will_not_edit_any_more_is_said_once_and_left_alone(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    close_chain(bot, fake_slack)
    the_canvas(fake_slack)
    fake_slack.canvases.clear()  # deleted in Slack
    action(bot, fake_slack, "action: cap the pool size <@UBOB> due 2026-12-31")
    clock.advance(seconds=6)
    (note,) = fake_slack.wait_for(lambda: thread_notes(fake_slack, "no longer lets me edit"))
    assert "canvas_not_found" in note and "`export`" in note
    # Changes after that queue no edit, and nothing says it again.
    bot.slack.reply("lesson: check the canvas", thread_ts=THREAD, ts=new_ts())
    bot.slack.reply("export", thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(lambda: fake_slack.calls_to("file_upload"))
    edits_queued = [row for row in outbox_rows(bot.rt) if row.method == "canvases.edit"]
    assert len(edits_queued) == 1
    assert len(thread_notes(fake_slack, "no longer lets me edit")) == 1


def test_the_home_tab_and_the_digest_link_to_the_canvas(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    fake_slack.add_channel("CINC", members=("UALICE", "UBOB"))
    close_chain(bot, fake_slack)
    the_canvas(fake_slack)
    link = canvas_link(fake_slack)
    action(bot, fake_slack, "action: cap the pool size <@UBOB> due 2026-12-31")
    seen = len(publishes(fake_slack, "UALICE"))
    open_home(bot)
    assert f"<{link}|canvas>" in text_of(next_home(fake_slack, "UALICE", seen))
    run = jobs.digest(bot.rt, now_for_all=True)
    (digest,) = [sent for sent in run.sent if sent.channel == "CINC"]
    (posted,) = [
        c for c in fake_slack.posted(channel="CINC") if "weekly digest" in json.dumps(c.params)
    ]
    assert digest.status == "sent" and f"<{link}|canvas>" in json.dumps(posted["blocks"])


def test_closing_the_coe_shows_on_its_canvas(bot: Bot, fake_slack: FakeSlack, clock: Clock) -> None:
    close_chain(bot, fake_slack)
    assert "**Status:** chain complete" in str(the_canvas(fake_slack)["markdown"])
    bot.slack.command("close COE-1", user="UALICE")
    fake_slack.wait_for(lambda: any(r.method == "canvases.edit" for r in outbox_rows(bot.rt)))
    assert "**Status:** closed" in edits(fake_slack, 1, clock)
