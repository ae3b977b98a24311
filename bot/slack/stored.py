"""Slack requests kept for the worker: stored before the ack, answered from the worker."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.webhook import WebhookClient
from sqlmodel import Session

from bot.runtime import Runtime
from bot.slack.blocks import clip
from storage import inbox

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side and nothing was changed. Please try again."

Body = dict[str, Any]


def keep(rt: Runtime, kind: str, body: Body) -> None:
    """Store a command or interaction for the worker, then wake it. Runs before the ack."""
    key = f"{kind}:{body.get('trigger_id') or body.get('view', {}).get('id')}"
    with Session(rt.engine) as session:
        inbox.keep(session=session, key=key, kind=kind, payload=json.dumps(body), now=rt.now())
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
            respond(body, SORRY)

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


def respond(body: Body, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    """Answer the person who asked, privately, through the request's response_url."""
    url = body.get("response_url")
    if not url:
        log.warning("No response_url to answer with: %s", text)
        return
    client = WebhookClient(url, timeout=10)
    response = client.send(
        text=text, blocks=blocks, response_type="ephemeral", replace_original=False
    )
    if response.status_code != 200 and blocks:
        # Refused for its size or shape: the person still hears something rather than nothing.
        log.error("Slack refused an answer through response_url: %s", response.body)
        client.send(
            text=f"Sorry, Slack refused my answer ({response.body}). {clip(text, 1000)}",
            response_type="ephemeral",
            replace_original=False,
        )


def user_id(body: Body) -> str:
    """Who sent a command (`user_id`) or clicked (`user.id`)."""
    return str(body.get("user_id") or body["user"]["id"])
