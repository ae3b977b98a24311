"""`/coe`: every misuse gets an ephemeral answer saying what to do; never silence."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from storage import coes
from tests.conftest import Bot
from tests.fake_slack import FakeSlack
from tests.scenario import ack_body, responses, why


def stored_problems(bot: Bot) -> list[str]:
    with Session(bot.rt.engine) as session:
        return [coe.problem for coe in coes.list_coes(session=session)]


def settle(bot: Bot, fake_slack: FakeSlack) -> None:
    """Start a review elsewhere and wait for it, so work queued before it has had its turn."""
    bot.slack.command("start probe", channel="CPROBE", channel_name="probe")
    fake_slack.wait_for(lambda: fake_slack.posted(channel="CPROBE"))


def posted_outside_probe(fake_slack: FakeSlack) -> list[Any]:
    return [call for call in fake_slack.posted() if call.get("channel") != "CPROBE"]


def test_start_opens_a_review_with_its_parent_message_and_first_why(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    status, body = bot.slack.command("start Checkout was down for 40 minutes")
    assert status == 200 and body == ""
    parent, first = fake_slack.wait_for_calls("chat.postMessage", 2)
    assert parent["channel"] == "CINC" and "thread_ts" not in parent.params
    header = parent["blocks"][0]
    assert header["type"] == "header" and header["text"]["text"] == (
        "Checkout was down for 40 minutes"
    )
    rendered = json.dumps(parent["blocks"])
    assert "<@UALICE>" in rendered and "asking why #1" in rendered and "COE-1" in rendered
    assert first["thread_ts"] == "1700000000.000001"
    assert first["text"] == why(1, "Checkout was down for 40 minutes", problem=True)
    # The prompt says how to make an aside and offers the way out.
    prompt = json.dumps(first["blocks"])
    assert "`//`" in prompt and "coe_end_chain" in prompt
    assert stored_problems(bot) == ["Checkout was down for 40 minutes"]


def test_the_short_id_counts_up_per_review(bot: Bot, fake_slack: FakeSlack) -> None:
    bot.slack.command("start First outage")
    fake_slack.wait_for_calls("chat.postMessage", 2)
    bot.slack.command("start Second outage", channel="COTHER", channel_name="other")
    parents = fake_slack.wait_for(lambda: fake_slack.posted(channel="COTHER"))
    assert "COE-2" in parents[0]["text"]


def test_start_without_a_problem_answers_with_usage_and_posts_nothing(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    status, body = bot.slack.command("start")
    assert status == 200
    answer = ack_body(body)
    assert "/coe start <what went wrong>" in answer["text"]
    assert "needs the problem statement" in answer["text"]
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    settle(bot, fake_slack)
    assert posted_outside_probe(fake_slack) == []
    assert stored_problems(bot) == ["probe"]


def test_an_unknown_verb_names_it_and_shows_usage(bot: Bot, fake_slack: FakeSlack) -> None:
    status, body = bot.slack.command("begin The site went down")
    assert status == 200
    answer = ack_body(body)
    assert "/coe begin" in answer["text"] and "/coe start <what went wrong>" in answer["text"]
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    settle(bot, fake_slack)
    assert posted_outside_probe(fake_slack) == []
    assert stored_problems(bot) == ["probe"]


def test_help_and_a_bare_coe_show_usage(bot: Bot, fake_slack: FakeSlack) -> None:
    for text in ("help", ""):
        status, body = bot.slack.command(text)
        assert status == 200
        answer = ack_body(body)
        assert answer.get("response_type", "ephemeral") == "ephemeral"
        for verb in ("/coe start", "/coe actions", "/coe help"):
            assert verb in answer["text"]
    settle(bot, fake_slack)
    assert posted_outside_probe(fake_slack) == []


def test_start_in_a_direct_message_says_to_run_it_in_the_channel(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    status, body = bot.slack.command(
        "start The site went down", channel="D0DIRECT", channel_name="directmessage"
    )
    assert status == 200
    answer = ack_body(body)
    assert "channel" in answer["text"] and "/coe start" in answer["text"]
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    settle(bot, fake_slack)
    assert posted_outside_probe(fake_slack) == []
    assert stored_problems(bot) == ["probe"]


def test_start_in_a_channel_without_the_bot_says_to_invite_it(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    fake_slack.channels_without_bot.add("CNOPE")
    status, _ = bot.slack.command("start The site went down", channel="CNOPE")
    assert status == 200
    (response,) = fake_slack.wait_for(lambda: responses(fake_slack))
    assert "/invite" in response["text"] and "/coe start" in response["text"]
    assert response["response_type"] == "ephemeral"
    assert stored_problems(bot) == []
    # Once invited, the same command works.
    fake_slack.channels_without_bot.clear()
    bot.slack.command("start The site went down", channel="CNOPE")
    fake_slack.wait_for(lambda: len(fake_slack.posted(thread_ts="1700000000.000001")) == 1)
    assert stored_problems(bot) == ["The site went down"]


def test_a_slack_error_on_start_is_explained_and_leaves_nothing_behind(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("chat.postMessage", "fatal_error")
    status, _ = bot.slack.command("start The site went down")
    assert status == 200
    (response,) = fake_slack.wait_for(lambda: responses(fake_slack))
    assert "fatal_error" in response["text"] and "try again" in response["text"]
    assert response["response_type"] == "ephemeral"
    assert "Traceback" not in response["text"]
    assert stored_problems(bot) == []


def test_mentions_in_the_problem_are_kept_but_quoted_without_a_ping(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    bot.slack.command("start Deploy by <@UBOB|bob> broke <#C42|payments>")
    parent, first = fake_slack.wait_for_calls("chat.postMessage", 2)
    # A channel link pings no one, so it stays a link; the mention becomes a name.
    assert "Deploy by @Bob broke <#C42|payments>" in parent["text"]
    assert parent["blocks"][0]["text"]["text"] == "Deploy by @Bob broke #payments"
    assert first["text"] == why(1, "Deploy by @Bob broke <#C42|payments>", problem=True)
    assert stored_problems(bot) == ["Deploy by <@UBOB|bob> broke <#C42|payments>"]
