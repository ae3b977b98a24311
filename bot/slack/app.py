"""Builds the Bolt app: one per process, no module-level globals."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.runtime.context import Runtime
from bot.runtime.worker import Notify, wake_nobody
from bot.slack import (
    action_item_listeners,
    button_listeners,
    channel_listeners,
    command_listeners,
    home_listeners,
    thread_listeners,
)
from bot.slack.stored_request import SORRY

log = logging.getLogger(__name__)


def build_app(rt: Runtime, notify: Notify = wake_nobody) -> App:
    """Every listener acks in the request thread after storing what the worker should do, and
    calls `notify` with what it stored (a worker's `wake`, here or in another process).

    Listeners leave calling Slack to the worker (bot/runtime/worker.py, with the handlers of
    routes.py), once the ack has gone out; the one exception opens a modal while the click's
    trigger_id is fresh (see action_item_listeners.open_loading_modal).
    """
    settings = rt.settings
    app = App(
        client=rt.slack,
        signing_secret=settings.slack_signing_secret,
        # Over HTTP, bot/runtime/server.py checks the signature before anything is parsed and
        # hands Bolt the body it read; Socket Mode needs none.
        request_verification_enabled=False,
        # Run the listener in the request thread. Otherwise Bolt runs it on a pool and polls
        # for the ack every 10 ms, which is most of a bare Bolt app's response time.
        process_before_response=True,
    )
    command_listeners.register(app, rt, notify)
    # Before the thread's listener: Bolt runs the first that matches, and both take messages.
    channel_listeners.register(app, rt, notify)
    thread_listeners.register(app, rt, notify)
    home_listeners.register(app, rt, notify)
    button_listeners.register(app, rt, notify)
    action_item_listeners.register(app, rt, notify)
    app.error(_on_error)
    return app


def _on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Answer a failed listener in its own response: an ephemeral for a person.

    An event gets a 503, so that Slack delivers it again: what failed before the ack is
    storing it (the database), and that is worth a retry.
    """
    log.error("Listener failed", exc_info=error)
    if body.get("type") == "event_callback":
        return BoltResponse(status=503, body="")
    return BoltResponse(
        status=200,
        body=json.dumps({"response_type": "ephemeral", "text": SORRY}),
        headers={"content-type": "application/json"},
    )
