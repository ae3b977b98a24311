"""Use cases of the 5-Whys session: start a review, take a thread reply, end the chain."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session

from bot.core import corrections, replies
from bot.core import facilitation as core
from bot.core.action_items import ActionItemError
from bot.core.facilitation import Chain, FacilitationError
from bot.core.review_text import coe_key, took_back
from bot.core.slack_text import clip, neutralize
from bot.use_cases import action_items, canvases, channels, users
from bot.use_cases.context import Context
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
)
from storage import coes, inbox
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


@dataclass(frozen=True)
class Started:
    """A COE opened: its parent message is posted, and why #1 queued (`message_ids`)."""

    coe_id: int
    channel_id: str
    parent_ts: str
    message_ids: list[int]


def start_review(
    rt: Context, *, team_id: str, channel_id: str, user_id: str, problem: str
) -> Started | str:
    """Open a COE in the channel: post its parent message and queue why #1; or the error to
    show the user, with nothing kept."""
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
        session.commit()
    return Started(coe_id, channel_id, parent_ts, ids)


def after_start(rt: Context, started: Started) -> None:
    """What a new COE learns from Slack once its first why is on its way: what its channel is
    (which decides the other COEs its thread may name), and its permalink (until it is kept,
    links are made from the parent's ts)."""
    channels.described(rt, [started.channel_id])
    permalink = _permalink(rt, started.channel_id, started.parent_ts)
    if permalink is not None:
        with Session(rt.engine) as session:
            coes.set_permalink(session=session, coe_id=started.coe_id, permalink=permalink)
            session.commit()


def _permalink(rt: Context, channel_id: str, ts: str) -> str | None:
    """Slack's link to the parent, kept for every place that names the COE; None if refused."""
    try:
        return rt.read().permalink(channel_id, ts)
    except LookupFailed as error:
        log.warning("No permalink for %s/%s: %s", channel_id, ts, error)
        return None


def _forget(rt: Context, coe_id: int) -> None:
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


# Thread messages ------------------------------------------------------------------------------


def prepare(
    rt: Context, message: ThreadMessage, reply: replies.Reply | None
) -> action_items.Prepared | None:
    """What a thread message needs from Slack, looked up before its transaction: the owner of an
    `action:` line, and the names of the people it mentions, which quotes of it show instead of
    pinging them."""
    prepared = None
    if message.kind != "deleted" and isinstance(reply, replies.ActionRequest):
        prepared = action_items.prepare_capture(rt, author_id=message.user_id, text=reply.text)
    users.learn_mentioned(rt, message.text)
    return prepared


class AnswerNotYetRecorded(Exception):
    """A :x: on a reply still waiting to be processed: tried again once it is."""


def take_back_by_reaction(
    rt: Context, session: Session, *, event_id: str, channel_id: str, message_ts: str
) -> list[int]:
    """A :x: on a reply the bot took as an answer: take it back, as `undo` does for it, in the
    caller's transaction; what it queued."""
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
        new = corrections.withdraw(chain, message_ts)
    except FacilitationError:
        return []
    ids = save_and_announce(rt, session, coe, chain, new)
    if new.open_step == chain.open_step or new.open_step is None:
        taken = next(s for s in chain.answered if s.answer_ts == message_ts)
        names = names_for(session, chain)
        ids.append(thread_notice(rt, session, coe, took_back(taken.answer or "", names)))
    return ids


def not_recorded(rt: Context, message: ThreadMessage) -> list[int]:
    """The reply could not be recorded even after retries: tell its author, not just the log."""
    if message.kind != "reply":
        return []
    with Session(rt.engine) as session:
        quoted = clip(neutralize(message.text, users.names_in(session, message.text)), 200)
        text = (
            f"Sorry, I could not record your reply “{quoted}” "
            "(Slack or the database kept failing). Please send it again."
        )
        ids = _ephemeral(rt, session, message, text)
        session.commit()
    return ids


def take_message(
    rt: Context,
    session: Session,
    event_id: str,
    message: ThreadMessage,
    reply: replies.Reply | None,
    prepared: action_items.Prepared | None,
) -> list[int]:
    """A stored thread message, applied once, in the caller's transaction; what it queued."""
    if not inbox.claim(session=session, event_id=event_id, now=rt.now()):
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
        return _revise(rt, session, coe, chain, message, reply, prepared)
    follow_up = replies.ActionRequest | replies.DueDate | replies.Export
    if coe.closed_at is not None and not isinstance(reply, follow_up):
        return _closed(rt, session, coe, message, reply)
    try:
        return _apply_reply(rt, session, coe, chain, message, reply, prepared)
    except (FacilitationError, ActionItemError) as error:
        return _ephemeral(rt, session, message, str(error))


def _apply_reply(
    rt: Context,
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
            return canvases.export(rt, session, coe=coe, user_id=message.user_id)
        case replies.ActionRequest() as request:
            return _capture(rt, session, coe, chain, message, request, prepared)
        case replies.DueDate(phrase):
            return action_items.date_latest(
                rt, session, coe=coe, author_id=message.user_id, phrase=phrase
            )
    # Chatter, asides, and discussion once the team ran out of ideas: nothing to record.
    return []


def _capture(
    rt: Context,
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
    rt: Context, session: Session, coe: Coe, message: ThreadMessage, reply: replies.Reply | None
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
    rt: Context, session: Session, coe: Coe, message: ThreadMessage, kind: str, text: str
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
    if not kept:
        return []
    return [
        reaction(rt, session, coe, message.ts),
        *canvases.changed(rt, session, coe_id=coe_id_of(coe)),
    ]


def _take_back_deleted(
    rt: Context, session: Session, coe: Coe, chain: Chain, message: ThreadMessage
) -> list[int]:
    try:
        new = core.take_back(chain, answer_ts=message.ts)
    except FacilitationError as error:
        if any(step.answer_ts == message.ts for step in chain.answered):
            return [thread_notice(rt, session, coe, f"A deleted message was an answer. {error}")]
        return []
    return save_and_announce(rt, session, coe, chain, new, message_deleted=True)


def _revise(
    rt: Context,
    session: Session,
    coe: Coe,
    chain: Chain,
    message: ThreadMessage,
    reply: replies.Reply | None,
    prepared: action_items.Prepared | None,
) -> list[int]:
    """An edited answer is recorded as edited; an edited `action:` line that was refused is
    read again."""
    if isinstance(request := reply, replies.ActionRequest):
        if action_items.recorded_from(session, coe=coe, source_ts=message.ts):
            return []
        try:
            return _capture(rt, session, coe, chain, message, request, prepared)
        except ActionItemError as error:
            return _ephemeral(rt, session, message, str(error))
    try:
        new = corrections.revise_answer(chain, message.ts, message.text)
    except FacilitationError:
        return []
    coes.save_chain(session=session, coe=coe, chain=new, now=rt.now())
    return []


def _ephemeral(rt: Context, session: Session, message: ThreadMessage, text: str) -> list[int]:
    say = rt.say(session)
    return [
        say.tell_privately(
            channel_id=message.channel_id,
            thread_ts=message.thread_ts,
            user_id=message.user_id,
            text=text,
        )
    ]
