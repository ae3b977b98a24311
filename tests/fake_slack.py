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


@dataclass
class FakeSlack:
    """Start with `start()`; `api_url` goes into SLACK_API_URL."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels_without_bot: set[str] = field(default_factory=set)
    _failures: dict[str, list[tuple[int, str, dict[str, str]]]] = field(default_factory=dict)
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
        name = user_id[1:].title()  # UCAROL is "Carol"
        self.users[user_id] = {
            "id": user_id,
            "name": name.lower(),
            "tz": tz,
            "is_bot": False,
            "deleted": False,
            "profile": {"display_name": name, "real_name": f"{name} Example"},
            **extra,
        }

    def fail_next(
        self,
        method: str,
        error: str = "internal_error",
        status: int = 200,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make the next `times` calls of `method` fail the way Slack fails."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, error, headers or {})] * times)

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

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting; calls so far: {[c.method for c in self.calls]}")

    def wait_for_calls(self, method: str, count: int, timeout: float = 10.0) -> list[Call]:
        return self.wait_for(
            lambda: len(self.calls_to(method)) >= count and self.calls_to(method), timeout
        )

    # Answering --------------------------------------------------------------------------------

    def _handle(
        self, path: str, raw: str, content_type: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        params = _parse(raw, content_type)
        if path.startswith("/upload/"):
            self._record("file_upload", {"file_id": path.removeprefix("/upload/"), "content": raw})
            return 200, {"ok": True}, {}
        if path.startswith("/respond/"):
            self._record("response_url", {"url_name": path.removeprefix("/respond/"), **params})
            return 200, {"ok": True}, {}
        method = path.removeprefix("/api/")
        self._record(method, params)
        with self._lock:
            queued = self._failures.get(method)
            failure = queued.pop(0) if queued else None
        if failure:
            status, error, headers = failure
            return status, {"ok": False, "error": error}, headers
        return 200, self._answer(method, params), {}

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
        if method == "chat.postMessage":
            if channel in self.channels_without_bot:
                return {"ok": False, "error": "not_in_channel"}
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
        if method in ("views.open", "views.update", "views.push"):
            return {
                "ok": True,
                "view": {"id": "V" + self.next_ts().replace(".", ""), **(params.get("view") or {})},
            }
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {"ok": True, "permalink": f"https://acme.slack.com/archives/{channel}/p{ts}"}
        if method == "files.getUploadURLExternal":
            file_id = "F" + self.next_ts().replace(".", "")
            return {
                "ok": True,
                "upload_url": f"{self.base_url}/upload/{file_id}",
                "file_id": file_id,
            }
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": json.loads(params.get("files") or "[]")}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "X"))[1:]}}
        return {"ok": True}

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
