"""A fake Slack Web API on loopback: answers like Slack and records every call."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str
    headers: dict[str, str]
    channel: str | None


@dataclass
class FakeSlack:
    """Start with `start()`; `api_url` goes into SLACK_API_URL."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels_without_bot: set[str] = field(default_factory=set)
    archived_channels: set[str] = field(default_factory=set)
    # Deleted, or private without the bot: Slack answers as if they never existed.
    missing_channels: set[str] = field(default_factory=set)
    # The ids of the modals the bot opened, in order.
    opened_views: list[str] = field(default_factory=list)
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _triggers: dict[str, bool] = field(default_factory=dict)
    _response_urls_expired: bool = False
    _held: dict[str, threading.Event] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None

    # Set-up -----------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                status, body, headers = fake._handle(
                    self.path, raw, self.headers.get("Content-Type", "")
                )
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll interval so that `stop()` returns promptly at the end of every test.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/respond/{name}"

    def add_user(self, user_id: str, tz: str = "UTC", **extra: Any) -> None:
        self.users[user_id] = {"id": user_id, "tz": tz, "is_bot": False, "deleted": False, **extra}

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
        failure = _Failure(status, error, headers or {}, channel)
        with self._lock:
            self._failures.setdefault(method, []).extend([failure] * times)

    def rate_limit(self, channel: str, retry_after: int, times: int = 1) -> None:
        """Answer the next `times` posts to `channel` with a 429 and `Retry-After`, as Slack
        does when a channel gets more than about one message a second."""
        headers = {"Retry-After": str(retry_after)}
        self.fail_next("chat.postMessage", "ratelimited", 429, times, headers, channel)

    def hold(self, channel: str) -> threading.Event:
        """Keep posts to `channel` waiting for their answer (a slow Slack) until the event is set.

        Each post is recorded as it arrives, before the wait.
        """
        release = threading.Event()
        self._held[channel] = release
        return release

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
        self, path: str, raw: str, content_type: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        params = _parse(raw, content_type)
        if path.startswith("/respond/"):
            self._record("response_url", {"url_name": path.removeprefix("/respond/"), **params})
            if self._response_urls_expired:
                return 404, {"ok": False, "error": "expired_url"}, {}
            return 200, {"ok": True}, {}
        method = path.removeprefix("/api/")
        self._record(method, params)
        held = self._held.get(str(params.get("channel")))
        if held is not None and method == "chat.postMessage":
            held.wait(timeout=30)
        failure = self._take_failure(method, params.get("channel"))
        if failure:
            return failure.status, {"ok": False, "error": failure.error}, failure.headers
        return 200, self._answer(method, params), {}

    def _take_failure(self, method: str, channel: Any) -> _Failure | None:
        with self._lock:
            queued = self._failures.get(method, [])
            for index, failure in enumerate(queued):
                if failure.channel in (None, channel):
                    return queued.pop(index)
        return None

    def _record(self, method: str, params: dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(Call(method, params))

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "team_id": TEAM_ID,
                "user": "coe",
            }
        if refused := self._refuse_channel(method, channel):
            return {"ok": False, "error": refused}
        if method == "chat.postMessage":
            ts = self.next_ts()
            channel_id = "D" + channel[1:] if channel and channel.startswith("U") else channel
            return {
                "ok": True,
                "channel": channel_id,
                "ts": ts,
                "message": {"ts": ts, "text": params.get("text")},
            }
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": params.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.history":
            return {"ok": True, "messages": [], "has_more": False}
        if method in ("views.open", "views.push") and not self._triggers.get(
            str(params.get("trigger_id")), True
        ):
            return {"ok": False, "error": "expired_trigger_id"}
        if method in ("views.open", "views.push"):
            view_id = "V" + self.next_ts().replace(".", "")
            with self._lock:
                self.opened_views.append(view_id)
            return {"ok": True, "view": {"id": view_id, **(params.get("view") or {})}}
        if method == "views.update":
            return {"ok": True, "view": {"id": params.get("view_id"), **(params.get("view") or {})}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "X"))[1:]}}
        return {"ok": True}

    def _refuse_channel(self, method: str, channel: Any) -> str | None:
        """The error Slack gives for a channel the bot cannot use, if this one is such."""
        if method not in ("chat.postMessage", "chat.postEphemeral", "conversations.history"):
            return None
        if channel in self.missing_channels:
            return "channel_not_found"
        if channel in self.channels_without_bot:
            return "not_in_channel"
        if channel in self.archived_channels and method != "conversations.history":
            return "is_archived"  # an archived channel's history can still be read
        return None

    def next_ts(self) -> str:
        with self._lock:
            return f"1700000000.{next(self._ts):06d}"


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(raw or "{}")
    params: dict[str, Any] = {key: values[0] for key, values in parse_qs(raw).items()}
    for key in ("blocks", "view", "attachments"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params
