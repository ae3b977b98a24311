"""What is accepted survives Slack's failures, in order, and nothing is lost or sent twice."""

from __future__ import annotations

import threading

from sqlmodel import Session, select

from bot.runtime.context import Runtime
from bot.runtime.worker import REQUEST_ATTEMPTS, RETRY_DELAY, Route, Worker
from bot.slack import delivery, thread_events
from storage import inbox, outbox
from storage.models import InboxEvent
from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.scenario import (
    THREAD,
    abandon_lost_reply,
    confirmations,
    form_values,
    items,
    prompts,
    queue_posts,
    recorded,
    start,
    start_review,
    status_of,
    why,
)


def test_replies_waiting_together_are_recorded_in_the_order_they_were_written(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    texts = [f"Cause {n} of the outage." for n in range(1, 9)]
    # Stored while no worker runs, as after a restart: the worker finds them all together.
    bot.stop_worker()
    quiet = bot.new_runtime()
    for n, text in reversed(list(enumerate(texts))):  # Slack's delivery order is not guaranteed
        body = {
            "event_id": f"EvQUEUED{n}",
            "event": {
                "type": "message",
                "channel": "CINC",
                "user": "UBOB",
                "text": text,
                "ts": f"1800000100.{n:06d}",
                "thread_ts": THREAD,
            },
        }
        assert thread_events.keep_message(quiet, body)
    quiet.engine.dispose()
    bot.start_worker()
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == len(texts) + 1)
    assert recorded(bot) == texts
    assert prompts(fake_slack)[-1] == why(9, texts[-1])


def test_a_form_whose_owner_lookup_fails_is_recorded_when_the_worker_retries(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start_review(bot, fake_slack)
    fake_slack.fail_next("users.info", "internal_error")
    status, body = bot.slack.view_submission(
        "coe_add_action_item_form", form_values(), private_metadata="1", user="UBOB"
    )
    assert (status, body) == (200, "")
    # Slack's answer comes before the worker has counted the failed attempt: wait for both.
    row = fake_slack.wait_for(lambda: (r := stored_form(bot)).attempts == 1 and r)
    assert row.processed_at is None and items(bot) == []

    clock.advance(seconds=RETRY_DELAY.total_seconds() + 1)
    fake_slack.wait_for(lambda: confirmations(fake_slack))
    assert [item.owner_id for item in items(bot)] == ["UCAROL"]


def test_a_quoted_answer_does_not_notify_the_channel_again(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    bot.slack.reply("<!channel> the deploy tool was down", thread_ts=THREAD, user="UBOB")
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) == 2)
    assert prompts(fake_slack)[-1] == why(2, "@channel the deploy tool was down")
    assert recorded(bot) == ["<!channel> the deploy tool was down"]


def test_a_prompt_whose_post_timed_out_is_sent_again_but_a_nudge_is_not(
    bot_without_worker: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    bot = bot_without_worker
    now = clock()
    with Session(bot.rt.engine) as session:
        prompt = outbox.enqueue(
            session=session,
            method="chat.postMessage",
            payload={"channel": "CINC", "text": "Why #2: why?"},
            now=now,
        )
        nudge = outbox.enqueue(
            session=session,
            method="chat.postMessage",
            payload={"channel": "UBOB", "text": "Your action item is overdue"},
            now=now,
            resend_if_unknown=False,
        )
        session.commit()
    # A 5xx: Slack may have posted it before failing.
    fake_slack.fail_next("chat.postMessage", "internal_error", status=503, times=2)
    delivery.deliver(bot.rt, [prompt, nudge])
    assert status_of(bot, prompt) == "pending" and status_of(bot, nudge) == "unknown"

    clock.advance(minutes=5)
    delivery.deliver_due(bot.rt)
    texts = [call["text"] for call in fake_slack.calls_to("chat.postMessage")]
    assert texts.count("Why #2: why?") == 2  # the failed try, then the one that landed
    assert texts.count("Your action item is overdue") == 1  # never risked twice
    assert status_of(bot, prompt) == "sent" and status_of(bot, nudge) == "unknown"


def test_one_broken_message_does_not_hold_up_the_rest_of_a_batch(
    bot_without_worker: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    bot = bot_without_worker
    with Session(bot.rt.engine) as session:
        ids = [
            outbox.enqueue(
                session=session,
                method="chat.postMessage",
                payload={"channel": "CINC", "text": f"message {n}"},
                now=clock(),
            )
            for n in range(3)
        ]
        session.commit()
    fake_slack.fail_next("chat.postMessage", "invalid_blocks")
    delivery.deliver(bot.rt, ids)
    assert [status_of(bot, message_id) for message_id in ids] == ["failed", "sent", "sent"]


def texts_in(fake_slack: FakeSlack, channel: str) -> list[str]:
    """What reached Slack for `channel`, refused attempts included."""
    return [call["text"] for call in fake_slack.posted(channel)]


def test_a_retry_after_on_one_channel_holds_back_its_later_posts_and_no_other_channel(
    bot_without_worker: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    bot = bot_without_worker
    ids = queue_posts(
        bot,
        ("CINC", "inc 1"),
        ("CDB", "db 1"),
        ("CINC", "inc 2"),
        ("CDB", "db 2"),
        ("CINC", "inc 3"),
    )
    fake_slack.rate_limit("CINC", retry_after=30)
    delivery.deliver(bot.rt, ids)
    assert texts_in(fake_slack, "CDB") == ["db 1", "db 2"]
    assert texts_in(fake_slack, "CINC") == ["inc 1"]  # refused; the two after it wait for it
    # A post queued meanwhile waits too, even when sent at once.
    (later,) = queue_posts(bot, ("CINC", "inc 4"))
    delivery.deliver(bot.rt, [later])
    clock.advance(seconds=29)
    assert delivery.deliver_due(bot.rt) == 0
    assert texts_in(fake_slack, "CINC") == ["inc 1"]

    clock.advance(seconds=2)
    assert delivery.deliver_due(bot.rt) == 4
    assert texts_in(fake_slack, "CINC") == ["inc 1", "inc 1", "inc 2", "inc 3", "inc 4"]
    assert {status_of(bot, message_id) for message_id in [*ids, later]} == {"sent"}


def test_a_slow_channel_does_not_hold_up_the_others(
    bot_without_worker: Bot, fake_slack: FakeSlack
) -> None:
    bot = bot_without_worker
    ids = queue_posts(bot, ("CSLOW", "slow 1"), ("CSLOW", "slow 2"), ("CFAST", "fast 1"))
    release = fake_slack.hold("CSLOW")
    sending = threading.Thread(target=delivery.deliver, args=(bot.rt, ids))
    sending.start()
    fake_slack.wait_for(lambda: texts_in(fake_slack, "CFAST") == ["fast 1"])
    # The slow channel's second post waits for Slack's answer to its first.
    assert texts_in(fake_slack, "CSLOW") == ["slow 1"]
    release.set()
    sending.join(timeout=30)
    assert texts_in(fake_slack, "CSLOW") == ["slow 1", "slow 2"]
    assert [status_of(bot, message_id) for message_id in ids] == ["sent", "sent", "sent"]


def test_a_post_whose_sender_died_mid_send_holds_its_channel_back_only_briefly(
    bot_without_worker: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    bot = bot_without_worker
    first, second = queue_posts(bot, ("CINC", "Why #2"), ("CINC", "Why #3"))
    with Session(bot.rt.engine) as session:  # a sender takes the first, then dies
        outbox.claim(session=session, message_ids=[first], now=clock(), live_since=clock())
        session.commit()
    delivery.deliver(bot.rt, [second])
    assert texts_in(fake_slack, "CINC") == []  # it may yet be posted: the next one waits

    clock.advance(seconds=delivery.SENDING_HOLD.total_seconds() + 1)
    delivery.deliver(bot.rt, [second])
    assert texts_in(fake_slack, "CINC") == ["Why #3"]
    assert status_of(bot, first) == "sending"  # resent (or not) once the claim is stale


def test_the_worker_gives_up_after_retrying_and_tells_whoever_sent_it(
    bot_without_worker: Bot, clock: Clock
) -> None:
    bot = bot_without_worker
    abandoned: list[tuple[str, str]] = []

    def always_fails(rt: Runtime, key: str) -> None:
        raise RuntimeError("the database is on fire")

    routes = {
        "probe": Route(always_fails, abandon=lambda rt, key, error: abandoned.append((key, error)))
    }
    with Session(bot.rt.engine) as session:
        inbox.keep(session=session, key="probe:1", kind="probe", payload="{}", now=clock())
        session.commit()
    for _ in range(REQUEST_ATTEMPTS):
        one_pass(bot, routes)
        clock.advance(seconds=RETRY_DELAY.total_seconds())
    assert abandoned == [("probe:1", "the database is on fire")]
    with Session(bot.rt.engine) as session:
        row = session.get(InboxEvent, "probe:1")
    assert row is not None and row.processed_at is not None and row.attempts == REQUEST_ATTEMPTS
    one_pass(bot, routes)
    assert len(abandoned) == 1


def test_an_abandoned_reply_is_reported_to_its_author(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    bot.stop_worker()  # the test plays the worker giving up
    abandon_lost_reply(bot, "UBOB", "All the servers were turned off.")
    [told] = fake_slack.calls_to("chat.postEphemeral")
    assert told["user"] == "UBOB" and told["thread_ts"] == THREAD
    assert "could not record your reply" in told["text"] and "send it again" in told["text"]


def stored_form(bot: Bot) -> InboxEvent:
    with Session(bot.rt.engine) as session:
        return session.exec(select(InboxEvent).where(InboxEvent.kind == "view")).one()


def one_pass(bot: Bot, routes: dict[str, Route]) -> None:
    """What one wake-up of a worker does, waited for to the end."""
    worker = Worker(bot.rt, routes)
    worker.run_once()
    worker.close()
