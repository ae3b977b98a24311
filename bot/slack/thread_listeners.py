"""Replies in COE threads: stored before the ack; the worker processes them (reviews.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.runtime.context import Runtime
from bot.use_cases import reviews


def register(app: App, rt: Runtime) -> None:
    def keep(ack: Ack, body: dict[str, Any]) -> None:
        # Stored before the ack: a reply Slack saw acknowledged survives a crash right after it.
        stored = reviews.keep_thread_event(rt, body)
        if stored is not None:
            rt.notify(stored)
        ack()

    app.event("message")(keep)
