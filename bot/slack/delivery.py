"""Sends what the outbox owes Slack: at once after a change commits, and again on a schedule."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import Connection
from sqlmodel import Session

from bot.runtime.context import Runtime
from bot.runtime.senders import all_done
from bot.runtime.tuning import (
    ACKS_FIRST_WAIT,
    RECOVER_EVERY,
    SENDERS,
    SENDING_HOLD,
    STALE_CLAIM,
)
from bot.slack import sending
from bot.slack.sending import REACTIONS, Taken
from bot.use_cases.outgoing import Sent
from storage import coes, outbox
from storage.db import read_only

log = logging.getLogger(__name__)


class Queued(list[int]):
    """The messages a transaction queued, with those it took for sending before it committed.

    Its producer sends those the moment the transaction commits, so taking them there saves a
    transaction of its own; `deliver` takes the rest, as it does for plain ids.
    """

    def __init__(self, message_ids: Sequence[int], claimed: Sequence[outbox.Claimed]) -> None:
        super().__init__(message_ids)
        self.claimed = list(claimed)


def take_for_sending(rt: Runtime, session: Session, message_ids: Sequence[int]) -> Queued:
    """In the transaction that queued these messages: take the due ones `deliver` sends first."""
    now = rt.now()
    claimed = outbox.claim(
        session=session, message_ids=message_ids, now=now, live_since=now - SENDING_HOLD
    )
    return Queued(message_ids, claimed)


def deliver(rt: Runtime, message_ids: Sequence[int]) -> None:
    """Send these queued messages now, unless another sender has them or they are not due yet.

    Posts to one channel go one at a time, in the order queued, and wait behind an earlier one
    Slack put off; different channels go side by side. Only the first of a channel's posts is
    taken at once; each later one is taken just before it is sent, in the transaction that
    records the one before it as sent, so a slow Slack cannot make the rest of a batch look
    abandoned to another sender.
    """
    if not message_ids:
        return
    # Of a Queued, what was left untaken is not due, another sender's, or queued behind a
    # post taken here: `_send_in_order` takes that after the post before it.
    if isinstance(message_ids, Queued):
        _send_side_by_side(rt, message_ids.claimed)
        return
    # A few at a time (as many as are sent side by side), each taken just before it is sent.
    ids = sorted(message_ids)
    for start in range(0, len(ids), SENDERS + 1):
        chunk = ids[start : start + SENDERS + 1]
        firsts = _claim(rt, chunk)
        _send_side_by_side(rt, firsts)
        if len(firsts) < len(chunk):
            taken = {message.id for message in firsts}
            _wait_for_other_senders(rt, [each for each in chunk if each not in taken])


def all_sent() -> Future[None]:
    """What `send_soon` returns for nothing to send: done already."""
    done: Future[None] = Future()
    done.set_result(None)
    return done


def send_soon(rt: Runtime, queued: Queued) -> Future[None]:
    """Hand what a transaction took for sending to the senders, and return without waiting;
    what it returns is done once Slack has answered its posts (not its marks and updates,
    which keep no order).

    For a handler whose thread is better spent on the next request than on Slack's answer:
    a burst of replies was bound by the worker's threads waiting on Slack, not by the CPU.
    Each channel's later posts still follow the one before them (`_send_side_by_side`).
    """
    # In hand from now, not from when a sender takes them: while they wait for a thread, the
    # outbox pass must not give them back as a dead sender's.
    rt.in_hand.sending.update(message.id for message in queued.claimed)
    if "senders" in rt.settings.without:
        for message in queued.claimed:
            _send_alone(rt, message)
        return all_sent()
    posts = []
    for message in queued.claimed:
        sent = rt.senders.submit(_send_alone, rt, message)
        if message.channel is not None and message.method not in REACTIONS:
            posts.append(sent)
    return all_done(posts)


def _send_alone(rt: Runtime, message: outbox.Claimed) -> None:
    # As the worker does: Slack gives up on a request not acked in three seconds, and a
    # burst's acks took up to 1.4 times longer on PostgreSQL when these sends did not wait.
    rt.acks.wait_for_quiet(ACKS_FIRST_WAIT)
    try:
        _send_side_by_side(rt, [message])
    except Exception:
        # What Slack said is recorded, and the message is retried or given up as it says;
        # nobody waits on this thread to hear it.
        log.exception("Sending outbox message %s failed", message.id)


def _send_side_by_side(rt: Runtime, firsts: Sequence[outbox.Claimed]) -> None:
    """Send these messages side by side (the first on this thread, the others on the senders'
    pool, or all here if this is one of its threads), then the posts queued behind them.

    Each round is recorded in one transaction: what Slack took, and the next post of each
    channel, taken there for the next round (it waited for the one before it, which another
    sender skipped, and would otherwise wait for a poll).
    """
    messages = list(firsts)
    while messages:
        in_hand = [message.id for message in messages]
        rt.in_hand.sending.update(in_hand)
        try:
            outcomes = _send_all(rt, messages)
            taken = [(m, o) for m, o in outcomes if not isinstance(o, Exception)]
            messages = _record(rt, taken)
        finally:
            rt.in_hand.sending.difference_update(in_hand)
        # What was sent is recorded first: a lane that failed does not undo the others.
        for _, outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome


def _send_all(
    rt: Runtime, messages: Sequence[outbox.Claimed]
) -> list[tuple[outbox.Claimed, Taken | Exception | None]]:
    """Each message with what Slack took of it (None: not taken, and that is recorded), or
    what its send raised."""
    if rt.senders.is_current() or "senders" in rt.settings.without:
        return [(message, _attempt(rt, message)) for message in messages]
    others = [rt.senders.submit(_attempt, rt, message) for message in messages[1:]]
    first = _attempt(rt, messages[0])
    return list(zip(messages, [first, *(other.result() for other in others)], strict=True))


def _attempt(rt: Runtime, message: outbox.Claimed) -> Taken | Exception | None:
    try:
        return sending.send(rt, message, lambda ids: deliver(rt, ids))
    except Exception as error:
        return error


def _record(
    rt: Runtime, results: Sequence[tuple[outbox.Claimed, Taken | Exception | None]]
) -> list[outbox.Claimed]:
    """Record the messages Slack took as sent, and take the next post to each channel.

    In a transaction shared with the other senders recording at the same moment: under a
    burst, a commit each was a good part of a reply's whole cost.
    """
    if all(message.channel is None and sent is None for message, sent in results):
        return []
    now = rt.now()
    # Each channel's last message in this round: its next post is the one after that.
    last_sent: dict[str, int] = {}
    for message, _ in results:
        if message.channel is not None:
            last_sent[message.channel] = max(message.id, last_sent.get(message.channel, 0))

    def record(connection: Connection) -> list[outbox.Claimed]:
        for message, sent in results:
            if not isinstance(sent, Taken):
                continue
            outbox.mark_sent(session=connection, message_id=message.id, ts=sent.ts, now=now)
            if message.why_step_id is not None and sent.ts:
                coes.set_prompt_ts(session=connection, step_id=message.why_step_id, ts=sent.ts)
        claimed: list[outbox.Claimed] = []
        for channel, last in last_sent.items():
            after = outbox.due_in_channel(
                session=connection, channel=channel, after=last, now=now, limit=1
            )
            claimed += outbox.claim(
                session=connection, message_ids=after, now=now, live_since=now - SENDING_HOLD
            )
        return claimed

    claimed = rt.write_together(record)
    return sorted(claimed, key=lambda message: message.id)


def _wait_for_other_senders(rt: Runtime, message_ids: Sequence[int]) -> None:
    """Wait, no longer than a sender may take, while another sender (the outbox pass, say,
    which found them due first) has some of these messages in hand: whoever queued them
    counts on their having been tried once `deliver` returns."""
    deadline = time.monotonic() + SENDING_HOLD.total_seconds()
    while message_ids and time.monotonic() < deadline:
        now = rt.now()
        with Session(read_only(rt.engine)) as session:
            message_ids = outbox.being_sent(
                session=session, message_ids=message_ids, live_since=now - SENDING_HOLD
            )
        if message_ids:
            time.sleep(0.02)


def _claim(rt: Runtime, message_ids: Sequence[int]) -> list[outbox.Claimed]:
    now = rt.now()
    with Session(rt.engine) as session:
        claimed = outbox.claim(
            session=session, message_ids=message_ids, now=now, live_since=now - SENDING_HOLD
        )
        session.commit()
    return claimed


def deliver_due(rt: Runtime) -> int:
    """Send everything due, including retries and messages a dead process left mid-send."""
    now = rt.now()
    last = rt.in_hand.recovered_at
    with Session(rt.engine) as session:
        if last is None or not timedelta(0) <= now - last < RECOVER_EVERY:
            outbox.recover_stale(
                session=session, claimed_before=now - STALE_CLAIM, in_hand=rt.in_hand.sending.copy()
            )
            rt.in_hand.recovered_at = now
        ids = outbox.due_ids(session=session, now=now, live_since=now - SENDING_HOLD)
        session.commit()
    deliver(rt, ids)
    return len(ids)


def outcomes(rt: Runtime, queued: list[Sent]) -> list[Sent]:
    """`queued` with what became of each message: sent, or still waiting and why."""
    with Session(read_only(rt.engine)) as session:
        states = outbox.states(session=session, message_ids=[s.outbox_id for s in queued])
    return [
        replace(sent, status=states[sent.outbox_id][0], error=states[sent.outbox_id][1])
        if sent.outbox_id in states
        else sent
        for sent in queued
    ]
