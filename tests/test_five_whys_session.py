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
    assert first["text"] == 'Why #1: why did "The site went down" happen?'

    for number, answer in enumerate(SEED_ANSWERS, start=1):
        bot.slack.reply(answer, thread_ts=thread_ts, user="UBOB" if number % 2 else "UCAROL")
        fake_slack.wait_for(lambda n=number: len(prompts(fake_slack, thread_ts)) == n + 1)
        assert (
            prompts(fake_slack, thread_ts)[-1] == f'Why #{number + 1}: why did "{answer}" happen?'
        )

    bot.slack.reply("We're out of ideas! :thinking_face:", thread_ts=thread_ts)
    summary = fake_slack.wait_for(
        lambda: [t for t in prompts(fake_slack, thread_ts) if "chain of whys" in t]
    )[0]
    labels = ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.1.1"]
    for label, answer in zip(labels, SEED_ANSWERS, strict=True):
        assert f"{label} {answer}" in summary and summary.count(answer) == 1
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
