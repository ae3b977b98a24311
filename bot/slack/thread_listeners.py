"""Replies in COE threads, and :x: reactions on them: stored before the ack; the worker
processes them (bot/use_cases/reviews.py)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App

from bot.runtime.context import Runtime
from bot.use_cases import reviews
from storage import group_commit, inbox

# The reaction that says "that was no answer".
TAKE_BACK_REACTION = "x"


def register(app: App, rt: Runtime) -> None:
    def keep(ack: Ack, body: dict[str, Any]) -> None:
        # Stored before the ack: a reply Slack saw acknowledged survives a crash right after it.
        stored = reviews.keep_thread_event(rt, body)
        if stored is not None:
            rt.notify(stored)
        ack()

    def keep_reaction(ack: Ack, body: dict[str, Any]) -> None:
        stored = _keep_take_back(rt, body)
        if stored is not None:
            rt.notify(stored)
        ack()

    app.event("message")(keep)
    app.event("reaction_added")(keep_reaction)


def reaction(body: dict[str, Any]) -> tuple[str, str, str] | None:
    """The channel, message ts and user of a :x: on a message; None for any other reaction."""
    event = body.get("event") or {}
    item = event.get("item") or {}
    if event.get("reaction") != TAKE_BACK_REACTION or item.get("type") != "message":
        return None
    channel, ts, user = item.get("channel"), item.get("ts"), event.get("user")
    if not (channel and ts and user):
        return None
    return str(channel), str(ts), str(user)


def _keep_take_back(rt: Runtime, body: dict[str, Any]) -> inbox.Pending | None:
    found = reaction(body)
    event_id = body.get("event_id")
    if found is None or not event_id:
        return None
    channel_id, message_ts, _ = found
    payload, now = json.dumps(body), rt.now()
    return group_commit.write_together(
        rt.engine,
        lambda session: inbox.keep_if_coe_channel(
            session=session,
            event_id=str(event_id),
            payload=payload,
            channel_id=channel_id,
            message_ts=message_ts,
            now=now,
        ),
    )
