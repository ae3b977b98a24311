"""Replies in COE threads: stored before the ack, processed after it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext

from bot import reviews
from bot.runtime import Runtime


def register(app: App, rt: Runtime) -> None:
    def keep_before_ack(
        body: dict[str, Any], context: BoltContext, next: Callable[[], None]
    ) -> None:
        # Storing first means a reply Slack saw acknowledged survives a crash right after the ack.
        context["kept_event_id"] = body["event_id"] if reviews.keep_thread_event(rt, body) else None
        next()

    def process_reply(context: BoltContext) -> None:
        if context.get("kept_event_id"):
            reviews.process_thread_event(rt, context["kept_event_id"])

    app.event("message", middleware=[keep_before_ack])(process_reply)
