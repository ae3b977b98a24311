"""Replies in a COE thread: answers, asides, taking back, editing, ending, and what is ignored."""

from __future__ import annotations

import json
import threading
from typing import Any

from sqlmodel import Session, col, select

from bot.runtime.worker import Worker, run_in_thread
from bot.slack import delivery
from bot.slack.routes import worker_routes
from storage.models import InboxEvent, OutboxMessage
from tests.conftest import Bot, Clock
from tests.fake_slack import BOT_ID, BOT_USER_ID, FakeSlack
from tests.scenario import (
    ANSWERS,
    PROBLEM,
    THREAD,
    answer,
    chain,
    deleted,
    edited,
    new_ts,
    prompts,
    recorded,
    start,
    why,
)


def stored_events(bot: Bot) -> list[str]:
    with Session(bot.rt.engine) as session:
        replies = select(InboxEvent).where(InboxEvent.kind == "message")
        return [event.event_id for event in session.exec(replies).all()]


# Answers ----------------------------------------------------------------------------------------


def test_the_chain_keeps_going_past_five_whys(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start(bot, fake_slack)
    answers = [
        "The payment service ran out of connections.",
        "A deploy halved the connection pool.",
        "The pool size is set per deploy, not per service.",
        "The deploy template copies staging's values.",
        "Staging was sized for one user.",
        "Nobody owns the template.",
        "The template predates the platform team.",
    ]
    for number, text in enumerate(answers, start=1):
        answer(bot, fake_slack, text, user="UBOB" if number % 2 else "UCAROL")
        assert prompts(fake_slack)[-1] == why(number + 1, text)
    assert recorded(bot) == answers
    assert chain(bot).open_step.number == 8
    # The parent's status line follows a moment later, once per burst of answers.
    assert not fake_slack.calls_to("chat.update")
    clock.advance(seconds=3)
    bot.stop_worker()  # from here on, only the test sends
    delivery.deliver_due(bot.rt)
    updates = fake_slack.calls_to("chat.update")
    assert len(updates) == 1 and "asking why #8" in updates[0]["text"]


def test_a_slow_slack_in_one_thread_holds_up_no_other_threads_next_why(
    bot_without_worker: Bot, fake_slack: FakeSlack
) -> None:
    bot = bot_without_worker
    # One thread for replies: it hands its why to the senders and takes the next reply.
    stop = run_in_thread(Worker(bot.rt, worker_routes(), threads=1, poll_seconds=0.05))
    try:
        start(bot, fake_slack)
        bot.slack.command("start The queue backed up", channel="COTHER")
        asks = fake_slack.wait_for(
            lambda: [call for call in fake_slack.posted("COTHER") if call.get("thread_ts")]
        )
        other = str(asks[0]["thread_ts"])
        release = fake_slack.hold("CINC")
        bot.slack.reply(ANSWERS[0], thread_ts=THREAD, ts=new_ts())
        fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 2)  # asked, and Slack is slow
        bot.slack.reply("The consumer crashed.", thread_ts=other, channel="COTHER")
        asked = fake_slack.wait_for(lambda: prompts(fake_slack, other)[1:])
        assert asked == [why(2, "The consumer crashed.")]
        # ... while the why in CINC still waits on Slack.
        with Session(bot.rt.engine) as session:
            posts = select(OutboxMessage.status).where(OutboxMessage.channel == "CINC")
            assert session.exec(posts.order_by(col(OutboxMessage.id))).all()[-1] == "sending"
        release.set()
    finally:
        stop()
    assert recorded(bot) == ANSWERS[:1]


def test_a_threads_next_reply_waits_until_slack_has_the_why_before_it(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    release = fake_slack.hold("CINC")
    bot.slack.reply(ANSWERS[0], thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 2)  # asked, and Slack is slow
    bot.slack.reply(ANSWERS[1], thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(lambda: len(stored_events(bot)) == 2)
    threading.Event().wait(0.3)  # the worker polls every 50 ms: it has had its chances
    # Taken now, its why would queue behind one whose sender may already have looked.
    assert recorded(bot) == ANSWERS[:1]
    release.set()
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 3)
    assert recorded(bot) == ANSWERS[:2]
    assert prompts(fake_slack)[-1] == why(3, ANSWERS[1])


def test_an_aside_is_not_recorded_and_gets_no_prompt(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    bot.slack.reply("// is this the same as last month's outage?", thread_ts=THREAD)
    bot.slack.reply("//done", thread_ts=THREAD)
    answer(bot, fake_slack, ANSWERS[0])
    # The only message after Why #1 is Why #2, about the real answer.
    assert prompts(fake_slack) == [
        why(1, PROBLEM, problem=True),
        why(2, ANSWERS[0]),
    ]
    assert recorded(bot) == [ANSWERS[0]]
    assert fake_slack.calls_to("chat.postEphemeral") == []


def test_undo_takes_back_the_latest_answer_and_asks_again(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    answer(bot, fake_slack, ANSWERS[1])
    answer(bot, fake_slack, "Undo!", user="UCAROL")
    assert prompts(fake_slack)[-1] == f"Took back “{ANSWERS[1]}”. {why(2, ANSWERS[0])}"
    assert recorded(bot) == [ANSWERS[0]]
    # The next reply answers the reopened question.
    answer(bot, fake_slack, "The pool size is set per deploy, not per service.")
    # Why #3 was asked about the answer taken back: the next why is #4.
    assert prompts(fake_slack)[-1] == why(4, "The pool size is set per deploy, not per service.")
    assert recorded(bot) == [ANSWERS[0], "The pool size is set per deploy, not per service."]


def test_undo_before_any_answer_is_explained_to_its_author(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    bot.slack.reply("undo", thread_ts=THREAD, user="UCAROL")
    (notice,) = fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postEphemeral"))
    assert notice["user"] == "UCAROL" and notice["channel"] == "CINC"
    assert "no answer to take back" in notice["text"]
    assert len(prompts(fake_slack)) == 1


def test_deleting_the_latest_answer_reopens_its_question(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    latest = answer(bot, fake_slack, ANSWERS[1])
    count = len(prompts(fake_slack))
    bot.slack.event(deleted(latest, text=ANSWERS[1]))
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) > count)
    assert prompts(fake_slack)[-1] == f"Took back “{ANSWERS[1]}”. {why(2, ANSWERS[0])}"
    assert recorded(bot) == [ANSWERS[0]]


def test_deleting_an_earlier_answer_keeps_it_and_says_so(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    earlier = answer(bot, fake_slack, ANSWERS[0])
    answer(bot, fake_slack, ANSWERS[1])
    count = len(prompts(fake_slack))
    bot.slack.event(deleted(earlier, text=ANSWERS[0]))
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) > count)
    notice = prompts(fake_slack)[-1]
    assert "earlier answer" in notice and "stays recorded" in notice
    assert recorded(bot) == ANSWERS[:2]
    assert chain(bot).open_step.number == 3


def test_deleting_a_message_that_was_no_answer_changes_nothing(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    aside = new_ts()
    bot.slack.reply("// an aside", thread_ts=THREAD, ts=aside)
    bot.slack.event(deleted(aside, text="// an aside"))
    answer(bot, fake_slack, ANSWERS[0])
    assert len(prompts(fake_slack)) == 2
    assert recorded(bot) == [ANSWERS[0]]


def test_editing_an_answer_revises_it(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    first = answer(bot, fake_slack, ANSWERS[0])
    answer(bot, fake_slack, ANSWERS[1])
    bot.slack.event(edited(first, "The payment service ran out of connections to Postgres."))
    fake_slack.wait_for(
        lambda: recorded(bot)[0] == "The payment service ran out of connections to Postgres."
    )
    steps = chain(bot).steps
    assert steps[1].subject == "The payment service ran out of connections to Postgres."
    assert steps[0].author == "UBOB"
    assert recorded(bot) == [
        "The payment service ran out of connections to Postgres.",
        ANSWERS[1],
    ]


# Ending -----------------------------------------------------------------------------------------


def test_a_typed_end_phrase_posts_the_chain_and_updates_the_parent(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0], user="UBOB")
    answer(bot, fake_slack, ANSWERS[1], user="UCAROL")
    answer(bot, fake_slack, ":tada: That’s the root cause!!")
    # The tree says nothing of detection, blast radius or process: those are offered first.
    assert "Before we close the chain" in prompts(fake_slack)[-1]
    answer(bot, fake_slack, "done")
    summary = prompts(fake_slack)[-1]
    assert "chain of whys" in summary
    # One numbering everywhere; the tree shows by indentation.
    assert f"\n#1 {ANSWERS[0]} (<@UBOB>)" in summary
    assert f"\n    #2 {ANSWERS[1]} (<@UCAROL>)" in summary
    assert summary.count(ANSWERS[0]) == 1 and PROBLEM not in summary
    assert "action item" in summary
    update = fake_slack.wait_for(
        lambda: [c for c in fake_slack.calls_to("chat.update") if "chain complete" in c["text"]]
    )[-1]
    assert update["channel"] == "CINC" and update["ts"] == THREAD
    assert "chain complete (2 whys)" in json.dumps(update["blocks"])
    assert chain(bot).status == "chain_done"


def test_the_out_of_ideas_button_ends_the_chain(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    count = len(prompts(fake_slack))
    prompt = fake_slack.posted(thread_ts=THREAD)[-1]
    button = prompt["blocks"][-1]["elements"][0]
    assert button["action_id"] == "coe_end_chain"
    status, _ = bot.slack.action("coe_end_chain", button["value"], message_ts="1700000000.000003")
    assert status == 200
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) > count)
    offer = fake_slack.posted(thread_ts=THREAD)[-1]
    finish = offer["blocks"][-1]["elements"][-1]
    assert (finish["action_id"], finish["text"]["text"]) == ("coe_finish_chain", "No, we're done")
    bot.slack.action("coe_finish_chain", finish["value"], message_ts="1700000000.000004")
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) > count + 1)
    assert "chain of whys" in prompts(fake_slack)[-1]
    assert chain(bot).status == "chain_done"
    assert recorded(bot) == [ANSWERS[0]]


def test_ending_before_any_answer_is_explained(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    bot.slack.action("coe_end_chain", "1")
    (response,) = fake_slack.wait_for(lambda: fake_slack.calls_to("response_url"))
    assert "No answer has been recorded yet" in response["text"]
    assert response["response_type"] == "ephemeral"
    assert response.get("replace_original") in (False, "false", None)
    bot.slack.reply("We're out of ideas", thread_ts=THREAD, user="UCAROL")
    (notice,) = fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postEphemeral"))
    assert notice["user"] == "UCAROL" and "Answer Why #1 first" in notice["text"]
    assert chain(bot).status == "asking"
    assert len(prompts(fake_slack)) == 1


def test_after_the_end_discussion_is_left_alone_and_undo_reopens(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    answer(bot, fake_slack, "done")
    answer(bot, fake_slack, "done")
    assert chain(bot).status == "chain_done"
    bot.slack.reply("One more idea.", thread_ts=THREAD, user="UCAROL")
    answer(bot, fake_slack, "undo")
    assert fake_slack.calls_to("chat.postEphemeral") == []
    # Why #2 was asked before the chain ended: reopened, the why about the answer is #3.
    assert prompts(fake_slack)[-1] == why(3, ANSWERS[0])
    answer(bot, fake_slack, ANSWERS[1])
    assert recorded(bot) == ANSWERS[:2]


# What the bot ignores ---------------------------------------------------------------------------


def assert_ignored(bot: Bot, fake_slack: FakeSlack, event: dict[str, Any]) -> None:
    """`event` leaves no trace: the next real reply still answers Why #1."""
    status, _ = bot.slack.event(event)
    assert status == 200
    answer(bot, fake_slack, ANSWERS[0])
    assert prompts(fake_slack) == [
        why(1, PROBLEM, problem=True),
        why(2, ANSWERS[0]),
    ]
    assert recorded(bot) == [ANSWERS[0]]
    assert len(stored_events(bot)) == 1
    assert fake_slack.calls_to("chat.postEphemeral") == []


def reply_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": "CINC",
        "user": "UBOB",
        "text": "A reply that must not count.",
        "ts": new_ts(),
        "thread_ts": THREAD,
        "channel_type": "channel",
        **fields,
    }


def test_other_bots_messages_are_ignored(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    assert_ignored(
        bot,
        fake_slack,
        reply_event(subtype="bot_message", bot_id="BOTHER", user=None, username="pagerbot"),
    )


def test_a_bot_message_with_a_user_is_still_ignored(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    assert_ignored(bot, fake_slack, reply_event(user="UOTHERBOT", bot_id="BOTHER"))


def test_the_bots_own_messages_are_ignored(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    assert_ignored(
        bot,
        fake_slack,
        reply_event(user=BOT_USER_ID, bot_id=BOT_ID, text=why(1, "x", problem=True)),
    )


def test_top_level_channel_messages_are_ignored(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    event = reply_event()
    del event["thread_ts"]
    assert_ignored(bot, fake_slack, event)


def test_replies_in_other_threads_are_ignored(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    assert_ignored(bot, fake_slack, reply_event(thread_ts="1699999999.000100"))


def test_a_reply_in_a_thread_of_the_same_ts_in_another_channel_is_ignored(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    assert_ignored(bot, fake_slack, reply_event(channel="COTHER"))


def test_edits_of_the_parent_by_slack_are_ignored(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    # Slack reports reply counts on the parent as an edit of the parent by the bot.
    event = edited(THREAD, "COE-1 ...", user=BOT_USER_ID, thread_ts=THREAD)
    event["message"]["bot_id"] = BOT_ID
    assert_ignored(bot, fake_slack, event)


# Several reviews ---------------------------------------------------------------------------------


def test_two_reviews_in_one_channel_stay_separate(bot: Bot, fake_slack: FakeSlack) -> None:
    first = start(bot, fake_slack, "Checkout was down")
    second = start(bot, fake_slack, "Search was slow")
    assert first != second
    answer(bot, fake_slack, "The pool ran out.", thread_ts=first)
    answer(bot, fake_slack, "The search index had no replica during its rebuild.", thread_ts=second)
    answer(bot, fake_slack, "A deploy halved it.", thread_ts=first)
    assert prompts(fake_slack, first)[-1] == why(3, "A deploy halved it.")
    assert prompts(fake_slack, second)[-1] == (
        why(2, "The search index had no replica during its rebuild.")
    )
    answer(bot, fake_slack, "done", thread_ts=second)
    answer(bot, fake_slack, "done", thread_ts=second)
    assert "chain of whys" in prompts(fake_slack, second)[-1]
    assert recorded(bot, 1) == ["The pool ran out.", "A deploy halved it."]
    assert recorded(bot, 2) == ["The search index had no replica during its rebuild."]
    assert chain(bot, 1).status == "asking" and chain(bot, 2).status == "chain_done"
