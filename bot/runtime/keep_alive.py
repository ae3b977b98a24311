"""Keeps connections to Slack open between Web API calls.

slack_sdk's WebClient calls urllib's `urlopen`, which opens (and, for Slack, TLS-handshakes) a
new connection for every call and closes it after. `urlopen` goes through the opener installed
with `urllib.request.install_opener` (when the client is given no SSL context or proxy of its
own), so installing one whose handler keeps connections in a pool makes every client in the
process reuse them, without touching the SDK.
"""

from __future__ import annotations

import http.client
import io
import select
import socket
import ssl
import threading
import time
import urllib.request
from urllib.error import URLError
from urllib.response import addinfourl

# A connection idle for longer is not reused: the server may be about to close it, and a
# request sent on a connection as it closes may or may not have reached Slack.
MAX_IDLE_SECONDS = 20.0
# Idle connections kept, all hosts together, the least recently used dropped first; more calls
# than this at once open (and close) more.
MAX_IDLE = 16


class KeepAliveHandler(urllib.request.BaseHandler):
    """Opens http(s) URLs on pooled HTTP/1.1 connections, one request at a time each."""

    # Before urllib's own handlers, which would open a new connection.
    handler_order = 400

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self._context = context or ssl.create_default_context()
        self._lock = threading.Lock()
        # Idle connections: (scheme, host), the connection, when it was last used; oldest first.
        self._idle: list[tuple[tuple[str, str], http.client.HTTPConnection, float]] = []

    def http_open(self, req: urllib.request.Request) -> addinfourl | None:
        return self._open(req, "http")

    def https_open(self, req: urllib.request.Request) -> addinfourl | None:
        return self._open(req, "https")

    def _open(self, req: urllib.request.Request, scheme: str) -> addinfourl | None:
        if req.has_proxy():
            return None  # urllib's own handlers know proxies and tunnels
        key = (scheme, req.host)
        timeout = getattr(req, "timeout", None)
        if not isinstance(timeout, int | float):  # urlopen's "no timeout given"
            timeout = socket.getdefaulttimeout()
        connection = self._take(key) or self._connect(scheme, req.host, timeout)
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        headers = {**req.unredirected_hdrs, **req.headers}
        headers.pop("Connection", None)
        try:
            connection.request(req.get_method(), req.selector, req.data, headers)
        except OSError as error:  # as urllib does: it never got an answer
            connection.close()
            raise URLError(error) from error
        try:
            response = connection.getresponse()
            body = response.read()  # all of it, so the connection is free for the next call
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            self._give_back(key, connection)
        answer = addinfourl(io.BytesIO(body), response.msg, req.full_url, response.status)
        answer.msg = response.reason  # type: ignore[attr-defined]  # what urllib's error handling reads
        return answer

    def _connect(self, scheme: str, host: str, timeout: float | None) -> http.client.HTTPConnection:
        if scheme == "https":
            return http.client.HTTPSConnection(host, timeout=timeout, context=self._context)
        return http.client.HTTPConnection(host, timeout=timeout)

    def _take(self, key: tuple[str, str]) -> http.client.HTTPConnection | None:
        """The most recently used idle connection to the host that is still open, if any."""
        while True:
            with self._lock:
                found = next(
                    (n for n in reversed(range(len(self._idle))) if self._idle[n][0] == key), None
                )
                if found is None:
                    return None
                _, connection, since = self._idle.pop(found)
            if time.monotonic() - since < MAX_IDLE_SECONDS and _still_open(connection):
                return connection
            connection.close()

    def _give_back(self, key: tuple[str, str], connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._idle.append((key, connection, time.monotonic()))
            dropped = self._idle[:-MAX_IDLE]
            del self._idle[:-MAX_IDLE]
        for _, old, _ in dropped:
            old.close()


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """Whether the server has not closed it: an idle connection has nothing to read."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


_installed = threading.Lock()
_handler: KeepAliveHandler | None = None


def install() -> KeepAliveHandler:
    """Make `urlopen` in this process reuse connections (once; later calls change nothing)."""
    global _handler
    with _installed:
        if _handler is None:
            _handler = KeepAliveHandler()
            urllib.request.install_opener(urllib.request.build_opener(_handler))
        return _handler
