"""The seed's own review, driven the way Slack drives the bot."""

from __future__ import annotations

import json

from sqlmodel import Session

from storage import coes
from tests.conftest import Bot
from tests.fake_slack import FakeSlack
from tests.scenario import SEED_ANSWERS, prompts


def test_the_seed_session_from_start_to_recorded_chain(bot: Bot, fake_slack: FakeSlack) -> None:
    status, _ = bot.slack.command("start The site went down")
    assert status == 200
    parent, first = fake_slack.wait_for_calls("chat.postMessage", 2)
    assert parent["channel"] == "CINC" and "thread_ts" not in parent.params
    assert "The site went down" in json.dumps(parent["blocks"])
    assert "COE-1" in parent["text"] and "<@UALICE>" in parent["text"]
    assert "asking why #1" in parent["text"]
    thread_ts = "1700000000.000001"
    assert first["thread_ts"] == thread_ts
    # The seed's questions: each answer asked about in its own words, where its shape allows.
    assert first["text"] == "Why #1: Why did the site go down?"
    questions = [
        "Why #2: Why were all the servers turned off?",
        "Why #3: Why was a script run which shut them off?",
        "Why #4: Why are there no permission differences between turning off 1 server vs many?",
        "Why #5: Why were there no alarms on the number of servers shutting down in a time period?",
        # Two clauses: asked about as a whole, quoted under a short question.
        f"Why #6: What made that possible? “{SEED_ANSWERS[4]}”",
    ]
    for number, answer in enumerate(SEED_ANSWERS, start=1):
        bot.slack.reply(answer, thread_ts=thread_ts, user="UBOB" if number % 2 else "UCAROL")
        fake_slack.wait_for(lambda n=number: len(prompts(fake_slack, thread_ts)) == n + 1)
        assert prompts(fake_slack, thread_ts)[-1] == questions[number - 1]
    quoted = fake_slack.posted(thread_ts=thread_ts)[-1]["blocks"][0]["text"]["text"]
    assert quoted == f"*Why #6: What made that possible?*\n>{SEED_ANSWERS[4]}"

    bot.slack.reply("We're out of ideas! :thinking_face:", thread_ts=thread_ts)
    summary = fake_slack.wait_for(
        lambda: [t for t in prompts(fake_slack, thread_ts) if "chain of whys" in t]
    )[0]
    tree, _, unaddressed = summary.partition("Root causes with no action item yet:")
    # One number per why; each answer one level under the one it explains.
    for depth, answer in enumerate(SEED_ANSWERS):
        line = f"\n{'    ' * depth}#{depth + 1} {answer}"
        assert line in tree and tree.count(answer) == 1
    # The one root cause, with no action item yet: named, with a button to add one for it.
    assert unaddressed.strip() == f"• #5 {SEED_ANSWERS[4]}"
    buttons = fake_slack.posted(thread_ts=thread_ts)[-1]["blocks"][-1]["elements"]
    assert buttons[0]["text"]["text"] == "Action item for #5" and buttons[0]["value"] == "1:5"
    assert "<@UBOB>" in summary and "<@UCAROL>" in summary
    assert "action" in summary.lower()
    update = fake_slack.wait_for(
        lambda: [c for c in fake_slack.calls_to("chat.update") if "chain complete" in c["text"]]
    )[-1]
    assert update["ts"] == thread_ts

    with Session(bot.rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=1)
        assert coe is not None and coe.status == "chain_done"
        chain = coes.load_chain(session=session, coe=coe)
    assert [step.answer for step in chain.steps] == SEED_ANSWERS
