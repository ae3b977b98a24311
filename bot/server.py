"""Runs the bot: Bolt over HTTP (waitress) or Socket Mode, with the scheduler beside it."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from bot.runtime import Runtime
from storage.db import ping

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


def build_wsgi(app: App, rt: Runtime) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Slack at POST /slack/events, a health check at GET /healthz, 404 elsewhere."""
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/slack/events" and method == "POST":
            return slack(environ, start_response)
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _health(rt, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return wsgi


def _health(rt: Runtime, start_response: StartResponse) -> Iterable[bytes]:
    try:
        ping(rt.engine)
    except Exception:
        log.exception("Health check: database unreachable")
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"database unreachable\n"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]


def make_http_server(app: App, rt: Runtime, host: str = "0.0.0.0", port: int | None = None) -> Any:
    """A waitress server, not yet serving; `port=0` picks a free one (see `.effective_port`)."""
    return create_server(
        build_wsgi(app, rt),
        host=host,
        port=rt.settings.port if port is None else port,
        threads=16,
        ident="coe-bot",
    )


def serve(app: App, rt: Runtime, on_stop: Callable[[], None]) -> None:
    """Serve until SIGINT or SIGTERM."""
    if rt.settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(app, rt.settings.slack_app_token)
        stop = threading.Event()
        _on_signals(stop.set)
        handler.connect()
        log.info("coe-bot connected over Socket Mode")
        stop.wait()
        handler.close()
    else:
        server = make_http_server(app, rt)
        _on_signals(server.close)
        log.info("coe-bot listening on port %s (POST /slack/events)", server.effective_port)
        # Closing the listening socket from the signal handler ends run() with an OSError.
        with contextlib.suppress(OSError):
            server.run()
    on_stop()


def _on_signals(stop: Callable[[], None]) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop())
