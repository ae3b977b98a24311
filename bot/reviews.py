"""Use cases of the 5-Whys session: start a review, take a thread reply, end the chain."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import action_items, delivery, thread_posts
from bot.core import facilitation as core
from bot.core.action_items import ActionItemError
from bot.core.facilitation import Chain, FacilitationError
from bot.runtime import Runtime
from bot.slack import messages
from storage import coes, inbox, outbox
from storage.models import Coe, WhyStep

log = logging.getLogger(__name__)

PARENT_UPDATE_DELAY = timedelta(seconds=2)
NOT_IN_CHANNEL = (
    "I can't post in this channel yet. Invite me first (`/invite @COE Bot`), "
    "then run `/coe start` again."
)


@dataclass(frozen=True)
class ThreadMessage:
    """The parts of a Slack message event in a COE thread that the use cases need."""

    kind: str  # "reply", "deleted" or "edited"
    channel_id: str
    thread_ts: str
    ts: str
    user_id: str
    text: str


# Starting -----------------------------------------------------------------------------------


def start_review(
    rt: Runtime, *, team_id: str, channel_id: str, user_id: str, problem: str
) -> str | None:
    """Open a COE in the channel; returns an error to show the user, or None."""
    chain = core.start(problem)
    with Session(rt.engine) as session:
        coe = coes.create_coe(
            session=session,
            team_id=team_id,
            channel_id=channel_id,
            problem=problem,
            facilitator_id=user_id,
            now=rt.now(),
        )
        session.commit()
        coe_id = _id(coe)
    try:
        parent = rt.slack.chat_postMessage(
            channel=channel_id, **messages.build_parent(coe_id, user_id, chain)
        )
    except Exception as error:
        _forget(rt, coe_id)
        return _start_failed(coe_id, channel_id, error)
    with Session(rt.engine) as session:
        coe = _reload(session, coe_id)
        coes.mark_started(session=session, coe=coe, parent_ts=str(parent["ts"]))
        rows = coes.save_chain(session=session, coe=coe, chain=chain, now=rt.now())
        ids = [_enqueue_prompt(rt, session, coe, chain, rows)]
        session.commit()
    delivery.deliver(rt, ids)
    return None


def _forget(rt: Runtime, coe_id: int) -> None:
    with Session(rt.engine) as session:
        coes.delete_coe(session=session, coe_id=coe_id)
        session.commit()


def _start_failed(coe_id: int, channel_id: str, error: Exception) -> str:
    """What to tell the person whose `/coe start` could not be posted; nothing was kept."""
    if isinstance(error, SlackApiError):
        code = error.response.get("error")
        if code in ("not_in_channel", "channel_not_found"):
            return NOT_IN_CHANNEL
        log.warning("Could not post COE-%s in %s: %s", coe_id, channel_id, code)
        return f"Slack refused to post the review ({code}). Nothing was recorded; please try again."
    # A timeout may hide a post that landed; the review is not kept either way, so say both.
    log.warning("Posting COE-%s in %s failed: %r", coe_id, channel_id, error)
    return (
        "I could not confirm with Slack that the review was posted, so nothing was recorded. "
        "Please run `/coe start` again (and ignore a review message without questions)."
    )


# Thread events --------------------------------------------------------------------------------


def parse_thread_message(event: dict[str, Any]) -> ThreadMessage | None:
    """Pick a human message event in a thread out of a Slack event; None for anything else."""
    subtype = event.get("subtype")
    if subtype == "message_deleted":
        kind, message = "deleted", event.get("previous_message") or {}
    elif subtype == "message_changed":
        kind, message = "edited", event.get("message") or {}
    elif subtype in (None, "file_share", "thread_broadcast"):
        kind, message = "reply", event
    else:
        return None
    thread_ts, ts = message.get("thread_ts"), message.get("ts")
    if message.get("bot_id") or message.get("subtype") == "bot_message":
        return None
    if not thread_ts or not ts or thread_ts == ts or not message.get("user"):
        return None
    return ThreadMessage(
        kind=kind,
        channel_id=str(event.get("channel", "")),
        thread_ts=str(thread_ts),
        ts=str(ts),
        user_id=str(message["user"]),
        text=str(message.get("text") or ""),
    )


def keep_thread_event(rt: Runtime, body: dict[str, Any]) -> inbox.Pending | None:
    """Store a COE thread message before it is acknowledged; None if not ours or already kept.

    Runs before the ack, so it is one statement, shared with the listeners storing at the same
    moment (one commit for them all), and no Slack call.
    """
    message = parse_thread_message(body.get("event") or {})
    event_id = body.get("event_id")
    if message is None or not event_id:
        return None
    thread_key = f"{message.channel_id}:{message.thread_ts}"
    payload, now = json.dumps(body), rt.now()
    kept = inbox.store_together(
        rt.engine,
        lambda session: inbox.keep_if_coe_thread(
            session=session,
            event_id=event_id,
            payload=payload,
            channel_id=message.channel_id,
            thread_ts=message.thread_ts,
            message_ts=message.ts,
            now=now,
        ),
    )
    return inbox.Pending(event_id, "message", thread_key, message.ts) if kept else None


def process_thread_event(rt: Runtime, event_id: str) -> None:
    """Apply a stored thread event exactly once, then send what it owes Slack."""
    try:
        ids = _transact(rt, lambda session: _apply_thread_message(rt, session, event_id, None))
    except _Unprepared as unprepared:
        # The owner's timezone is a Slack call: made outside the transaction, which runs again.
        prepared = action_items.prepare_capture(
            rt, author_id=unprepared.author_id, text=unprepared.text
        )
        ids = _transact(rt, lambda session: _apply_thread_message(rt, session, event_id, prepared))
    delivery.deliver(rt, ids)


class _Unprepared(Exception):
    """An action item needs its owner looked up in Slack before its transaction."""

    def __init__(self, author_id: str, text: str) -> None:
        super().__init__(text)
        self.author_id, self.text = author_id, text


def abandon_thread_event(rt: Runtime, event_id: str, error: str) -> None:
    """The reply could not be recorded even after retries: tell its author, not just the log."""
    with Session(rt.engine) as session:
        payload = inbox.get_payload(session=session, event_id=event_id)
        message = parse_thread_message(json.loads(payload).get("event") or {}) if payload else None
        if message is None or message.kind != "reply":
            return
        text = (
            f"Sorry, I could not record your reply “{messages.clip(message.text, 200)}” "
            "(Slack or the database kept failing). Please send it again."
        )
        ids = _ephemeral(rt, session, message, text)
        session.commit()
    delivery.deliver(rt, ids)


def _apply_thread_message(
    rt: Runtime,
    session: Session,
    event_id: str,
    prepared: action_items.Prepared | None,
) -> list[int]:
    payload = inbox.claim(session=session, event_id=event_id, now=rt.now())
    message = parse_thread_message(json.loads(payload).get("event") or {}) if payload else None
    if message is None:
        return []
    coe = coes.find_coe_by_thread(
        session=session, channel_id=message.channel_id, thread_ts=message.thread_ts, lock=True
    )
    if coe is None or coe.status == "starting":
        return []
    chain = coes.load_chain(session=session, coe=coe)
    if message.kind == "deleted":
        return _take_back_deleted(rt, session, coe, chain, message)
    if message.kind == "edited":
        return _revise(rt, session, coe, chain, message)
    reply = core.read_reply(message.text)
    try:
        match reply:
            case core.Answer(text):
                new = core.record_answer(chain, text, message.user_id, message.ts)
            case core.EndChain():
                new = core.end_chain(chain)
            case core.Undo():
                new = core.take_back(chain)
            case core.ActionRequest() as request:
                if prepared is None:
                    raise _Unprepared(message.user_id, request.text)
                return action_items.capture(
                    rt,
                    session,
                    coe=coe,
                    chain=chain,
                    request=request,
                    prepared=prepared,
                    author_id=message.user_id,
                    source_ts=message.ts,
                )
            case _:
                return []
    except (FacilitationError, ActionItemError) as error:
        return _ephemeral(rt, session, message, str(error))
    return _save_and_announce(rt, session, coe, chain, new)


def _take_back_deleted(
    rt: Runtime, session: Session, coe: Coe, chain: Chain, message: ThreadMessage
) -> list[int]:
    try:
        new = core.take_back(chain, answer_ts=message.ts)
    except FacilitationError as error:
        if any(step.answer_ts == message.ts for step in chain.answered):
            return [_thread_notice(rt, session, coe, f"A deleted message was an answer. {error}")]
        return []
    return _save_and_announce(rt, session, coe, chain, new)


def _revise(
    rt: Runtime, session: Session, coe: Coe, chain: Chain, message: ThreadMessage
) -> list[int]:
    try:
        new = core.revise_answer(chain, message.ts, message.text)
    except FacilitationError:
        return []
    coes.save_chain(session=session, coe=coe, chain=new, now=rt.now())
    return []


def end_chain_by_button(rt: Runtime, *, coe_id: int, user_id: str) -> str | None:
    """The "out of ideas" button; returns an error to show the user, or None."""

    def apply(session: Session) -> list[int]:
        coe = coes.get_coe(session=session, coe_id=coe_id, lock=True)
        if coe is None or coe.status == "starting":
            raise FacilitationError("That COE no longer exists.")
        chain = coes.load_chain(session=session, coe=coe)
        return _save_and_announce(rt, session, coe, chain, core.end_chain(chain))

    try:
        ids = _transact(rt, apply)
    except FacilitationError as error:
        return str(error)
    delivery.deliver(rt, ids)
    return None


# Shared steps ---------------------------------------------------------------------------------


def _save_and_announce(
    rt: Runtime, session: Session, coe: Coe, before: Chain, after: Chain
) -> list[int]:
    rows = coes.save_chain(session=session, coe=coe, chain=after, now=rt.now())
    coe_id = _id(coe)
    if after.status is core.Status.CHAIN_DONE:
        summary = messages.build_chain_summary(coe_id, after)
        ids = [_enqueue_thread(rt, session, coe, summary)]
    else:
        taken_back = _taken_back_answer(before, after)
        ids = [_enqueue_prompt(rt, session, coe, after, rows, taken_back)]
    parent = _enqueue_parent_update(rt, session, coe, after)
    # Sent now only if it is due now; otherwise the outbox pass sends it when it is.
    if after.status is core.Status.CHAIN_DONE:
        ids.append(parent)
    return ids


def _taken_back_answer(before: Chain, after: Chain) -> str | None:
    if len(after.answered) < len(before.answered):
        return before.answered[-1].answer
    return None


def _enqueue_prompt(
    rt: Runtime,
    session: Session,
    coe: Coe,
    chain: Chain,
    rows: dict[int, WhyStep],
    taken_back: str | None = None,
) -> int:
    step = chain.open_step
    assert step is not None
    prompt = messages.build_why_prompt(_id(coe), step, taken_back)
    return outbox.enqueue(
        session=session,
        method="chat.postMessage",
        payload={"channel": coe.channel_id, "thread_ts": coe.parent_ts, **prompt},
        now=rt.now(),
        why_step_id=rows[step.number].id,
    )


def _enqueue_thread(rt: Runtime, session: Session, coe: Coe, message: dict[str, Any]) -> int:
    return thread_posts.in_thread(
        rt, session, channel_id=coe.channel_id, thread_ts=coe.parent_ts, message=message
    )


def _thread_notice(rt: Runtime, session: Session, coe: Coe, text: str) -> int:
    return _enqueue_thread(rt, session, coe, messages.build_notice(text))


def _enqueue_parent_update(rt: Runtime, session: Session, coe: Coe, chain: Chain) -> int:
    """Refresh the parent's status line; "asking why #n" waits a moment to absorb a burst.

    chat.update is rate limited per workspace (Tier 3), and a lively thread changes the why
    number faster than anyone reads it; a closed chain is news and goes out at once.
    """
    parent = messages.build_parent(_id(coe), coe.facilitator_id, chain)
    urgent = chain.status is core.Status.CHAIN_DONE
    return outbox.enqueue(
        session=session,
        method="chat.update",
        payload={"channel": coe.channel_id, "ts": coe.parent_ts, **parent},
        now=rt.now(),
        coalesce_key=f"coe-parent:{coe.id}",
        not_before=None if urgent else rt.now() + PARENT_UPDATE_DELAY,
    )


def _ephemeral(rt: Runtime, session: Session, message: ThreadMessage, text: str) -> list[int]:
    return [
        thread_posts.privately(
            rt,
            session,
            channel_id=message.channel_id,
            thread_ts=message.thread_ts,
            user_id=message.user_id,
            text=text,
        )
    ]


def _transact(rt: Runtime, apply: Callable[[Session], list[int]], attempts: int = 5) -> list[int]:
    """Run `apply` in a transaction, again from scratch when another transition won the race."""
    for attempt in range(attempts):
        with Session(rt.engine) as session:
            try:
                ids = apply(session)
                session.commit()
                return ids
            except coes.ConcurrentChange:
                session.rollback()
                if attempt == attempts - 1:
                    raise
    return []


def _reload(session: Session, coe_id: int) -> Coe:
    coe = coes.get_coe(session=session, coe_id=coe_id)
    assert coe is not None
    return coe


def _id(coe: Coe) -> int:
    assert coe.id is not None
    return coe.id
