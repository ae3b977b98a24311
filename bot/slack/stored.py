"""Slack requests kept for the worker: stored before the ack, answered from the worker."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.webhook import WebhookClient
from sqlmodel import Session

from bot import delivery
from bot.runtime import Runtime
from bot.slack.blocks import clip
from storage import inbox, outbox

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side and nothing was changed. Please try again."
# Slack takes answers through a response_url for 30 minutes; past that, it refuses them.
RESPONSE_URL_LIFETIME = timedelta(minutes=29)
# When the request came, noted in the stored body: Slack's command payloads carry no time.
RECEIVED = "coe_received_at"

Body = dict[str, Any]


def keep(rt: Runtime, kind: str, body: Body) -> None:
    """Store a command or interaction for the worker, then wake it. Runs before the ack."""
    key = f"{kind}:{body.get('trigger_id') or body.get('view', {}).get('id')}"
    payload = json.dumps({**body, RECEIVED: rt.now().isoformat()})
    with Session(rt.engine) as session:
        inbox.keep(session=session, key=key, kind=kind, payload=payload, now=rt.now())
        session.commit()
    rt.notify()


def claimed(work: Callable[[Runtime, Body], None]) -> Callable[[Runtime, str], None]:
    """A worker handler that takes the request first, so it runs at most once.

    Commands and clicks call Slack along the way; running one twice could post twice, so a
    failure is reported to the user instead of retried.
    """

    def handle(rt: Runtime, key: str) -> None:
        with Session(rt.engine) as session:
            payload = inbox.claim(session=session, event_id=key, now=rt.now())
            session.commit()
        if payload is None:
            return
        body = json.loads(payload)
        try:
            work(rt, body)
        except Exception:
            log.exception("Stored request %s failed", key)
            respond(rt, body, SORRY)

    return handle


def retried(work: Callable[[Runtime, Body], None]) -> Callable[[Runtime, str], None]:
    """A worker handler for work that is safe to repeat: marked processed only once it is done.

    A failure propagates, so the worker tries again later.
    """

    def handle(rt: Runtime, key: str) -> None:
        with Session(rt.engine) as session:
            payload = inbox.get_payload(session=session, event_id=key)
        if payload is None:
            return
        work(rt, json.loads(payload))
        with Session(rt.engine) as session:
            inbox.mark_processed(session=session, event_id=key, now=rt.now())
            session.commit()

    return handle


def load(rt: Runtime, key: str) -> Body | None:
    """The stored request, as Slack sent it."""
    with Session(rt.engine) as session:
        payload = inbox.get_payload(session=session, event_id=key)
    return json.loads(payload) if payload else None


def respond(rt: Runtime, body: Body, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    """Answer the person who asked, privately: through the request's response_url while Slack
    still takes it, else by a direct message (after half an hour, an ephemeral in the channel
    is easily missed, and gone on reload)."""
    url = body.get("response_url")
    if url and not _response_url_expired(rt, body):
        try:
            response = WebhookClient(url, timeout=10).send(
                text=text, blocks=blocks, response_type="ephemeral", replace_original=False
            )
        except Exception as error:  # unreachable or timed out: the message may not have landed
            log.warning("Answering through the response_url failed: %s", error)
        else:
            if response.status_code == 200:
                return
            log.warning("response_url refused: %s %s", response.status_code, response.body)
            if blocks:
                # Refused for its size or shape: the person still hears something, as text.
                text, blocks = f"Sorry, Slack refused my answer as it was. {clip(text, 3000)}", None
    message = {"channel": user_id(body), "text": text, **({"blocks": blocks} if blocks else {})}
    with Session(rt.engine) as session:
        message_id = outbox.enqueue(
            session=session, method="chat.postMessage", payload=message, now=rt.now()
        )
        session.commit()
    delivery.deliver(rt, [message_id])


def _response_url_expired(rt: Runtime, body: Body) -> bool:
    received = body.get(RECEIVED)
    if not received:
        return False  # stored before the time was noted: try it, and see
    return rt.now() - datetime.fromisoformat(received) > RESPONSE_URL_LIFETIME


def user_id(body: Body) -> str:
    """Who sent a command (`user_id`) or clicked (`user.id`)."""
    return str(body.get("user_id") or body["user"]["id"])
