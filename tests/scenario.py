"""The set-up tests share: a review run the way people run it in Slack, and messages queued or
left behind in the outbox and the inbox. COEs and action items made through the storage
functions the bot itself writes them with are in follow_up.py."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core import questions
from bot.core.action_items import NewItem
from bot.core.facilitation import Chain, Step
from bot.runtime.context import Runtime
from bot.slack import thread_events
from storage import action_items as item_store
from storage import coes, inbox, outbox
from storage.models import ActionItem, ActionItemChange, OutboxMessage
from tests.conftest import Bot
from tests.fake_slack import Call, FakeSlack

# A review in a thread ---------------------------------------------------------------------------

# The fake Slack's first message is the parent of the first review started in a test.
THREAD = "1700000000.000001"
PROBLEM = "Checkout was down for 40 minutes"
ANSWERS = [
    "The payment service ran out of database connections.",
    "A deploy halved the connection pool.",
    "The config change was not reviewed.",
]
# The seed's own review: "The site went down", and why.
SITE_DOWN = "The site went down"
SEED_ANSWERS = [
    "All the servers were turned off.",
    "A script was run which shut them off.",
    "There are no permission differences between turning off 1 server vs many.",
    "There were no alarms on the number of servers shutting down in a time period.",
    "The hardware for those servers was being replaced, and there was no UI for the hardware team.",
]
# The first answers of a review that action items are then added to (`start_review`).
SITE_ANSWERS = [
    "All the servers were turned off.",
    "A script was run which shut them off.",
    "There were no alarms on the number of servers shutting down.",
]
CONFIRMED = "added an action item"
_ts = itertools.count(1)


def new_ts() -> str:
    """A Slack message ts no other message in the test has."""
    return f"1800000001.{next(_ts):06d}"


def prompts(fake: FakeSlack, thread_ts: str = THREAD) -> list[str]:
    """The texts the bot posted in the thread, in order."""
    return [call["text"] for call in fake.posted(thread_ts=thread_ts)]


def why(number: int, about: str, *, problem: bool = False) -> str:
    """The text of the prompt the bot posts as why #`number` about `about` (an answer, or with
    `problem` the problem itself), for tests about which why comes when; the wording itself is
    tested in test_questions.py."""
    asked = questions.about_problem(about) if problem else questions.about_answer(about, number)
    text = f"Why #{number}: {asked.text}"
    return f"{text} “{asked.quote}”" if asked.quote else text


def start(bot: Bot, fake: FakeSlack, problem: str = PROBLEM) -> str:
    """Start a review in CINC and return its thread's ts once Why #1 is out."""
    question = why(1, problem, problem=True)
    bot.slack.command(f"start {problem}")
    first = fake.wait_for(
        lambda: [call for call in fake.posted(channel="CINC") if call["text"] == question]
    )
    return str(first[0]["thread_ts"])


def answer(
    bot: Bot, fake: FakeSlack, text: str, user: str = "UBOB", thread_ts: str = THREAD
) -> str:
    """Reply in the thread and wait for the bot's next message there; returns the reply's ts."""
    ts = new_ts()
    count = len(prompts(fake, thread_ts))
    bot.slack.reply(text, thread_ts=thread_ts, user=user, ts=ts)
    fake.wait_for(lambda: len(prompts(fake, thread_ts)) > count)
    return ts


def start_review(bot: Bot, fake: FakeSlack, answers: int = 3) -> None:
    """UALICE (the facilitator) starts COE-1 and UBOB answers `answers` whys."""
    bot.slack.command(f"start {SITE_DOWN}")
    fake.wait_for(lambda: len(prompts(fake)) == 1)
    for number, text in enumerate(SITE_ANSWERS[:answers], start=1):
        bot.slack.reply(text, thread_ts=THREAD, user="UBOB", ts=new_ts())
        fake.wait_for(lambda n=number: len(prompts(fake)) == n + 1)


def chain(bot: Bot, coe_id: int = 1) -> Chain:
    with Session(bot.rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        assert coe is not None
        return coes.load_chain(session=session, coe=coe)


def recorded(bot: Bot, coe_id: int = 1) -> list[str | None]:
    """The answers recorded so far, in the order they were asked."""
    return [step.answer for step in chain(bot, coe_id).answered]


def posted(chain: Chain, ts: str) -> Chain:
    """The chain once the bot's question for the open why was posted at `ts`."""
    step = chain.open_step
    assert step is not None
    return replace(
        chain, steps=tuple(replace(s, prompt_ts=ts) if s is step else s for s in chain.steps)
    )


def deleted(ts: str, user: str = "UBOB", thread_ts: str = THREAD, text: str = "") -> dict[str, Any]:
    """The `message_deleted` event Slack sends when someone deletes their reply."""
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": "CINC",
        "ts": new_ts(),
        "deleted_ts": ts,
        "event_ts": new_ts(),
        "channel_type": "channel",
        "previous_message": {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
        },
    }


def edited(ts: str, text: str, user: str = "UBOB", thread_ts: str = THREAD) -> dict[str, Any]:
    """The `message_changed` event Slack sends when someone edits their reply."""
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": "CINC",
        "ts": new_ts(),
        "event_ts": new_ts(),
        "channel_type": "channel",
        "message": {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
            "edited": {"user": user, "ts": new_ts()},
        },
        "previous_message": {
            "type": "message",
            "user": user,
            "text": "before the edit",
            "ts": ts,
            "thread_ts": thread_ts,
        },
    }


def all_processed(bot: Bot) -> bool:
    """Nothing the listeners stored is still waiting for the worker."""
    with Session(bot.rt.engine) as session:
        return not inbox.pending(session=session, now=datetime(2100, 1, 1, tzinfo=UTC))


# Action items in the thread, the modal and /coe ---------------------------------------------


def confirmations(fake: FakeSlack) -> list[str]:
    return [text for text in prompts(fake) if CONFIRMED in text]


def ephemerals(fake: FakeSlack) -> list[Call]:
    return fake.calls_to("chat.postEphemeral")


def action(bot: Bot, fake: FakeSlack, text: str, user: str = "UALICE", **kwargs: Any) -> str:
    """Send an `action:` reply and wait for the confirmation; returns it."""
    count = len(confirmations(fake))
    bot.slack.reply(text, thread_ts=THREAD, user=user, ts=kwargs.pop("ts", new_ts()), **kwargs)
    return str(fake.wait_for(lambda: confirmations(fake)[count:])[0])


def items(bot: Bot, coe_id: int = 1) -> list[ActionItem]:
    with Session(bot.rt.engine) as session:
        return list(item_store.list_items(session=session, coe_id=coe_id))


def history(bot: Bot, item_id: int = 1) -> list[ActionItemChange]:
    with Session(bot.rt.engine) as session:
        return list(item_store.list_changes(session=session, item_id=item_id))


def responses(fake: FakeSlack) -> list[Call]:
    """What the bot answered through response URLs (slash commands, buttons)."""
    return fake.calls_to("response_url")


def click(bot: Bot, fake: FakeSlack, action_id: str, value: str, user: str) -> Call:
    """Click a button whose answer comes back through the response URL; returns that answer."""
    count = len(responses(fake))
    bot.slack.action(action_id, value, user=user)
    return fake.wait_for(lambda: responses(fake)[count:])[0]


def listing(bot: Bot, fake: FakeSlack, text: str, user: str = "UALICE") -> Call:
    """Run `/coe <text>` and return the answer that comes through the response URL."""
    count = len(responses(fake))
    bot.slack.command(text, user=user)
    return fake.wait_for(lambda: responses(fake)[count:])[0]


def note_count(fake: FakeSlack) -> int:
    return len(prompts(fake))


def wait_for_note(fake: FakeSlack, count: int) -> str:
    """The first message in the thread after the first `count`."""
    return str(fake.wait_for(lambda: prompts(fake)[count:])[0])


FORM_VALUES = {
    "description": {"description": {"type": "plain_text_input", "value": "Add an alarm"}},
    "owner": {"owner": {"type": "users_select", "selected_user": "UCAROL"}},
    "due": {"due": {"type": "datepicker", "selected_date": "2026-12-04"}},
    "priority": {"priority": {"type": "static_select", "selected_option": {"value": "high"}}},
    "kind": {"kind": {"type": "static_select", "selected_option": {"value": "detect"}}},
    "why": {"why": {"type": "static_select", "selected_option": {"value": "2"}}},
}


def form_values(**fields: dict[str, Any]) -> dict[str, Any]:
    """The "Add action item" form's state values, with `fields` changed."""
    values = json.loads(json.dumps(FORM_VALUES))
    for block_id, element in fields.items():
        values[block_id][block_id] = {**values[block_id][block_id], **element}
    return values


def ack_body(body: str) -> dict[str, Any]:
    """What Slack shows the caller, from the body of the command's HTTP response.

    A plain-text body is shown as an ephemeral message, like JSON without a response_type.
    """
    if body.lstrip().startswith("{"):
        return json.loads(body)
    return {"text": body}


def outbox_rows(rt: Runtime) -> list[OutboxMessage]:
    """Every message the bot queued, in the order it queued them."""
    with Session(rt.engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def claim_and_die(rt: Runtime, message_id: int) -> None:
    """What a sender leaves behind when it dies mid-send: the message claimed, never finished."""
    with Session(rt.engine) as session:
        session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.status) == "pending")
            .values(status="sending", claimed_at=rt.now(), attempts=OutboxMessage.attempts + 1)
        )
        session.commit()


def queue_posts(bot: Bot, *posts: tuple[str, str]) -> list[int]:
    """Queue (channel, text) posts, in this order, as use cases do; their outbox ids."""
    with Session(bot.rt.engine) as session:
        ids = enqueue_posts(bot.rt, session, posts)
        session.commit()
    return ids


def enqueue_posts(rt: Runtime, session: Session, posts: Sequence[tuple[str, str]]) -> list[int]:
    """Queue (channel, text) posts, in this order, in the caller's transaction."""
    return [
        outbox.enqueue(
            session=session,
            method="chat.postMessage",
            payload={"channel": channel, "text": text},
            now=rt.now(),
        )
        for channel, text in posts
    ]


def status_of(bot: Bot, message_id: int) -> str:
    with Session(bot.rt.engine) as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        return message.status


def abandon_lost_reply(bot: Bot, user: str, text: str) -> None:
    """A thread reply stored but never recorded, given up on as the worker gives up on one.

    Stored under a kind no route handles, so no worker takes it first.
    """
    body = {
        "event_id": "EvLOST",
        "event": {
            "type": "message",
            "channel": "CINC",
            "user": user,
            "text": text,
            "ts": "1800000009.000001",
            "thread_ts": THREAD,
        },
    }
    with Session(bot.rt.engine) as session:
        inbox.keep(
            session=session, key="EvLOST", kind="lost", payload=json.dumps(body), now=bot.rt.now()
        )
        session.commit()
    thread_events.abandon_message(bot.rt, "EvLOST", "boom")


def seed_items(bot: Bot, why: Step, items: Iterable[tuple[str, date]]) -> None:
    """UALICE's open items on COE-1, stored as capture stores them, (text, due) each."""
    with Session(bot.rt.engine) as session:
        for number, (text, due) in enumerate(items):
            item_store.create_item(
                session=session,
                coe_id=1,
                item=NewItem(text, "UALICE", due, why),
                created_by="UALICE",
                now=bot.rt.now(),
                source_ts=f"seed-{number}",
            )
        session.commit()
