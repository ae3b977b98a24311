"""Replies in COE threads: stored before the ack, processed after it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import reviews
from bot.runtime import Runtime


def register(app: App, rt: Runtime) -> None:
    def keep(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        # Stored before the ack: a reply Slack saw acknowledged survives a crash right after it.
        context["kept_event_id"] = body["event_id"] if reviews.keep_thread_event(rt, body) else None
        ack()

    def process(context: BoltContext) -> None:
        if context.get("kept_event_id"):
            reviews.process_thread_event(rt, context["kept_event_id"])

    app.event("message")(ack=keep, lazy=[process])
