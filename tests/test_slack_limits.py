"""Every message fits Slack's limits, the fake Slack refuses what Slack would, and a message Slack
still refuses is reported to the person it was for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.core.facilitation import Step
from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.slack import delivery, stored, thread_posts
from bot.slack.blocks import (
    BLOCK_TEXT_LIMIT,
    MESSAGE_BLOCKS,
    clip,
    section,
    size_of,
    split_messages,
    text_length,
)
from storage import outbox
from storage.models import OutboxMessage
from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.follow_up import add_coe, add_item, make_runtime
from tests.scenario import SITE_ANSWERS, THREAD, action, listing, new_ts, seed_items, start_review
from tests.slack_limits import limit_error

pytest_plugins = ["pytester"]

WED = date(2026, 11, 25)


@pytest.fixture
def rt(fake_slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, database_url, clock)
    yield runtime
    runtime.engine.dispose()


def accepted(fake: FakeSlack) -> None:
    """Slack took every call: the fixture checks this too, this says it where it matters."""
    assert fake.rejected == []


# The fake refuses what Slack refuses -----------------------------------------------------------


def sections(count: int, length: int) -> list[dict[str, Any]]:
    """Sections as they are sent, unclipped."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * length}}] * count


def button_row(label: str) -> dict[str, Any]:
    element = {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": "a"}
    return {"type": "actions", "elements": [element]}


def header_block(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


@pytest.mark.parametrize(
    ("method", "params", "error"),
    [
        ("chat.postMessage", {"text": "x" * 40_000}, None),
        ("chat.postMessage", {"text": "x" * 40_001}, "msg_too_long"),
        ("chat.postMessage", {"blocks": sections(50, 10)}, None),
        ("chat.postMessage", {"blocks": sections(51, 10)}, "invalid_blocks"),
        ("chat.postEphemeral", {"blocks": sections(1, 3001)}, "invalid_blocks"),
        ("chat.postEphemeral", {"blocks": sections(1, 0)}, "invalid_blocks"),
        ("chat.update", {"blocks": sections(4, 3000)}, None),
        ("chat.update", {"blocks": sections(5, 3000)}, "msg_blocks_too_long"),
        ("response_url", {"blocks": sections(5, 3000)}, "msg_blocks_too_long"),
        ("chat.postMessage", {"blocks": [header_block("x" * 150)]}, None),
        ("chat.postMessage", {"blocks": [header_block("x" * 151)]}, "invalid_blocks"),
        ("chat.postMessage", {"blocks": [button_row("x" * 75)]}, None),
        ("chat.postMessage", {"blocks": [button_row("x" * 76)]}, "invalid_blocks"),
        ("chat.postMessage", {"blocks": [{"type": "section"}]}, "invalid_blocks"),
        ("chat.postMessage", {"blocks": [{"type": "poster"}]}, "invalid_blocks"),
        ("views.open", {"view": {"type": "modal", "blocks": sections(100, 10)}}, None),
        ("views.open", {"view": {"type": "modal", "blocks": sections(101, 10)}}, "invalid_blocks"),
    ],
)
def test_the_fake_slack_refuses_what_slack_refuses(
    method: str, params: dict[str, Any], error: str | None
) -> None:
    assert limit_error(method, params) == error


def test_a_rejection_the_test_did_not_expect_fails_it(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("from tests.conftest import fake_slack  # noqa: F401")
    pytester.makepyfile(
        """
        import json
        import urllib.request

        def post(fake, blocks):
            request = urllib.request.Request(
                fake.api_url + "chat.postMessage",
                data=json.dumps({"channel": "C1", "blocks": blocks}).encode(),
                headers={"Content-Type": "application/json"},
            )
            return json.load(urllib.request.urlopen(request))

        TOO_MANY = [{"type": "divider"}] * 51

        def test_unexpected(fake_slack):
            assert post(fake_slack, TOO_MANY)["error"] == "invalid_blocks"

        def test_expected(fake_slack):
            fake_slack.expect_rejections()
            assert post(fake_slack, TOO_MANY)["error"] == "invalid_blocks"

        def test_injected_failures_are_not_rejections(fake_slack):
            fake_slack.fail_next("chat.postMessage", "invalid_blocks")
            assert post(fake_slack, [{"type": "divider"}])["error"] == "invalid_blocks"
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_unexpected*"])


# The budget -----------------------------------------------------------------------------------


def test_split_messages_keeps_groups_whole_and_every_message_within_budget() -> None:
    groups = [[section("x" * 2900), {"type": "divider"}] for _ in range(30)]
    messages = split_messages(groups)
    assert [block for message in messages for block in message] == [b for g in groups for b in g]
    assert all(size_of(message).fits() for message in messages)
    assert all(limit_error("chat.postMessage", {"blocks": m}) is None for m in messages)
    assert len(messages) == 10  # three groups of 2,900 characters a message


def test_split_messages_counts_blocks_too() -> None:
    messages = split_messages([[{"type": "divider"}] * 3] * 20)
    assert [len(message) for message in messages] == [48, 12]


def test_clip_never_cuts_through_markup_or_an_entity() -> None:
    assert clip("ab <https://example.com|x>", 10) == "ab …"
    assert clip("abcdef &amp; g", 10) == "abcdef …"
    assert clip("abcdefgh &amp; g", 14) == "abcdefgh …"
    assert clip("abcdefgh &amp; g", 15) == "abcdefgh &amp;…"
    assert len(clip("x" * 5000)) == 3000


# Messages with long inputs ----------------------------------------------------------------------

LONG = "Add an alarm on the number of servers shut down per minute. " * 700  # 42,000 characters


def long_item(bot: Bot, fake: FakeSlack) -> str:
    """An `action:` line as long as Slack lets anyone write one: 40,000 characters."""
    text = f"action: {LONG[:39_960].strip()} <@UCAROL> due 2026-12-04"
    assert len(text) <= 40_000
    return action(bot, fake, text)


def test_a_40000_character_action_item_is_confirmed_listed_and_nudged_within_limits(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start_review(bot, fake_slack)
    confirmation = long_item(bot, fake_slack)
    assert "Owner: <@UCAROL>" in confirmation and len(confirmation) < 3000
    answer = listing(bot, fake_slack, "actions all")
    assert "Add an alarm" in answer["text"]
    bot.slack.action("coe_item_drop", "1", user="UCAROL")
    fake_slack.wait_for_calls("views.open", 1)
    clock.set(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))  # Monday, 10:00 in Tokyo
    jobs.nudge(bot.rt)
    [dm] = [call for call in fake_slack.posted() if call["channel"] == "UCAROL"]
    assert "Add an alarm" in dm["text"]
    jobs.digest(bot.rt, now_for_all=True)
    assert fake_slack.posted("CINC")[-1]["text"].startswith("COE action items")
    accepted(fake_slack)


def test_300_items_in_coe_actions_all_fit_one_message_and_count_the_rest(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    why = Step(3, SITE_ANSWERS[1], SITE_ANSWERS[2])
    long = "make the shutdown script ask before it acts. " * 40
    dues = [date(2026, 12, 1) + timedelta(days=n % 20) for n in range(300)]
    seed_items(bot, why, [(f"Item {n}: {long}", due) for n, due in enumerate(dues)])
    answer = listing(bot, fake_slack, "actions all")
    rows = [block for block in answer["blocks"] if block["type"] == "actions"]
    assert 0 < len(rows) < 24  # long items: the text budget, not the block count, decides
    assert len(answer["blocks"]) <= MESSAGE_BLOCKS
    assert text_length(answer["blocks"]) <= BLOCK_TEXT_LIMIT
    last = answer["blocks"][-1]["elements"][0]["text"]
    assert f"…and {300 - len(rows)} more" in last and "/coe actions @someone" in last
    assert "Open action items in this workspace (300)" in answer["text"]
    accepted(fake_slack)


def test_a_digest_of_many_long_items_is_split_into_messages_slack_takes(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    coe = add_coe(rt, "CINC", "The site went down " * 50)
    owners = ["UALICE", "UBOB", "UCAROL"]
    ids = [
        add_item(rt, coe, owners[n % 3], WED + timedelta(days=n % 9), f"{n}: " + LONG[:2_500])
        for n in range(60)
    ]
    run = jobs.digest(rt)
    posted = fake_slack.posted("CINC")
    # Fifty blocks would hold 24 items; 1,000 characters each, a message holds ten.
    assert len(posted) == len(run.sent) >= 6
    assert all(sent.status == "sent" for sent in run.sent)
    shown = [
        int(element["value"])
        for call in posted
        for block in call["blocks"]
        if block["type"] == "actions"
        for element in block["elements"][:1]
    ]
    assert sorted(shown) == ids
    assert all(text_length(call["blocks"]) <= BLOCK_TEXT_LIMIT for call in posted)
    accepted(fake_slack)


def test_a_long_chain_with_long_answers_opens_the_add_form(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack, answers=0)
    for number in range(1, 106):
        bot.slack.reply(f"Cause {number}: " + LONG[:3000], thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(lambda: len(fake_slack.posted(thread_ts=THREAD)) >= 106, timeout=60)
    bot.slack.action("coe_add_action_item", "1", user="UALICE")
    [filled] = fake_slack.wait_for_calls("views.update", 1)
    why = next(b for b in filled["view"]["blocks"] if b.get("block_id") == "why")["element"]
    assert len(why["options"]) == 100 and why["options"][-1]["value"] == "105"
    accepted(fake_slack)


# Refused all the same ---------------------------------------------------------------------------


def test_a_thread_post_slack_refuses_is_reported_to_the_person_it_was_for(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    fake_slack.expect_rejections()
    too_big = {"text": "x", "blocks": sections(5, 3000)}  # within every limit but the total
    with Session(rt.engine) as session:
        message_id = thread_posts.in_thread(
            rt,
            session,
            channel_id="CINC",
            thread_ts=THREAD,
            message=too_big,
            on_behalf_of="UBOB",
            what="the confirmation of your action item",
        )
        session.commit()
    delivery.deliver(rt, [message_id])
    [(call, error)] = fake_slack.rejected
    assert error == "msg_blocks_too_long" and "coe_report_to" not in call.params
    [told] = fake_slack.calls_to("chat.postEphemeral")
    assert (told["user"], told["channel"], told["thread_ts"]) == ("UBOB", "CINC", THREAD)
    assert "Slack refused to post the confirmation of your action item" in told["text"]
    with Session(rt.engine) as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        assert (row.status, row.last_error) == ("failed", "msg_blocks_too_long")


def test_a_confirmation_slack_refuses_is_reported_to_its_author(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    fake_slack.fail_next("chat.postMessage", "msg_blocks_too_long")
    bot.slack.reply("action: Add an alarm <@UCAROL> due 2026-12-04", thread_ts=THREAD, ts=new_ts())
    [told] = fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postEphemeral"))
    assert told["user"] == "UALICE" and "confirmation of your action item" in told["text"]
    with Session(bot.rt.engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
    refused = [row for row in rows if row.status == "failed"]
    assert [row.last_error for row in refused] == ["msg_blocks_too_long"]
    assert "added an action item" in refused[0].payload


def test_a_message_refused_for_other_reasons_or_for_nobody_is_only_logged(
    rt: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    report = {"coe_report_to": {"user": "UBOB", "channel": "CGONE", "thread_ts": None}}
    with Session(rt.engine) as session:
        ids = [
            outbox.enqueue(
                session=session,
                method="chat.postMessage",
                payload={"channel": "CGONE", "text": "a note", **extra},
                now=clock(),
            )
            for extra in (report, {})
        ]
        session.commit()
    fake_slack.fail_next("chat.postMessage", "channel_not_found")
    fake_slack.fail_next("chat.postMessage", "invalid_blocks")
    delivery.deliver(rt, ids)
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert fake_slack.calls_to("chat.postEphemeral") == []


def test_an_answer_refused_through_response_url_is_followed_by_a_short_one(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    fake_slack.expect_rejections()
    body = {"response_url": fake_slack.response_url(), "user_id": "UALICE"}
    stored.respond(rt, body, "Your list", blocks=sections(5, 3000))
    (first,) = fake_slack.calls_to("response_url")
    assert "blocks" in first.params
    # The short one comes by direct message: text only, so Slack takes it.
    (second,) = fake_slack.wait_for(lambda: fake_slack.posted(channel="UALICE"))
    assert "blocks" not in second.params
    assert second["text"].startswith("Sorry, Slack refused my answer")
    assert "Your list" in second["text"]
    assert len(fake_slack.rejected) == 1


# The 5-Whys messages ------------------------------------------------------------------------


def test_a_40000_character_answer_is_asked_about_and_summed_up_within_limits(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    fake_slack.expect_rejections()  # so that the test, not its teardown, says what went wrong
    start_review(bot, fake_slack, answers=0)
    bot.slack.reply(LONG[:40_000], thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(lambda: len(fake_slack.posted(thread_ts=THREAD)) == 2)
    for number in range(6):
        bot.slack.reply(f"Cause {number}: " + LONG[:2900], thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(lambda: len(fake_slack.posted(thread_ts=THREAD)) == 8)
    bot.slack.reply("done", thread_ts=THREAD, ts=new_ts())  # other angles are offered
    bot.slack.reply("done", thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(
        lambda: [c for c in fake_slack.posted(thread_ts=THREAD) if "chain of whys" in c["text"]]
    )
    fake_slack.wait_for(lambda: len(fake_slack.calls_to("chat.update")) >= 1)
    assert [error for _, error in fake_slack.rejected] == []
