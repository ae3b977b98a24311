"""Replies in COE threads, and :x: reactions on them: stored before the ack
(bot/slack/thread_events.py); the worker processes them."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.runtime.context import Runtime
from bot.runtime.worker import Notify
from bot.slack import thread_events


def register(app: App, rt: Runtime, notify: Notify) -> None:
    def keep(ack: Ack, body: dict[str, Any]) -> None:
        # Stored before the ack: a reply Slack saw acknowledged survives a crash right after it.
        stored = thread_events.keep_message(rt, body)
        if stored is not None:
            notify(stored)
        ack()

    def keep_reaction(ack: Ack, body: dict[str, Any]) -> None:
        stored = thread_events.keep_reaction(rt, body)
        if stored is not None:
            notify(stored)
        ack()

    app.event("message")(keep)
    app.event("reaction_added")(keep_reaction)
