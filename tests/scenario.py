"""The set-up tests share: a review run the way people run it in Slack, and COEs and action
items made through the storage functions the bot itself writes them with."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.cli import build_runtime
from bot.core import action_items as item_rules
from bot.core import facilitation, questions
from bot.core.action_items import ItemState, ItemStatus, NewItem, StatusAction
from bot.core.facilitation import Chain, Status, Step
from bot.runtime.context import Runtime
from bot.settings import load_settings
from bot.slack import thread_events
from storage import action_items as item_store
from storage import coes, inbox, outbox, users
from storage.models import (
    ActionItem,
    ActionItemChange,
    Digest,
    DigestPeriod,
    Nudge,
    OutboxMessage,
)
from tests.conftest import Bot, Clock, bot_env
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


# Follow-up: COEs and items made the way the bot makes them, at any moment ----------------------
#
# The follow-up tests need COEs started weeks ago and items created, done or snoozed on given
# days, without running each review through Slack. So these helpers call the storage functions
# the bot writes with (the same ones `/coe start`, a reply, an `action:` line and the Done,
# Snooze and Drop buttons end in), with the moment passed as `now`: what they store is what the
# bot would have stored at that moment.

_parent_ts = itertools.count(1)
# The items' `action:` lines: each item comes from a message of its own, as in a thread.
_source_ts = itertools.count(1)


def make_runtime(fake: FakeSlack, database_url: str, clock: Clock, **env: str) -> Runtime:
    """A runtime like one process of the bot; call it twice for two processes on one database."""
    return build_runtime(load_settings(bot_env(fake, database_url, **env)), clock=clock)


def add_coe(
    rt: Runtime,
    channel: str = "CINC",
    problem: str = SITE_DOWN,
    status: str = "asking",
    created_at: datetime | None = None,
    whys: tuple[str, ...] = (),
    facilitator: str = "UALICE",
    closed_at: datetime | None = None,
    permalink: str | None = None,
) -> int:
    """A COE started by `facilitator` at `created_at` (30 days ago unless given), as `/coe start`
    stores it; `whys` are UBOB's answers so far, as why #1, #2, ...

    `status` "chain_done" ends the chain after those answers; `closed_at` closes the COE then.
    """
    created = created_at or rt.now() - timedelta(days=30)
    review = facilitation.start(problem)
    for number, text in enumerate(whys, start=1):
        review = facilitation.record_answer(review, text, "UBOB", f"1690000001.{number:06d}")
    if status == Status.CHAIN_DONE.value:
        review = facilitation.end_chain(review)
    else:
        assert status == Status.ASKING.value, f"a COE cannot be made {status!r} here"
    with Session(rt.engine) as session:
        coe = coes.create_coe(
            session=session,
            team_id="T0001",
            channel_id=channel,
            problem=problem,
            facilitator_id=facilitator,
            now=created,
        )
        parent_ts = f"1690000000.{next(_parent_ts):06d}"
        coes.mark_started(session=session, coe=coe, parent_ts=parent_ts)
        assert coe.id is not None
        if permalink is not None:
            coes.set_permalink(session=session, coe_id=coe.id, permalink=permalink)
        coes.save_chain(session=session, coe=coe, chain=review, now=created)
        if closed_at is not None:
            coes.set_closed(session=session, coe=coe, user_id=facilitator, now=closed_at)
        session.commit()
        return coe.id


def add_item(
    rt: Runtime,
    coe_id: int,
    owner: str,
    due: date,
    text: str = "Add an alarm",
    why_number: int | None = None,
    status: str = "open",
    closed_at: datetime | None = None,
    snoozed_until: date | None = None,
) -> int:
    """An item UALICE added ten days ago, as capture records it (for the latest why unless
    `why_number` names one); `status` "done" or "dropped" closes it at `closed_at` (now unless
    given), and `snoozed_until` snoozes it, as the buttons do."""
    created = rt.now() - timedelta(days=10)
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        assert coe is not None
        why = item_rules.pick_why(coes.load_chain(session=session, coe=coe), why_number)
        row = item_store.create_item(
            session=session,
            coe_id=coe_id,
            item=NewItem(text, owner, due, why),
            created_by="UALICE",
            now=created,
            source_ts=f"1690000002.{next(_source_ts):06d}",
        )
        assert row is not None and row.id is not None
        item_id = row.id
        if snoozed_until is not None:
            # The Snooze button always snoozes for a week from the owner's today; these tests
            # need the snooze to end on a given day, so the state is given as it is stored.
            _save(session, row, ItemState(ItemStatus.OPEN, snoozed_until), StatusAction.SNOOZE)
        session.commit()
    if status != ItemStatus.OPEN.value:
        close_item(rt, item_id, status, at=closed_at)
    return item_id


def close_item(rt: Runtime, item_id: int, status: str = "done", at: datetime | None = None) -> None:
    """Mark the item "done" or "dropped" (by its owner, at `at`, now unless given), as the Done
    and Drop buttons store it."""
    action = StatusAction.DONE if status == ItemStatus.DONE.value else StatusAction.DROP
    with Session(rt.engine) as session:
        row = item_store.get_item(session=session, item_id=item_id)
        assert row is not None
        state = item_rules.change_status(
            item_store.state_of(row), action, (at or rt.now()).date(), "No longer needed"
        )
        _save(session, row, state, action, at or rt.now())
        session.commit()


def _save(
    session: Session,
    row: ActionItem,
    state: ItemState,
    action: StatusAction,
    now: datetime | None = None,
) -> None:
    """Store the item's new state with its change, as the status buttons store them."""
    item_store.save_state(
        session=session,
        item=row,
        state=state,
        change=action.value,
        actor_id=row.owner_id,
        now=now or row.created_at,
        detail=item_rules.change_detail(action, state),
    )


def add_user(rt: Runtime, user_id: str, tz: str) -> None:
    """What users.info said of a person, cached as the bot caches it."""
    with Session(rt.engine) as session:
        users.save_user(
            session=session, user_id=user_id, tz=tz, is_bot=False, deleted=False, now=rt.now()
        )
        session.commit()


def get_item(rt: Runtime, item_id: int) -> ActionItem:
    with Session(rt.engine) as session:
        item = item_store.get_item(session=session, item_id=item_id)
        assert item is not None
        return item


def nudges(rt: Runtime) -> list[tuple[int, date, str]]:
    with Session(rt.engine) as session:
        rows = session.exec(select(Nudge)).all()
        return sorted((row.item_id, row.day, row.kind) for row in rows)


def digests(rt: Runtime) -> list[tuple[str, str]]:
    with Session(rt.engine) as session:
        return sorted((row.channel_id, row.period) for row in session.exec(select(Digest)).all())


def periods(rt: Runtime) -> list[str]:
    """The digest periods whose channels with nothing to report have been decided."""
    with Session(rt.engine) as session:
        return sorted(session.exec(select(DigestPeriod.period)).all())


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
