"""The use cases on their own: a real database, no HTTP and no Slack, and a recording fake of the
outgoing-messages port in place of Block Kit and the outbox. What the bot decided to say is
checked here, in no particular order (the order of calls on the port is no user's business);
how Slack shows it, and in what order, is checked by the tests that drive the bot over HTTP."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import Session

from bot.core.action_items import StatusAction
from bot.core.angles import Angle
from bot.core.blame import mechanism_question
from bot.core.commands import ListActions
from bot.core.facilitation import Status
from bot.core.item_form import ItemForm
from bot.core.nudges import NudgeKind
from bot.core.replies import read_reply
from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.settings import load_settings
from bot.slack import thread_events
from bot.slack.reading import SlackReading
from bot.use_cases import action_items, reviews
from storage import inbox
from storage.db import make_engine
from tests.follow_up import add_user
from tests.recording_outgoing import Recorder

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
CHANNEL = "CINC"
_events = itertools.count(1)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def clock() -> list[datetime]:
    return [NOW]


@pytest.fixture
def rt(database_url: str, recorder: Recorder, clock: list[datetime]) -> Iterator[Runtime]:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test", "DATABASE_URL": database_url})
    rt = Runtime(
        settings=settings,
        engine=make_engine(database_url),
        # Nothing listens there: a use case that needed Slack's answer would fail loudly.
        slack=WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/", timeout=1),
        outgoing=recorder,
        reading=SlackReading,
        clock=lambda: clock[-1],
    )
    yield rt
    rt.engine.dispose()


def start(rt: Runtime, recorder: Recorder) -> str:
    """Open a review; returns its thread's ts."""
    started = reviews.start_review(
        rt, team_id="T1", channel_id=CHANNEL, user_id="UFAC", problem="Checkout returned 500s"
    )
    assert isinstance(started, reviews.Started)
    [parent] = recorder.of("post_parent")
    assert parent.kwargs["channel_id"] == CHANNEL
    return recorder.parents[-1]


def reply(rt: Runtime, thread_ts: str, text: str, user: str = "UANA") -> str:
    """A thread reply, kept and processed as the worker would; returns its ts."""
    number = next(_events)
    ts = f"1700000100.{number:06d}"
    body: dict[str, Any] = {
        "type": "event_callback",
        "event_id": f"Ev{number}",
        "event": {
            "type": "message",
            "channel": CHANNEL,
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
        },
    }
    assert thread_events.keep_message(rt, body) is not None
    with Session(rt.engine) as session:
        request = inbox.load(session=session, event_id=f"Ev{number}")
    assert request is not None
    message = thread_events.stored_message(request.body)
    assert message is not None
    reply = read_reply(message.text)
    prepared = reviews.prepare(rt, message, reply)
    rt.transact(
        lambda session: reviews.take_message(rt, session, request.key, message, reply, prepared)
    )
    return ts


def answered_with_an_owner(rt: Runtime, recorder: Recorder, tz: str) -> None:
    """A review with one answer, and UBOB, in `tz`, known to the user cache."""
    reply(rt, start(rt, recorder), "The deploy skipped the canary stage")
    add_user(rt, "UBOB", tz)


def test_start_posts_the_parent_and_asks_the_first_why_with_the_help_line(
    rt: Runtime, recorder: Recorder
) -> None:
    start(rt, recorder)
    assert sorted(recorder.methods()) == ["ask_why", "post_parent"]
    [asked] = recorder.of("ask_why")
    step = asked.args[1]
    assert (step.number, step.subject) == (1, "Checkout returned 500s")
    assert asked.kwargs["with_help"] is True and asked.kwargs["lead"] is None


def test_an_answer_is_marked_and_the_next_why_is_about_it(rt: Runtime, recorder: Recorder) -> None:
    thread = start(rt, recorder)
    recorder.said.clear()
    ts = reply(rt, thread, "The deploy skipped the canary stage")
    assert sorted(recorder.methods()) == ["ask_why", "mark_answer", "refresh_parent"]
    [mark] = recorder.of("mark_answer")
    assert mark.args[1] == ts and mark.kwargs == {"remove": False}
    [asked] = recorder.of("ask_why")
    assert asked.args[1].number == 2
    assert asked.args[1].subject == "The deploy skipped the canary stage"
    assert asked.kwargs["with_help"] is False
    [refresh] = recorder.of("refresh_parent")
    assert refresh.args[1].open_step.number == 2


def test_an_answer_that_blames_a_person_gets_the_mechanism_question(
    rt: Runtime, recorder: Recorder
) -> None:
    thread = start(rt, recorder)
    recorder.said.clear()
    reply(rt, thread, "Bob forgot to run the migration")
    [asked] = recorder.of("ask_why")
    assert asked.args[1].question == mechanism_question("Bob forgot to run the migration", 2)


def test_chatter_and_asides_say_nothing(rt: Runtime, recorder: Recorder) -> None:
    thread = start(rt, recorder)
    recorder.said.clear()
    reply(rt, thread, "thanks!")
    reply(rt, thread, "// brb, grabbing coffee")
    assert recorder.said == []


def test_out_of_ideas_offers_the_missing_angles_then_posts_the_chain(
    rt: Runtime, recorder: Recorder
) -> None:
    thread = start(rt, recorder)
    reply(rt, thread, "The deploy skipped the canary stage")
    recorder.said.clear()
    reply(rt, thread, "done")
    [offer] = recorder.of("offer_angles")
    assert Angle.DETECTION in offer.args[1]
    recorder.said.clear()
    reply(rt, thread, "done")
    [chain] = recorder.of("post_chain")
    assert chain.args[1].status is Status.CHAIN_DONE
    assert [step.answer for step in chain.args[1].answered] == [
        "The deploy skipped the canary stage"
    ]


def test_an_item_from_the_form_is_confirmed_and_its_changes_noted_for_the_owner(
    rt: Runtime, recorder: Recorder
) -> None:
    answered_with_an_owner(rt, recorder, tz="UTC")
    form = ItemForm("Add a canary gate", "UBOB", "2026-12-04", "high", None, 1)
    recorder.said.clear()
    outcome = action_items.add_from_modal(rt, coe_id=1, actor_id="UFAC", form=form, view_id="V1")
    assert outcome.ok
    assert sorted(recorder.methods()) == ["confirm_item", "publish_home"]
    [confirmed] = recorder.of("confirm_item")
    item = confirmed.args[1]
    assert (item.description, item.owner_id, item.due) == (
        "Add a canary gate",
        "UBOB",
        date(2026, 12, 4),
    )
    recorder.said.clear()
    changed = action_items.change_status(rt, item_id=1, actor_id="UBOB", action=StatusAction.DONE)
    assert changed.ok and "marked the action item “Add a canary gate” done" in changed.message
    assert sorted(recorder.methods()) == ["note", "publish_home"]
    [note] = recorder.of("note")
    assert note.kwargs == {"on_behalf_of": "UBOB", "what": "the note of your change"}


def test_actions_are_listed_as_data_overdue_on_the_owners_calendar(
    rt: Runtime, recorder: Recorder, clock: list[datetime]
) -> None:
    answered_with_an_owner(rt, recorder, tz="Asia/Tokyo")
    form = ItemForm("Add a canary gate", "UBOB", "2026-11-26", None, None, 1)
    assert action_items.add_from_modal(rt, coe_id=1, actor_id="UFAC", form=form, view_id="V1").ok
    # Still the 26th in UTC, already the 27th in Tokyo: a day late for its owner.
    clock.append(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    listing = action_items.list_for(rt, asker_id="UBOB", query=ListActions(None, False))
    assert (listing.owner_id, listing.everyone, listing.total) == (None, False, 1)
    [item] = listing.items
    assert (item.description, item.due, item.days_overdue) == (
        "Add a canary gate",
        date(2026, 11, 26),
        1,
    )


def test_an_item_due_soon_is_a_reminder_to_its_owner_once(rt: Runtime, recorder: Recorder) -> None:
    answered_with_an_owner(rt, recorder, tz="UTC")
    form = ItemForm("Add a canary gate", "UBOB", "2026-11-26", None, None, 1)
    assert action_items.add_from_modal(rt, coe_id=1, actor_id="UFAC", form=form, view_id="V1").ok
    recorder.said.clear()

    jobs.nudge(rt)
    jobs.nudge(rt)

    [said] = recorder.of("nudge")
    nudge = said.args[0]
    assert (nudge.owner_id, nudge.kind, nudge.day) == ("UBOB", NudgeKind.DUE_SOON, NOW.date())
    assert (nudge.content.text, nudge.content.why_number) == ("Add a canary gate", 1)
