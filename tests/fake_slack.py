"""A fake Slack Web API on loopback: answers like Slack and records every call."""

from __future__ import annotations

import itertools
import json
import math
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fake_answers import BOT_ID, BOT_USER_ID, TEAM_ID, Call, Channel, answer, parse
from tests.fake_failures import LATE, LOST, Failure, wait_for_hang_up
from tests.slack_limits import limit_error

__all__ = ["BOT_ID", "BOT_USER_ID", "TEAM_ID", "Call", "Channel", "FakeSlack"]


class _Server(ThreadingHTTPServer):
    # A burst opens hundreds of connections at once; the default backlog of 5 would drop some,
    # and a dropped connection is retried a whole second later.
    request_queue_size = 1024


@dataclass
class FakeSlack:
    """Start with `start()`; `api_url` goes into SLACK_API_URL.

    A channel no test added (`add_channel`) is a public one with nobody but the bot in it.
    """

    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    channels_without_bot: set[str] = field(default_factory=set)
    # Calls Slack would refuse for its limits (not failures a test injected with `fail_next`).
    rejected: list[tuple[Call, str]] = field(default_factory=list)
    rejections_expected: bool = False
    archived_channels: set[str] = field(default_factory=set)
    # Deleted, or private without the bot: Slack answers as if they never existed.
    missing_channels: set[str] = field(default_factory=set)
    # The ids of the modals the bot opened, in order.
    opened_views: list[str] = field(default_factory=list)
    # The client end (host, port) of every connection a call came in on.
    connections: set[tuple[str, int]] = field(default_factory=set)
    # Close each connection once it has answered a call, as a server ends an idle one.
    drop_connections: bool = False
    dropped: int = 0
    # Calls Slack did whose answer never reached the bot (`lose_answer`, `answer_late`).
    unanswered: int = 0
    # What the bot posted, as conversations.replies shows it: channel, ts, thread_ts, text, files.
    messages: list[dict[str, Any]] = field(default_factory=list)
    # (channel, ts, name) of every reaction on a message.
    reactions: set[tuple[str, str, str]] = field(default_factory=set)
    # File id -> its bytes once uploaded (None until then).
    uploads: dict[str, str | None] = field(default_factory=dict)
    # Canvas id -> its title, channel_id, markdown and how many edits it had.
    canvases: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What apps.connections.open hands out: the WebSocket of Socket Mode (bench/socket_mode.py).
    socket_url: str | None = None
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _triggers: dict[str, bool] = field(default_factory=dict)
    _response_urls_expired: bool = False
    _held: dict[tuple[str, str], threading.Event] = field(default_factory=dict)
    # Method -> seconds of its next 429, then when that one's Retry-After is up (`limit_rate`).
    _limited: dict[str, float] = field(default_factory=dict)
    _limited_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None

    # Set-up -----------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # as Slack: connections stay open between calls
            # An answer's headers and body are two writes: with Nagle's algorithm on, the body
            # waits for the client's delayed ACK of the headers (40 ms) on a reused connection.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                fake.connections.add(self.client_address)
                self.close_connection = fake.drop_connections  # without saying so first
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                fake._before_answer(self.path)
                status, body, headers = fake._handle(
                    self.path, raw, self.headers.get("Content-Type", "")
                )
                if status in (LOST, LATE):
                    if status == LATE:
                        wait_for_hang_up(self.connection)
                    self.close_connection = True  # with no answer at all
                    with fake._lock:
                        fake.unanswered += 1
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def finish(self) -> None:
                super().finish()
                if self.close_connection and fake.drop_connections:
                    self.connection.shutdown(socket.SHUT_WR)  # the client sees it closed
                    with fake._lock:
                        fake.dropped += 1

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._listen(self._server)
        # A short poll interval so that `stop()` returns promptly at the end of every test.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def _listen(self, server: ThreadingHTTPServer) -> None:
        """Called once the server is bound, before it serves (the bench's Slack speaks TLS)."""

    def _before_answer(self, path: str) -> None:
        """Called as each request comes in, before it is answered (a slower Slack waits here)."""

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}"

    @property
    def scheme(self) -> str:
        return "http"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/respond/{name}"

    def add_user(
        self,
        user_id: str,
        tz: str = "UTC",
        display_name: str | None = None,
        real_name: str | None = None,
        **extra: Any,
    ) -> None:
        """A user as users.info describes them; UALICE is shown as "Alice" unless named."""
        shown = user_id[1:].capitalize() if display_name is None else display_name
        full = f"{user_id[1:].capitalize()} Example" if real_name is None else real_name
        self.users[user_id] = {
            "id": user_id,
            "name": user_id.lower(),
            "real_name": full,
            "tz": tz,
            "is_bot": False,
            "deleted": False,
            "profile": {"display_name": shown, "real_name": full},
            **extra,
        }

    def expect_rejections(self) -> None:
        """This test sends Slack something over its limits on purpose: don't fail it for that."""
        self.rejections_expected = True

    def add_channel(
        self,
        channel_id: str,
        *,
        private: bool = False,
        members: tuple[str, ...] = (),
        bot_member: bool = True,
        ext_shared: bool = False,
    ) -> Channel:
        channel = Channel(channel_id, private, set(members), bot_member, ext_shared)
        self.channels[channel_id] = channel
        return channel

    def fail_next(
        self,
        method: str,
        error: str = "internal_error",
        status: int = 200,
        times: int = 1,
        headers: dict[str, str] | None = None,
        channel: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (to `channel`, if given) fail as Slack fails."""
        self._add_failure(method, Failure(status, error, headers or {}, channel), times)

    def _add_failure(self, method: str, failure: Failure, times: int) -> None:
        with self._lock:
            self._failures.setdefault(method, []).extend([failure] * times)

    def rate_limit(self, channel: str, retry_after: int, times: int = 1) -> None:
        """Answer the next `times` posts to `channel` with a 429 and `Retry-After`, as Slack
        does when a channel gets more than about one message a second."""
        headers = {"Retry-After": str(retry_after)}
        self.fail_next("chat.postMessage", "ratelimited", 429, times, headers, channel)

    def limit_rate(self, method: str, retry_after: int = 1) -> None:
        """Answer the next call of `method` with a 429 and `Retry-After`, and every call of it
        until that time is up the same way, as Slack does once a method's tier is spent."""
        self._limited[method] = float(retry_after)

    def lose_answer(self, method: str, channel: str | None = None, times: int = 1) -> None:
        """Do the next `times` calls of `method` (to `channel`, if given), then close their
        connection without an answer: the bot cannot tell whether Slack did them."""
        self._add_failure(method, Failure(200, "", {}, channel, LOST), times)

    def answer_late(self, method: str, channel: str | None = None) -> None:
        """Do the next call of `method` (to `channel`, if given) at once, but answer only after
        the bot has given up waiting: its answer is lost on the way."""
        self._add_failure(method, Failure(200, "", {}, channel, LATE), 1)

    def hold(self, channel: str, method: str = "chat.postMessage") -> threading.Event:
        """Keep calls of `method` to `channel` waiting (a slow Slack) until the event is set:
        each is recorded as it arrives, and done and answered once released."""
        release = threading.Event()
        self._held[(method, channel)] = release
        return release

    def shared_files(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The files the bot shared in a thread, in the order they appeared."""
        with self._lock:
            return [
                file
                for message in self.messages
                if message["channel"] == channel and message.get("thread_ts") == thread_ts
                for file in message.get("files") or []
            ]

    def new_trigger(self) -> str:
        """A trigger_id for a click or command, as Slack gives one out with each."""
        with self._lock:
            trigger = f"trigger-{len(self._triggers) + 1}"
            self._triggers[trigger] = True
            return trigger

    def expire_triggers(self) -> None:
        """Every trigger_id given out so far is now more than three seconds old."""
        with self._lock:
            self._triggers = dict.fromkeys(self._triggers, False)

    def expire_response_urls(self) -> None:
        """Every response_url is now more than 30 minutes old."""
        self._response_urls_expired = True

    # Reading what was sent --------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def posted(self, channel: str | None = None, thread_ts: str | None = None) -> list[Call]:
        return [
            call
            for call in self.calls_to("chat.postMessage")
            if (channel is None or call.get("channel") == channel)
            and (thread_ts is None or call.get("thread_ts") == thread_ts)
        ]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
        """`predicate()` once it is true. The timeout only ends a test that is failing anyway:
        generous, for a machine under load."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting; calls so far: {[c.method for c in self.calls]}"
                )
            time.sleep(0.02)
        return result

    def wait_for_calls(self, method: str, count: int, timeout: float = 30.0) -> list[Call]:
        return self.wait_for(
            lambda: len(self.calls_to(method)) >= count and self.calls_to(method), timeout
        )

    # Answering --------------------------------------------------------------------------------

    def _handle(
        self, path: str, data: bytes, content_type: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if path.startswith("/upload/"):  # a document's text ("file_upload"), or a picture's bytes
            file_id, raw = path.removeprefix("/upload/"), data.decode(errors="replace")
            kind = "file_upload" if raw.encode() == data else "binary_upload"
            self._record(kind, {"file_id": file_id, "content": raw, "bytes": data})
            with self._lock:
                if file_id not in self.uploads:
                    return 404, {"ok": False, "error": "file_not_found"}, {}
                self.uploads[file_id] = raw
            return 200, {"ok": True}, {}
        params = parse(data.decode(), content_type)
        if path.startswith("/respond/"):
            call = self._record(
                "response_url", {"url_name": path.removeprefix("/respond/"), **params}
            )
            if self._response_urls_expired:
                return 404, {"ok": False, "error": "expired_url"}, {}
            lost = self._take_failure("response_url", None)
            if lost is not None and lost.kind in (LOST, LATE):
                return int(lost.kind), {}, {}
            refused = self._over_limits(call)
            # A response_url answers in plain text, with a 400 for a message it refuses.
            return (
                (400, {"ok": False, "error": refused}, {}) if refused else (200, {"ok": True}, {})
            )
        method = path.removeprefix("/api/")
        call = self._record(method, params)
        channel = params.get("channel") or params.get("channel_id")
        held = self._held.get((method, str(channel)))
        if held is not None:
            held.wait(timeout=30)
        if (wait := self._rate_limited(method)) is not None:
            headers = {"Retry-After": str(wait)}
            return 429, {"ok": False, "error": "ratelimited"}, headers
        failure = self._take_failure(method, channel)
        if failure and failure.kind == "refuse":
            return failure.status, {"ok": False, "error": failure.error}, failure.headers
        refused = self._over_limits(call)
        if refused:
            return 200, {"ok": False, "error": refused}, {}
        body = answer(self, method, params)
        return (int(failure.kind) if failure else 200), body, {}

    def _rate_limited(self, method: str) -> int | None:
        """The Retry-After to answer this call of `method` with, if it comes too soon."""
        now = time.monotonic()
        with self._lock:
            if method in self._limited:
                self._limited_until[method] = now + self._limited.pop(method)
            until = self._limited_until.get(method, 0.0)
        return max(1, math.ceil(until - now)) if now < until else None

    def _take_failure(self, method: str, channel: Any) -> Failure | None:
        with self._lock:
            queued = self._failures.get(method, [])
            for index, failure in enumerate(queued):
                if failure.channel in (None, channel):
                    return queued.pop(index)
        return None

    def _record(self, method: str, params: dict[str, Any]) -> Call:
        call = Call(method, params)
        with self._lock:
            self.calls.append(call)
        return call

    def _over_limits(self, call: Call) -> str | None:
        refused = limit_error(call.method, call.params)
        if refused:
            with self._lock:
                self.rejected.append((call, refused))
        return refused

    def next_ts(self) -> str:
        with self._lock:
            return f"1700000000.{next(self._ts):06d}"
