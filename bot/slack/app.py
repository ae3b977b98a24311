"""Builds the Bolt app: one per process, no module-level globals."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse

from bot.runtime import Runtime
from bot.slack import action_item_listeners, commands, interactions, threads

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side and nothing was changed. Please try again."


def build_app(rt: Runtime) -> App:
    settings = rt.settings
    app = App(
        client=rt.slack,
        signing_secret=settings.slack_signing_secret,
        request_verification_enabled=not settings.socket_mode,
        # Every listener is an `ack` function that runs in the request thread and does no Slack
        # call, plus `lazy` functions that run on the pool after the response has gone out.
        # (Without this, Bolt runs the ack function on the pool too, and a busy pool delays acks.)
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(max_workers=8, thread_name_prefix="coe-listener"),
    )
    commands.register(app, rt)
    threads.register(app, rt)
    interactions.register(app, rt)
    action_item_listeners.register(app, rt)
    app.error(_on_error)
    return app


def _on_error(error: Exception, body: dict[str, Any], respond: Any) -> BoltResponse | None:
    log.error("Listener failed", exc_info=error)
    if body.get("response_url"):
        try:
            respond(text=SORRY, response_type="ephemeral", replace_original=False)
        except Exception:
            log.exception("Could not tell the user about the failure")
    return None
