"""A fake Slack Web API on loopback: answers like Slack and records every call."""

from __future__ import annotations

import itertools
import json
import socket
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
class Channel:
    """A channel as the fake knows it: who is in it, and whether it is private."""

    id: str
    private: bool = False
    members: set[str] = field(default_factory=set)
    bot_member: bool = True

    def info(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.id.lower(),
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.private,
            "is_archived": False,
            "is_member": self.bot_member,
        }


# Slack refuses more blocks than these in a message, and in a modal or Home view.
SECTION_TEXT = 3000
HEADER_TEXT = 150
PAGE_SIZE_LIMIT = 999


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
            protocol_version = "HTTP/1.1"  # as Slack: connections stay open between calls
            # An answer's headers and body are two writes: with Nagle's algorithm on, the body
            # waits for the client's delayed ACK of the headers (40 ms) on a reused connection.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                fake.connections.add(self.client_address)
                self.close_connection = fake.drop_connections  # without saying so first
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                fake._before_answer(self.path)
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

            def finish(self) -> None:
                super().finish()
                if self.close_connection and fake.drop_connections:
                    self.connection.shutdown(socket.SHUT_WR)  # the client sees it closed
                    with fake._lock:
                        fake.dropped += 1

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        # A short poll interval so that `stop()` returns promptly at the end of every test.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def _before_answer(self, path: str) -> None:
        """Called as each request comes in, before it is answered (a slower Slack waits here)."""

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
    ) -> Channel:
        channel = Channel(channel_id, private, set(members), bot_member)
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
        if path.startswith("/upload/"):
            self._record("file_upload", {"file_id": path.removeprefix("/upload/"), "content": raw})
            return 200, {"ok": True}, {}
        if path.startswith("/respond/"):
            call = self._record(
                "response_url", {"url_name": path.removeprefix("/respond/"), **params}
            )
            if self._response_urls_expired:
                return 404, {"ok": False, "error": "expired_url"}, {}
            refused = self._over_limits(call)
            # A response_url answers in plain text, with a 400 for a message it refuses.
            return (
                (400, {"ok": False, "error": refused}, {}) if refused else (200, {"ok": True}, {})
            )
        method = path.removeprefix("/api/")
        call = self._record(method, params)
        held = self._held.get(str(params.get("channel")))
        if held is not None and method == "chat.postMessage":
            held.wait(timeout=30)
        failure = self._take_failure(method, params.get("channel"))
        if failure:
            return failure.status, {"ok": False, "error": failure.error}, failure.headers
        refused = self._over_limits(call)
        if refused:
            return 200, {"ok": False, "error": refused}, {}
        return 200, self._answer(method, params), {}

    def _take_failure(self, method: str, channel: Any) -> _Failure | None:
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
        if method == "views.publish":
            view = params.get("view") or {}
            if view.get("type") != "home" or str(params.get("user_id", "")) not in self.users:
                return {"ok": False, "error": "invalid_arguments"}
            return {"ok": True, "view": {"id": "V" + self.next_ts().replace(".", ""), **view}}
        if method == "conversations.info":
            found = self._visible_channel(str(channel))
            return {"ok": True, "channel": found.info()} if found else _not_found()
        if method == "conversations.members":
            found = self._visible_channel(str(channel))
            if found is None:
                return _not_found()
            return _page(sorted(found.members), params, "members")
        if method == "users.conversations":
            return self._users_conversations(params)
        return {"ok": True}

    def _visible_channel(self, channel_id: str) -> Channel | None:
        """The channel as the bot may see it: a private channel it is not in does not exist."""
        if not channel_id.startswith(("C", "G")):
            return None
        found = self.channels.get(channel_id) or Channel(channel_id)
        return found if found.bot_member or not found.private else None

    def _users_conversations(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user", BOT_USER_ID))
        types = str(params.get("types") or "public_channel").split(",")
        listed = [
            channel.info()
            for channel in sorted(self.channels.values(), key=lambda channel: channel.id)
            # With a bot token, a private channel is listed only if the bot is in it too.
            if user in channel.members
            and ("private_channel" if channel.private else "public_channel") in types
            and (channel.bot_member or not channel.private)
        ]
        return _page(listed, params, "channels")

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


def _not_found() -> dict[str, Any]:
    return {"ok": False, "error": "channel_not_found"}


def _page(entries: list[Any], params: dict[str, Any], name: str) -> dict[str, Any]:
    """One page of a cursor-paginated list, as Slack serves it."""
    limit = int(params.get("limit") or 100)
    if not 0 < limit <= PAGE_SIZE_LIMIT:
        return {"ok": False, "error": "invalid_limit"}
    start = int(str(params.get("cursor") or "offset:0").removeprefix("offset:"))
    end = start + limit
    cursor = f"offset:{end}" if end < len(entries) else ""
    return {"ok": True, name: entries[start:end], "response_metadata": {"next_cursor": cursor}}


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(raw or "{}")
    params: dict[str, Any] = {key: values[0] for key, values in parse_qs(raw).items()}
    for key in ("blocks", "view", "attachments"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params


# Slack's limits -------------------------------------------------------------------------------

MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")
VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


class Invalid(Exception):
    """A payload Slack refuses; the message is Slack's error code."""


def limit_error(method: str, params: dict[str, Any]) -> str | None:
    """The error Slack answers `params` with for being over its limits or misshapen, if any."""
    try:
        if method in MESSAGE_METHODS:
            _check_message(params)
        elif method in VIEW_METHODS:
            _check_view(params.get("view"))
    except Invalid as error:
        return str(error)
    return None


def _check_message(params: dict[str, Any]) -> None:
    text, blocks = params.get("text"), params.get("blocks")
    if text is not None and (not isinstance(text, str) or len(text) > 40_000):
        raise Invalid("msg_too_long")
    if blocks is None:
        return
    if not isinstance(blocks, list) or len(blocks) > 50:
        raise Invalid("invalid_blocks")
    _check_blocks(blocks)
    if _text_length(blocks) > 12_000:
        raise Invalid("msg_blocks_too_long")


def _check_view(view: Any) -> None:
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise Invalid("invalid_arguments")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or len(blocks) > 100:
        raise Invalid("invalid_blocks")
    for key in ("title", "submit", "close"):
        if key in view:
            _text(view[key], 24, plain_only=True)
    if len(str(view.get("private_metadata", ""))) > 3000:
        raise Invalid("invalid_arguments")
    _check_blocks(blocks)


def _check_blocks(blocks: list[Any]) -> None:
    ids = [block.get("block_id") for block in blocks if isinstance(block, dict)]
    if len([i for i in ids if i]) != len({i for i in ids if i}):
        raise Invalid("invalid_blocks")
    for block in blocks:
        if not isinstance(block, dict):
            raise Invalid("invalid_blocks")
        _check_block(block)


def _check_block(block: dict[str, Any]) -> None:
    kind = block.get("type")
    if len(str(block.get("block_id", ""))) > 255:
        raise Invalid("invalid_blocks")
    if kind == "section":
        if "text" not in block and "fields" not in block:
            raise Invalid("invalid_blocks")
        if "text" in block:
            _text(block["text"], 3000)
        fields = block.get("fields", [])
        if not isinstance(fields, list) or len(fields) > 10:
            raise Invalid("invalid_blocks")
        for item in fields:
            _text(item, 2000)
        if "accessory" in block:
            _element(block["accessory"])
    elif kind == "header":
        _text(block.get("text"), 150, plain_only=True)
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
            raise Invalid("invalid_blocks")
        for item in elements:
            _text(item, 3000)
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
            raise Invalid("invalid_blocks")
        for item in elements:
            _element(item)
    elif kind == "input":
        _text(block.get("label"), 2000, plain_only=True)
        _element(block.get("element"))
    elif kind != "divider":
        raise Invalid("invalid_blocks")


def _element(element: Any) -> None:
    if not isinstance(element, dict):
        raise Invalid("invalid_blocks")
    if len(str(element.get("action_id", ""))) > 255:
        raise Invalid("invalid_blocks")
    if element.get("type") == "button":
        _text(element.get("text"), 75, plain_only=True)
        if len(str(element.get("value", ""))) > 2000:
            raise Invalid("invalid_blocks")
    options = element.get("options")
    if options is not None:
        if not isinstance(options, list) or not 1 <= len(options) <= 100:
            raise Invalid("invalid_blocks")
        for option in options:
            _option(option)
    if "initial_option" in element:
        _option(element["initial_option"])
    if "placeholder" in element:
        _text(element["placeholder"], 150, plain_only=True)


def _option(option: Any) -> None:
    if not isinstance(option, dict) or len(str(option.get("value", ""))) > 150:
        raise Invalid("invalid_blocks")
    _text(option.get("text"), 75, plain_only=True)


def _text(value: Any, limit: int, plain_only: bool = False) -> None:
    """A text object: a type Slack allows there, and between 1 and `limit` characters."""
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise Invalid("invalid_blocks")
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    if value.get("type") not in allowed or not 1 <= len(value["text"]) <= limit:
        raise Invalid("invalid_blocks")


def _text_length(value: Any) -> int:
    if isinstance(value, dict):
        return sum(
            len(item) if key == "text" and isinstance(item, str) else _text_length(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return sum(_text_length(item) for item in value)
    return 0
