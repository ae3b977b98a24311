"""Runs the bot: Bolt over HTTP (waitress) or Socket Mode, with the scheduler beside it."""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from waitress.server import create_server

from bot.runtime.context import Runtime
from bot.slack.request_body import MAX_BODY, MalformedRequest, read_body, signature_ok
from storage.db import ping

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


def build_wsgi(app: App, rt: Runtime) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Slack at POST /slack/events, a health check at GET /healthz, 404 elsewhere."""
    secret = rt.settings.slack_signing_secret or ""

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/slack/events" and method == "POST":
            with rt.acks.acking():
                return _slack(app, secret, environ, start_response)
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _health(rt, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return wsgi


def _slack(
    app: App, secret: str, environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes]:
    """Check a request's size and signature, read it, and hand Bolt what was read.

    Bolt is given the body as read here, re-encoded as JSON: it never parses a body itself, so
    whatever it could not parse is answered 400 here, and a form whose text happens to contain
    "payload" reaches it whole. Someone else's garbage is one warning line, never a traceback.
    """
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _refuse(start_response, 400, "the Content-Length is not a number")
    if length > MAX_BODY:
        return _refuse(start_response, 413, f"the body is over {MAX_BODY} bytes")
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    headers = _headers(environ)
    if not signature_ok(
        secret,
        raw,
        headers.get("x-slack-request-timestamp"),
        headers.get("x-slack-signature"),
        time.time(),
    ):
        return _refuse(start_response, 401, "it is not signed with the signing secret")
    try:
        body = read_body(raw, headers.get("content-type", ""))
    except MalformedRequest as error:
        return _refuse(start_response, 400, str(error))
    headers["content-type"] = "application/json"
    request = BoltRequest(
        body=json.dumps(body), query=environ.get("QUERY_STRING", ""), headers=headers
    )
    response = app.dispatch(request)
    wsgi_response = WsgiHttpResponse(response.status, response.headers, response.body)
    start_response(wsgi_response.status, wsgi_response.get_headers())
    return wsgi_response.get_body()


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    """The request's headers by lower-case name, as Bolt reads them."""
    headers = {
        key[5:].lower().replace("_", "-"): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return headers


def _refuse(start_response: StartResponse, status: int, reason: str) -> Iterable[bytes]:
    log.warning("Refused a request to /slack/events (%s): %s", status, reason)
    phrase = {400: "Bad Request", 401: "Unauthorized", 413: "Payload Too Large"}[status]
    start_response(f"{status} {phrase}", [("Content-Type", "text/plain")])
    return [f"{reason}\n".encode()]


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
        # Refused with a 413 as soon as the Content-Length (or a chunked body) says so.
        max_request_body_size=MAX_BODY + 1,
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
