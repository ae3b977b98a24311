"""Messages taken for sending as they are queued, and calls paced under Slack's rate limits."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.runtime.tuning import PARENT_UPDATE_DELAY, PARENT_UPDATES_APART
from bot.slack import delivery
from storage import outbox
from storage.db import make_engine
from storage.models import OutboxMessage
from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.scenario import enqueue_posts, queue_posts, status_of


def queue_and_take(bot: Bot, *posts: tuple[str, str]) -> delivery.Queued:
    """Queue (channel, text) posts and a reaction in one transaction that also takes them."""
    with Session(bot.rt.engine) as session:
        ids = enqueue_posts(bot.rt, session, posts)
        ids.append(
            outbox.enqueue(
                session=session,
                method="reactions.add",
                payload={"channel": "CINC", "timestamp": "1.000001", "name": "white_check_mark"},
                now=bot.rt.now(),
            )
        )
        queued = delivery.take_for_sending(bot.rt, session, ids)
        session.commit()
    return queued


def stored_payloads(engine: Engine) -> dict[int, Any]:
    """Every queued message's payload as read back from the table, by id."""
    with Session(engine) as session:
        return {row.id: json.loads(row.payload) for row in session.exec(select(OutboxMessage))}


def test_messages_taken_as_they_are_queued_are_sent_in_order_with_those_behind_them(
    bot_without_worker: Bot, fake_slack: FakeSlack
) -> None:
    bot = bot_without_worker
    queued = queue_and_take(bot, ("CINC", "inc 1"), ("CDB", "db 1"), ("CINC", "inc 2"))
    # The first post to each channel, and the reaction; the second post waits for the first.
    assert sorted(message.id for message in queued.claimed) == [
        queued[0],
        queued[1],
        queued[3],
    ]
    delivery.deliver(bot.rt, queued)
    assert [call["text"] for call in fake_slack.posted("CINC")] == ["inc 1", "inc 2"]
    assert [call["text"] for call in fake_slack.posted("CDB")] == ["db 1"]
    assert len(fake_slack.calls_to("reactions.add")) == 1
    assert {status_of(bot, message_id) for message_id in queued} == {"sent"}
    assert delivery.deliver_due(bot.rt) == 0


def test_what_slack_took_of_a_batch_is_recorded_when_it_put_off_another_channels_post(
    bot_without_worker: Bot, fake_slack: FakeSlack
) -> None:
    bot = bot_without_worker
    fake_slack.rate_limit("CDB", retry_after=30)
    queued = queue_and_take(bot, ("CINC", "inc 1"), ("CDB", "db 1"), ("CINC", "inc 2"))
    delivery.deliver(bot.rt, queued)
    assert [call["text"] for call in fake_slack.posted("CINC")] == ["inc 1", "inc 2"]
    assert len(fake_slack.calls_to("reactions.add")) == 1
    statuses = [status_of(bot, message_id) for message_id in queued]
    assert statuses == ["sent", "pending", "sent", "sent"]
    assert delivery.deliver_due(bot.rt) == 0  # the put-off post is not due yet


def test_a_message_taken_as_it_was_queued_is_sent_after_its_process_died_before_sending_it(
    bot_without_worker: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    bot = bot_without_worker
    queued = queue_and_take(bot, ("CINC", "Why #2: why?"))  # then the process dies
    assert delivery.deliver_due(bot.rt) == 0  # taken: nobody else sends it yet
    clock.advance(seconds=delivery.STALE_CLAIM.total_seconds() + 1)
    delivery.deliver_due(bot.rt)
    assert [call["text"] for call in fake_slack.posted("CINC")] == ["Why #2: why?"]
    assert len(fake_slack.calls_to("reactions.add")) == 1
    assert {status_of(bot, message_id) for message_id in queued} == {"sent"}


def queue_parent_update(bot: Bot, coe_id: int, text: str) -> int:
    """Queue a COE parent's status line as the reviews do."""
    with Session(bot.rt.engine) as session:
        message_id = outbox.enqueue(
            session=session,
            method="chat.update",
            payload={"channel": f"C{coe_id}", "ts": f"{coe_id}.000001", "text": text},
            now=bot.rt.now(),
            coalesce_key=f"coe-parent:{coe_id}",
            not_before=bot.rt.now() + PARENT_UPDATE_DELAY,
            apart=PARENT_UPDATES_APART,
        )
        session.commit()
    return message_id


def updated(fake_slack: FakeSlack) -> list[str]:
    return [call["text"] for call in fake_slack.calls_to("chat.update")]


def test_status_lines_of_many_reviews_go_out_one_at_a_time_under_the_rate_limit(
    bot_without_worker: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    bot = bot_without_worker
    for coe_id in (1, 2, 3):
        queue_parent_update(bot, coe_id, f"COE-{coe_id}: asking why #2")
    # Another answer in the first review replaces its status line, and keeps its turn.
    queue_parent_update(bot, 1, "COE-1: asking why #3")

    clock.advance(seconds=PARENT_UPDATE_DELAY.total_seconds())
    assert delivery.deliver_due(bot.rt) == 1
    assert updated(fake_slack) == ["COE-1: asking why #3"]
    assert delivery.deliver_due(bot.rt) == 0
    clock.advance(seconds=PARENT_UPDATES_APART.total_seconds())
    assert delivery.deliver_due(bot.rt) == 1
    clock.advance(seconds=PARENT_UPDATES_APART.total_seconds())
    assert delivery.deliver_due(bot.rt) == 1
    assert updated(fake_slack) == [
        "COE-1: asking why #3",
        "COE-2: asking why #2",
        "COE-3: asking why #2",
    ]
    # With none waiting, the next one waits only the usual moment.
    clock.advance(minutes=1)
    queue_parent_update(bot, 2, "COE-2: asking why #3")
    assert delivery.deliver_due(bot.rt) == 0
    clock.advance(seconds=PARENT_UPDATE_DELAY.total_seconds() + 0.5)
    assert delivery.deliver_due(bot.rt) == 1
    assert updated(fake_slack)[-1] == "COE-2: asking why #3"


def test_a_message_the_outbox_pass_took_first_has_been_sent_when_deliver_returns(
    bot_without_worker: Bot, fake_slack: FakeSlack
) -> None:
    bot = bot_without_worker
    with Session(bot.rt.engine) as session:
        message_id = outbox.enqueue(
            session=session,
            method="chat.postMessage",
            payload={"channel": "UCAROL", "text": "Your action item is due tomorrow"},
            now=bot.rt.now(),
            resend_if_unknown=False,
        )
        session.commit()
    # The outbox pass finds it due between the commit and the deliver of whoever queued it.
    release = fake_slack.hold("UCAROL")
    outbox_pass = threading.Thread(target=delivery.deliver_due, args=(bot.rt,))
    outbox_pass.start()
    fake_slack.wait_for(lambda: fake_slack.posted("UCAROL"))
    queuer = threading.Thread(target=delivery.deliver, args=(bot.rt, [message_id]))
    queuer.start()
    queuer.join(timeout=0.5)
    assert queuer.is_alive()  # waits for the pass, which has it in hand
    release.set()
    queuer.join(timeout=30)
    assert status_of(bot, message_id) == "sent"
    assert len(fake_slack.posted("UCAROL")) == 1
    outbox_pass.join(timeout=30)


def test_a_post_slack_is_slow_to_answer_is_not_sent_again_by_its_own_process(
    bot_without_worker: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    bot = bot_without_worker
    queued = queue_and_take(bot, ("CINC", "Why #2: why?"))
    release = fake_slack.hold("CINC")
    sending = threading.Thread(target=delivery.deliver, args=(bot.rt, queued))
    sending.start()
    fake_slack.wait_for(lambda: fake_slack.posted("CINC"))
    # Long enough that a claim of a dead process would be given back, and sent again.
    clock.advance(seconds=delivery.STALE_CLAIM.total_seconds() + 1)
    assert delivery.deliver_due(bot.rt) == 0
    release.set()
    sending.join(timeout=30)
    assert [call["text"] for call in fake_slack.posted("CINC")] == ["Why #2: why?"]
    assert {status_of(bot, message_id) for message_id in queued} == {"sent"}


def test_a_large_batch_is_taken_a_few_messages_at_a_time_as_they_are_sent(
    bot_without_worker: Bot, fake_slack: FakeSlack
) -> None:
    bot = bot_without_worker
    count = 2 * (delivery.SENDERS + 1)
    ids = queue_posts(bot, *((f"C{n}", f"COE action items {n}") for n in range(count)))
    release = fake_slack.hold("C0")
    sending = threading.Thread(target=delivery.deliver, args=(bot.rt, ids))
    sending.start()
    fake_slack.wait_for(lambda: fake_slack.posted("C0"))
    # While Slack is slow to answer, the rest of the batch is not taken: it would look
    # abandoned to another sender long before it is sent.
    assert {status_of(bot, message_id) for message_id in ids[delivery.SENDERS + 1 :]} == {"pending"}
    release.set()
    sending.join(timeout=30)
    assert {status_of(bot, message_id) for message_id in ids} == {"sent"}
    assert len(fake_slack.posted()) == count


def test_many_messages_queued_at_once_get_their_ids_in_the_order_given(
    each_database_url: str,
) -> None:
    engine = make_engine(each_database_url)
    now = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    try:
        with Session(engine) as session:
            first = outbox.enqueue(
                session=session, method="chat.postMessage", payload={"channel": "C0"}, now=now
            )
            payloads = [{"channel": f"C{n}", "text": f"message {n}"} for n in range(1, 6)]
            ids = outbox.enqueue_many(
                session=session, method="chat.postMessage", payloads=payloads, now=now
            )
            later = outbox.enqueue(
                session=session, method="chat.postMessage", payload={"channel": "C9"}, now=now
            )
            session.commit()
        stored = stored_payloads(engine)
    finally:
        engine.dispose()
    assert first < ids[0] and ids == sorted(ids) and ids[-1] < later
    assert [stored[message_id] for message_id in ids] == payloads
    assert len(stored) == 7


def test_a_payload_is_stored_as_it_was_given_whatever_its_characters_and_numbers(
    each_database_url: str,
) -> None:
    engine = make_engine(each_database_url)
    now = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    payloads = [
        {"channel": "C1", "text": 'Café · ✓ 障害 \U0001f525 "quoted" \\ back\nslash \u2028'},
        {"channel": "C2", "text": "big", "metadata": {"n": 2**70, "m": -(2**64), "ok": True}},
        {"channel": "C3", "text": "a lone surrogate \ud800 from hostile JSON"},
    ]
    try:
        with Session(engine) as session:
            ids = [
                outbox.enqueue(session=session, method="chat.postMessage", payload=p, now=now)
                for p in payloads
            ]
            ids += outbox.enqueue_many(
                session=session, method="chat.postMessage", payloads=payloads, now=now
            )
            session.commit()
        stored = stored_payloads(engine)
    finally:
        engine.dispose()
    assert [stored[message_id] for message_id in ids] == payloads * 2
