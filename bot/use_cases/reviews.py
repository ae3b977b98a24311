"""Use cases of the 5-Whys session: start a review, take a thread reply, end the chain."""

from __future__ import annotations

import json
import logging
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.core import facilitation as core
from bot.core import replies
from bot.core.action_items import ActionItemError
from bot.core.facilitation import Chain, FacilitationError
from bot.core.review_text import coe_key, took_back
from bot.core.slack_text import clip, neutralize
from bot.runtime.context import Runtime
from bot.slack import delivery
from bot.use_cases import action_items, channels, documents, users
from bot.use_cases.outgoing import Refused
from bot.use_cases.reading import LookupFailed
from bot.use_cases.review_posts import (
    coe_id_of,
    enqueue_prompt,
    names_for,
    reaction,
    reload,
    save_and_announce,
    thread_notice,
    transact,
)
from storage import coes, group_commit, inbox
from storage.models import Coe

log = logging.getLogger(__name__)

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
    users.learn_mentioned(rt, problem)
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
        coe_id = coe_id_of(coe)
        names = names_for(session, chain)
    try:
        parent_ts = rt.say().post_parent(
            coe_id=coe_id, channel_id=channel_id, facilitator_id=user_id, chain=chain, names=names
        )
    except Exception as error:
        _forget(rt, coe_id)
        return _start_failed(coe_id, channel_id, error)
    with Session(rt.engine) as session:
        coe = reload(session, coe_id)
        coes.mark_started(session=session, coe=coe, parent_ts=parent_ts)
        rows = coes.save_chain(session=session, coe=coe, chain=chain, now=rt.now())
        ids = [enqueue_prompt(rt, session, coe, chain, rows, names=names)]
        queued = delivery.take_for_sending(rt, session, ids)
        session.commit()
    delivery.send_soon(rt, queued)
    # What the channel is decides which other COEs its thread may name (related causes).
    channels.described(rt, [channel_id])
    # The first why does not wait for the link: until it is kept, links are made from the ts.
    permalink = _permalink(rt, channel_id, parent_ts)
    if permalink is not None:
        with Session(rt.engine) as session:
            coes.set_permalink(session=session, coe_id=coe_id, permalink=permalink)
            session.commit()
    return None


def _permalink(rt: Runtime, channel_id: str, ts: str) -> str | None:
    """Slack's link to the parent, kept for every place that names the COE; None if refused."""
    try:
        return rt.read().permalink(channel_id, ts)
    except LookupFailed as error:
        log.warning("No permalink for %s/%s: %s", channel_id, ts, error)
        return None


def _forget(rt: Runtime, coe_id: int) -> None:
    with Session(rt.engine) as session:
        coes.delete_coe(session=session, coe_id=coe_id)
        session.commit()


def _start_failed(coe_id: int, channel_id: str, error: Exception) -> str:
    """What to tell the person whose `/coe start` could not be posted; nothing was kept."""
    if isinstance(error, Refused):
        code = str(error)
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
    kept = group_commit.write_together(
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
    if not kept:
        return None
    fresh = inbox.Fresh(payload, now)
    return inbox.Pending(event_id, inbox.RequestKind.MESSAGE, thread_key, message.ts, fresh)


def process_thread_event(rt: Runtime, request: inbox.StoredRequest) -> Future[None]:
    """Apply a stored thread event exactly once, then hand what it owes Slack to the senders;
    returns what is done once Slack has answered."""
    event_id = request.key
    message = parse_thread_message(request.body.get("event") or {})
    # Slack calls are made here, never inside the transaction: the owner's timezone, and the
    # names of the people the reply mentions, which quotes of it show instead of pinging them.
    prepared = _prepare_action(rt, message)
    if message is not None:
        users.learn_mentioned(rt, message.text)
    ids = transact(
        rt, lambda session: _apply_thread_message(rt, session, event_id, message, prepared)
    )
    return delivery.send_soon(rt, ids)


class AnswerNotYetRecorded(Exception):
    """A :x: on a reply still waiting to be processed: tried again once it is."""


def withdraw_answer(
    rt: Runtime, *, event_id: str, channel_id: str, message_ts: str, user_id: str
) -> Future[None]:
    """A :x: on a reply the bot took as an answer: take it back, as `undo` does for it."""

    def apply(session: Session) -> list[int]:
        if not inbox.claim(session=session, event_id=event_id, now=rt.now()):
            return []
        coe_id = coes.answer_in(session=session, channel_id=channel_id, answer_ts=message_ts)
        if coe_id is None:
            if inbox.reply_waiting(session=session, channel_id=channel_id, message_ts=message_ts):
                raise AnswerNotYetRecorded(message_ts)
            return []  # a :x: on conversation, or on a message the bot never took
        coe = coes.get_coe(session=session, coe_id=coe_id, lock=True)
        if coe is None or coe.closed_at is not None:
            return []
        chain = coes.load_chain(session=session, coe=coe)
        try:
            new = core.withdraw(chain, message_ts)
        except FacilitationError:
            return []
        ids = save_and_announce(rt, session, coe, chain, new)
        if new.open_step == chain.open_step or new.open_step is None:
            taken = next(s for s in chain.answered if s.answer_ts == message_ts)
            names = names_for(session, chain)
            ids.append(thread_notice(rt, session, coe, took_back(taken.answer or "", names)))
        return ids

    return delivery.send_soon(rt, transact(rt, apply))


def abandon_thread_event(rt: Runtime, event_id: str, error: str) -> None:
    """The reply could not be recorded even after retries: tell its author, not just the log."""
    with Session(rt.engine) as session:
        request = inbox.load(session=session, event_id=event_id)
        message = parse_thread_message(request.body.get("event") or {}) if request else None
        if message is None or message.kind != "reply":
            return
        quoted = clip(neutralize(message.text, users.names_in(session, message.text)), 200)
        text = (
            f"Sorry, I could not record your reply “{quoted}” "
            "(Slack or the database kept failing). Please send it again."
        )
        ids = _ephemeral(rt, session, message, text)
        session.commit()
    delivery.deliver(rt, ids)


def _prepare_action(rt: Runtime, message: ThreadMessage | None) -> action_items.Prepared | None:
    if message is None or message.kind == "deleted":
        return None
    reply = replies.read_reply(message.text)
    if not isinstance(reply, replies.ActionRequest):
        return None
    return action_items.prepare_capture(rt, author_id=message.user_id, text=reply.text)


def _apply_thread_message(
    rt: Runtime,
    session: Session,
    event_id: str,
    message: ThreadMessage | None,
    prepared: action_items.Prepared | None = None,
) -> list[int]:
    if not inbox.claim(session=session, event_id=event_id, now=rt.now()) or message is None:
        return []
    coe = coes.find_coe_by_thread(
        session=session, channel_id=message.channel_id, thread_ts=message.thread_ts, lock=True
    )
    if coe is None or coe.status == core.Status.STARTING:
        return []
    chain = coes.load_chain(session=session, coe=coe)
    if message.kind == "deleted":
        return _take_back_deleted(rt, session, coe, chain, message)
    if message.kind == "edited":
        return _revise(rt, session, coe, chain, message, prepared)
    reply = replies.read_reply(message.text)
    follow_up = replies.ActionRequest | replies.DueDate | replies.Export
    if coe.closed_at is not None and not isinstance(reply, follow_up):
        return _closed(rt, session, coe, message, reply)
    try:
        return _apply_reply(rt, session, coe, chain, message, reply, prepared)
    except (FacilitationError, ActionItemError) as error:
        return _ephemeral(rt, session, message, str(error))


def _apply_reply(
    rt: Runtime,
    session: Session,
    coe: Coe,
    chain: Chain,
    message: ThreadMessage,
    reply: replies.Reply | None,
    prepared: action_items.Prepared | None,
) -> list[int]:
    """One reply, one transition; raises `FacilitationError` with the message for its author."""
    new = core.apply(chain, reply, message.user_id, message.ts)
    if new is not None:
        return save_and_announce(rt, session, coe, chain, new)
    match reply:
        case replies.Note(kind, text):
            return _keep_note(rt, session, coe, message, kind, text)
        case replies.Export():
            return documents.queue_upload(rt, session, coe=coe, user_id=message.user_id)
        case replies.ActionRequest() as request:
            return _capture(rt, session, coe, chain, message, request, prepared)
        case replies.DueDate(phrase):
            return action_items.date_latest(
                rt, session, coe=coe, author_id=message.user_id, phrase=phrase
            )
    # Chatter, asides, and discussion once the team ran out of ideas: nothing to record.
    return []


def _capture(
    rt: Runtime,
    session: Session,
    coe: Coe,
    chain: Chain,
    message: ThreadMessage,
    request: replies.ActionRequest,
    prepared: action_items.Prepared | None,
) -> list[int]:
    return action_items.capture(
        rt,
        session,
        coe=coe,
        chain=chain,
        request=request,
        # Read before the transaction from the same text, so never missing here.
        prepared=prepared or action_items.Prepared(),
        author_id=message.user_id,
        source_ts=message.ts,
    )


def _closed(
    rt: Runtime, session: Session, coe: Coe, message: ThreadMessage, reply: replies.Reply | None
) -> list[int]:
    """A closed COE keeps following up on its items but takes no more answers."""
    if isinstance(reply, replies.Answer | replies.Aside) or reply is None:
        return []
    text = (
        f"{coe_key(coe_id_of(coe))} is closed, so that was not recorded. "
        f"The facilitator can reopen it with `/coe reopen {coe_key(coe_id_of(coe))}`."
    )
    return _ephemeral(rt, session, message, text)


def _keep_note(
    rt: Runtime, session: Session, coe: Coe, message: ThreadMessage, kind: str, text: str
) -> list[int]:
    kept = coes.add_note(
        session=session,
        coe_id=coe_id_of(coe),
        kind=kind,
        text=text,
        author_id=message.user_id,
        source_ts=message.ts,
        now=rt.now(),
    )
    return [reaction(rt, session, coe, message.ts)] if kept else []


def _take_back_deleted(
    rt: Runtime, session: Session, coe: Coe, chain: Chain, message: ThreadMessage
) -> list[int]:
    try:
        new = core.take_back(chain, answer_ts=message.ts)
    except FacilitationError as error:
        if any(step.answer_ts == message.ts for step in chain.answered):
            return [thread_notice(rt, session, coe, f"A deleted message was an answer. {error}")]
        return []
    return save_and_announce(rt, session, coe, chain, new, message_deleted=True)


def _revise(
    rt: Runtime,
    session: Session,
    coe: Coe,
    chain: Chain,
    message: ThreadMessage,
    prepared: action_items.Prepared | None,
) -> list[int]:
    """An edited answer is recorded as edited; an edited `action:` line that was refused is
    read again."""
    if isinstance(request := replies.read_reply(message.text), replies.ActionRequest):
        if action_items.recorded_from(session, coe=coe, source_ts=message.ts):
            return []
        try:
            return _capture(rt, session, coe, chain, message, request, prepared)
        except ActionItemError as error:
            return _ephemeral(rt, session, message, str(error))
    try:
        new = core.revise_answer(chain, message.ts, message.text)
    except FacilitationError:
        return []
    coes.save_chain(session=session, coe=coe, chain=new, now=rt.now())
    return []


def _ephemeral(rt: Runtime, session: Session, message: ThreadMessage, text: str) -> list[int]:
    say = rt.say(session)
    return [
        say.tell_privately(
            channel_id=message.channel_id,
            thread_ts=message.thread_ts,
            user_id=message.user_id,
            text=text,
        )
    ]
