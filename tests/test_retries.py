"""Redelivered events, Slack errors and races: each reply is recorded once and answered once."""

from __future__ import annotations

import json
import threading

from sqlmodel import Session, select

from bot.slack import delivery
from storage.models import InboxEvent, OutboxMessage
from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.scenario import (
    ANSWERS,
    PROBLEM,
    THREAD,
    answer,
    new_ts,
    outbox_rows,
    prompts,
    recorded,
    start,
    why,
)


def prompt_row(bot: Bot, question: str) -> OutboxMessage | None:
    for row in outbox_rows(bot.rt):
        if row.method == "chat.postMessage" and json.loads(row.payload)["text"] == question:
            return row
    return None


def test_a_redelivered_reply_is_recorded_once_and_answered_once(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    ts = new_ts()
    bot.slack.reply(ANSWERS[0], thread_ts=THREAD, ts=ts, event_id="EvREPLY1")
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 2)
    # Slack did not see the ack in time and sends the same event again.
    status, _ = bot.slack.reply(
        ANSWERS[0], thread_ts=THREAD, ts=ts, event_id="EvREPLY1", retry_num=1
    )
    assert status == 200
    status, _ = bot.slack.reply(
        ANSWERS[0], thread_ts=THREAD, ts=ts, event_id="EvREPLY1", retry_num=2
    )
    assert status == 200
    answer(bot, fake_slack, ANSWERS[1])
    assert prompts(fake_slack) == [
        why(1, PROBLEM, problem=True),
        why(2, ANSWERS[0]),
        why(3, ANSWERS[1]),
    ]
    assert recorded(bot) == ANSWERS[:2]


def test_copies_of_one_event_arriving_together_are_recorded_once(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    ts, copies = new_ts(), 4
    barrier = threading.Barrier(copies)

    def deliver(retry: int | None) -> None:
        barrier.wait()
        bot.slack.reply(ANSWERS[0], thread_ts=THREAD, ts=ts, event_id="EvSAME", retry_num=retry)

    threads = [threading.Thread(target=deliver, args=(n or None,)) for n in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) >= 2)
    answer(bot, fake_slack, ANSWERS[1])
    assert prompts(fake_slack) == [
        why(1, PROBLEM, problem=True),
        why(2, ANSWERS[0]),
        why(3, ANSWERS[1]),
    ]
    assert recorded(bot) == ANSWERS[:2]
    with Session(bot.rt.engine) as session:
        kept = session.exec(select(InboxEvent).where(InboxEvent.event_id == "EvSAME")).all()
    assert len(kept) == 1 and kept[0].processed_at is not None


def test_a_failed_prompt_is_retried_and_the_answer_is_kept(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start(bot, fake_slack)
    question = why(2, ANSWERS[0])
    fake_slack.fail_next("chat.postMessage", "internal_error")
    bot.slack.reply(ANSWERS[0], thread_ts=THREAD)
    row = fake_slack.wait_for(
        lambda: (r := prompt_row(bot, question)) and r.last_error == "internal_error" and r
    )
    assert row.status == "pending" and row.next_attempt_at > clock()
    # The answer is recorded although Slack refused the next question.
    assert recorded(bot) == [ANSWERS[0]]
    attempts = len(fake_slack.calls_to("chat.postMessage"))
    bot.stop_worker()  # from here on, only the test sends

    assert delivery.deliver_due(bot.rt) == 0  # not due yet
    assert len(fake_slack.calls_to("chat.postMessage")) == attempts

    clock.advance(seconds=60)
    # The retried question, and the parent's "asking why #2", which waits to absorb bursts.
    assert delivery.deliver_due(bot.rt) == 2
    assert prompts(fake_slack)[-1] == question
    assert len(fake_slack.calls_to("chat.postMessage")) == attempts + 1
    assert prompt_row(bot, question).status == "sent"
    # The conversation goes on from there.
    bot.start_worker()
    answer(bot, fake_slack, ANSWERS[1])
    assert prompts(fake_slack)[-1] == why(3, ANSWERS[1])


def test_a_rate_limited_prompt_waits_for_retry_after(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start(bot, fake_slack)
    question = why(2, ANSWERS[0])
    fake_slack.fail_next(
        "chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "30"}
    )
    bot.slack.reply(ANSWERS[0], thread_ts=THREAD)
    fake_slack.wait_for(lambda: (r := prompt_row(bot, question)) and r.last_error == "ratelimited")
    assert recorded(bot) == [ANSWERS[0]]
    attempts = len(fake_slack.calls_to("chat.postMessage"))
    bot.stop_worker()  # from here on, only the test sends

    clock.advance(seconds=29)
    assert delivery.deliver_due(bot.rt) == 1  # only the parent's status line
    clock.advance(seconds=2)
    assert delivery.deliver_due(bot.rt) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == attempts + 1
    assert prompts(fake_slack)[-1] == question
    assert delivery.deliver_due(bot.rt) == 0  # sent once, not again


def test_a_permanent_slack_error_is_not_retried(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start(bot, fake_slack)
    question = why(2, ANSWERS[0])
    fake_slack.fail_next("chat.postMessage", "is_archived")
    bot.slack.reply(ANSWERS[0], thread_ts=THREAD)
    fake_slack.wait_for(lambda: (r := prompt_row(bot, question)) and r.status == "failed")
    assert recorded(bot) == [ANSWERS[0]]
    bot.stop_worker()  # from here on, only the test sends
    clock.advance(hours=1)
    assert delivery.deliver_due(bot.rt) == 1  # only the parent's status line


def test_replies_racing_on_one_question_are_all_recorded_in_order(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    texts = [
        "The cache expired.",
        "The pool ran out.",
        "The disk filled up.",
        "DNS timed out.",
        "The queue backed up.",
        "The certificate expired.",
    ]
    barrier = threading.Barrier(len(texts))

    def reply(text: str, user: str) -> None:
        barrier.wait()
        bot.slack.reply(text, thread_ts=THREAD, user=user)

    threads = [
        threading.Thread(target=reply, args=(text, "UBOB" if n % 2 else "UCAROL"))
        for n, text in enumerate(texts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == len(texts) + 1)
    got = recorded(bot)
    assert sorted(got) == sorted(texts)
    # No lost or crossed update: each why asks about the answer recorded just before it.
    assert sorted(prompts(fake_slack)[1:]) == sorted(
        why(number, text) for number, text in enumerate(got, start=2)
    )
