"""The worker's side of a stored command, click or form: run it once or until it is recorded,
and answer the person who sent it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.webhook import WebhookClient
from sqlmodel import Session

from bot.runtime.context import Runtime
from bot.slack import delivery
from bot.slack.blocks import clip
from bot.slack.stored_request import RECEIVED, SORRY, user_id
from bot.use_cases.outcome import Outcome
from storage import inbox, outbox
from storage.inbox import StoredRequest

log = logging.getLogger(__name__)

# Slack takes answers through a response_url for 30 minutes; past that, it refuses them.
RESPONSE_URL_LIFETIME = timedelta(minutes=29)

Body = dict[str, Any]
Handler = Callable[[Runtime, StoredRequest], None]


def claimed(work: Callable[[Runtime, Body], None]) -> Handler:
    """A worker handler that takes the request first, so it runs at most once.

    Commands and clicks call Slack along the way; running one twice could post twice, so a
    failure is reported to the user instead of retried.
    """

    def handle(rt: Runtime, request: StoredRequest) -> None:
        with Session(rt.engine) as session:
            taken = inbox.claim(session=session, event_id=request.key, now=rt.now())
            session.commit()
        if not taken:
            return
        try:
            work(rt, request.body)
        except Exception:
            log.exception("Stored request %s failed", request.key)
            respond(rt, request.body, SORRY)

    return handle


def retried(work: Callable[[Runtime, Body], None]) -> Handler:
    """A worker handler for work that is safe to repeat: marked processed only once it is done.

    A failure propagates, so the worker tries again later.
    """

    def handle(rt: Runtime, request: StoredRequest) -> None:
        work(rt, request.body)
        with Session(rt.engine) as session:
            inbox.mark_processed(session=session, event_id=request.key, now=rt.now())
            session.commit()

    return handle


def load(rt: Runtime, key: str) -> StoredRequest | None:
    """The stored request, for a route told that the worker gave up on it."""
    with Session(rt.engine) as session:
        return inbox.load(session=session, event_id=key)


def answer(rt: Runtime, body: Body, outcome: Outcome, done: str = "") -> None:
    """Send what a use case queued, then tell the person who asked what it said (`done` when
    it succeeded and said nothing)."""
    delivery.deliver(rt, outcome.message_ids)
    text = outcome.message or (done if outcome.ok else "")
    if text:
        respond(rt, body, text)


def respond(rt: Runtime, body: Body, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    """Answer the person who asked, privately: through the request's response_url while Slack
    still takes it, else by a direct message (after half an hour, an ephemeral in the channel
    is easily missed, and gone on reload)."""
    url = body.get("response_url")
    if url and not _response_url_expired(rt, body):
        try:
            # No retry of its own: an answer Slack got but did not confirm would show twice.
            response = WebhookClient(url, timeout=10, retry_handlers=[]).send(
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
