"""Messages and :x: reactions in COE threads, Slack's side: read once out of Slack's event, stored
before the ack in that form, then handled by the worker (bot/use_cases/reviews.py does what
they mean).
"""

from __future__ import annotations

import dataclasses
import json
from concurrent.futures import Future
from typing import Any

from bot.core import replies
from bot.runtime.context import Runtime
from bot.slack import delivery, stored
from bot.use_cases import reviews
from bot.use_cases.reviews import ThreadMessage
from storage import inbox
from storage.inbox import StoredRequest

Body = dict[str, Any]
# The reaction that says "that was no answer".
TAKE_BACK_REACTION = "x"


def parse_thread_message(event: Body) -> ThreadMessage | None:
    """A human message event in a thread, as the use cases read it; None for anything else."""
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


def keep_message(rt: Runtime, body: Body) -> inbox.Pending | None:
    """Store a COE thread message, as read, before it is acknowledged; None if not ours or
    already kept.

    Runs before the ack, so it is one statement, shared with the listeners storing at the same
    moment (one commit for them all), and no Slack call.
    """
    message = parse_thread_message(body.get("event") or {})
    event_id = body.get("event_id")
    if message is None or not event_id:
        return None
    payload, now = json.dumps({"message": dataclasses.asdict(message)}), rt.now()
    kept = rt.write_together(
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
    thread_key = f"{message.channel_id}:{message.thread_ts}"
    fresh = inbox.Fresh(payload, now)
    return inbox.Pending(event_id, inbox.RequestKind.MESSAGE, thread_key, message.ts, fresh)


def stored_message(body: Body) -> ThreadMessage | None:
    """The message a stored request holds; a request stored by a release before this one holds
    Slack's event as it came."""
    if "message" in body:
        return ThreadMessage(**body["message"])
    return parse_thread_message(body.get("event") or {})


def handle_message(rt: Runtime, request: StoredRequest) -> Future[None]:
    """Apply a stored thread message exactly once, then hand what it queued to the senders;
    done once Slack has answered its posts."""
    message = stored_message(request.body)
    if message is None:
        return delivery.all_sent()
    reply = replies.read_reply(message.text) if message.kind != "deleted" else None
    # Slack is asked here, never inside the transaction.
    prepared = reviews.prepare(rt, message, reply)
    queued = rt.transact(
        lambda session: delivery.take_for_sending(
            rt,
            session,
            reviews.take_message(rt, session, request.key, message, reply, prepared),
        )
    )
    return delivery.send_soon(rt, queued)


def abandon_message(rt: Runtime, key: str, error: str) -> None:
    """The worker gave up on a stored message: its author hears it was not recorded."""
    request = stored.load(rt, key)
    message = stored_message(request.body) if request else None
    if message is not None:
        delivery.deliver(rt, reviews.not_recorded(rt, message))


def reaction(body: Body) -> tuple[str, str, str] | None:
    """The channel, message ts and user of a :x: on a message; None for any other reaction."""
    event = body.get("event") or {}
    item = event.get("item") or {}
    if event.get("reaction") != TAKE_BACK_REACTION or item.get("type") != "message":
        return None
    channel, ts, user = item.get("channel"), item.get("ts"), event.get("user")
    if not (channel and ts and user):
        return None
    return str(channel), str(ts), str(user)


def keep_reaction(rt: Runtime, body: Body) -> inbox.Pending | None:
    """Store a :x: on a message of a channel that holds a COE, before it is acknowledged."""
    found = reaction(body)
    event_id = body.get("event_id")
    if found is None or not event_id:
        return None
    channel_id, message_ts, _ = found
    payload, now = json.dumps(body), rt.now()
    return rt.write_together(
        lambda session: inbox.keep_if_coe_channel(
            session=session,
            event_id=str(event_id),
            payload=payload,
            channel_id=channel_id,
            message_ts=message_ts,
            now=now,
        ),
    )


def handle_reaction(rt: Runtime, request: StoredRequest) -> Future[None]:
    """A stored :x:: the answer it names taken back, once."""
    found = reaction(request.body)
    if found is None:
        return delivery.all_sent()
    channel_id, message_ts, _ = found
    queued = rt.transact(
        lambda session: delivery.take_for_sending(
            rt,
            session,
            reviews.take_back_by_reaction(
                rt, session, event_id=request.key, channel_id=channel_id, message_ts=message_ts
            ),
        )
    )
    return delivery.send_soon(rt, queued)
