"""The App Home tab: an `app_home_opened` event is stored before the ack; the worker publishes."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.runtime.context import Runtime
from bot.runtime.worker import Notify
from bot.use_cases import home


def register(app: App, rt: Runtime, notify: Notify) -> None:
    def keep(ack: Ack, body: dict[str, Any]) -> None:
        if home.keep_opened(rt, body):
            notify()
        ack()

    app.event("app_home_opened")(keep)
