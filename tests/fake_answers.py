"""What the fake Slack records (a call, a channel) and how it answers each Web API method, from
what it holds: people, channels, the messages the bot posted (and the files it shared in them),
and the reactions on messages."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from tests.fake_slack import FakeSlack

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"
PAGE_SIZE_LIMIT = 999
# Methods Slack refuses for a channel the bot cannot use (an archived channel is still read).
POSTING = (
    "chat.postMessage",
    "chat.postEphemeral",
    "files.completeUploadExternal",
    "canvases.create",
)
# Slack's limit on a canvas's Markdown.
CANVAS_LIMIT = 1_048_576
READING = ("conversations.history", "conversations.replies")


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
class Channel:
    """A channel as the fake knows it: who is in it, whether it is private, and whether it is
    shared with another organisation (Slack Connect)."""

    id: str
    private: bool = False
    members: set[str] = field(default_factory=set)
    bot_member: bool = True
    ext_shared: bool = False

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
            "is_ext_shared": self.ext_shared,
            "is_shared": self.ext_shared,
            "is_member": self.bot_member,
        }


def parse(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(raw or "{}")
    params: dict[str, Any] = {key: values[0] for key, values in parse_qs(raw).items()}
    for key in ("blocks", "view", "attachments"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params


def answer(fake: FakeSlack, method: str, params: dict[str, Any]) -> dict[str, Any]:
    """Slack's answer to a call that got through its limits and the failures a test set up."""
    channel = params.get("channel") or params.get("channel_id")
    if method == "auth.test":
        return {"ok": True, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": TEAM_ID}
    if refused := _refuse_channel(fake, method, channel):
        return {"ok": False, "error": refused}
    if method in _MESSAGES:
        return _MESSAGES[method](fake, params)
    if method in _VIEWS:
        return _VIEWS[method](fake, params)
    if method == "users.info":
        user = fake.users.get(str(params.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
    if method == "conversations.info":
        found = _visible_channel(fake, str(channel))
        return {"ok": True, "channel": _info(fake, found)} if found else _not_found()
    if method == "conversations.members":
        found = _visible_channel(fake, str(channel))
        return _page(sorted(found.members), params, "members") if found else _not_found()
    if method == "users.conversations":
        return _users_conversations(fake, params)
    if method == "conversations.history":
        return {"ok": True, "messages": [], "has_more": False}
    if method == "conversations.replies":
        return _replies(fake, str(channel), str(params.get("ts")), params)
    if method == "conversations.open":
        return {"ok": True, "channel": {"id": "D" + str(params.get("users", "X"))[1:]}}
    if method == "apps.connections.open" and fake.socket_url:
        return {"ok": True, "url": fake.socket_url}
    if method == "chat.getPermalink":
        ts = str(params.get("message_ts", "")).replace(".", "")
        return {"ok": True, "permalink": f"https://acme.slack.com/archives/{channel}/p{ts}"}
    if method in ("files.getUploadURLExternal", "files.completeUploadExternal"):
        return _files(fake, method, params)
    if method in ("reactions.add", "reactions.remove"):
        return _react(fake, method, params)
    if method in ("canvases.create", "canvases.edit"):
        return _canvas(fake, method, params)
    return {"ok": True}


# Messages -------------------------------------------------------------------------------------


def _post(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    channel = str(params.get("channel"))
    ts = fake.next_ts()
    shown_in = "D" + channel[1:] if channel.startswith("U") else channel
    keep_message(fake, shown_in, ts, params.get("thread_ts"), text=params.get("text"))
    return {
        "ok": True,
        "channel": shown_in,
        "ts": ts,
        "message": {"ts": ts, "text": params.get("text")},
    }


def _update(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}


def _ephemeral(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "message_ts": fake.next_ts()}


def keep_message(
    fake: FakeSlack,
    channel: str,
    ts: str,
    thread_ts: str | None,
    text: str | None = None,
    files: list[dict[str, Any]] | None = None,
) -> None:
    """A message the bot posted, as conversations.replies will show it."""
    message: dict[str, Any] = {"type": "message", "channel": channel, "ts": ts, "text": text}
    message.update(user=BOT_USER_ID, bot_id=BOT_ID)
    if thread_ts:
        message["thread_ts"] = thread_ts
    if files:
        message["files"] = files
    with fake._lock:
        fake.messages.append(message)


_MESSAGES = {"chat.postMessage": _post, "chat.update": _update, "chat.postEphemeral": _ephemeral}


def _replies(fake: FakeSlack, channel: str, ts: str, params: dict[str, Any]) -> dict[str, Any]:
    """A thread: its parent first, then its replies in order, page by page."""
    with fake._lock:
        thread = [
            m
            for m in fake.messages
            if m["channel"] == channel and ts in (m["ts"], m.get("thread_ts"))
        ]
    if not thread:
        return {"ok": False, "error": "thread_not_found"}
    page = _page(sorted(thread, key=lambda message: message["ts"]), params, "messages")
    page["has_more"] = bool(page.get("response_metadata", {}).get("next_cursor"))
    return page


# Files: an upload is a URL to get, the bytes to send there, and a completion that shares it ---


def _files(fake: FakeSlack, method: str, params: dict[str, Any]) -> dict[str, Any]:
    if method == "files.getUploadURLExternal":
        file_id = "F" + fake.next_ts().replace(".", "")
        with fake._lock:
            fake.uploads[file_id] = None
        return {"ok": True, "upload_url": f"{fake.base_url}/upload/{file_id}", "file_id": file_id}
    files = params.get("files")
    files = json.loads(files) if isinstance(files, str) else files or []
    with fake._lock:
        if not files or any(fake.uploads.get(str(f.get("id"))) is None for f in files):
            return {"ok": False, "error": "file_not_found"}
    channel = params.get("channel_id")
    if channel:
        shared = [{"id": f["id"], "title": f.get("title")} for f in files]
        keep_message(
            fake,
            str(channel),
            fake.next_ts(),
            params.get("thread_ts"),
            params.get("initial_comment"),
            shared,
        )
    return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}


# Canvases: made with a title and Markdown, then rewritten whole ---------------------------------


def _canvas(fake: FakeSlack, method: str, params: dict[str, Any]) -> dict[str, Any]:
    """canvases.create and canvases.edit (`replace` of the whole document only, as the bot
    uses it). The canvas is kept in `fake.canvases`: title, channel, Markdown, edits."""
    if method == "canvases.create":
        markdown = _markdown(params.get("document_content"))
        if markdown is None or not isinstance(params.get("title"), str):
            return {"ok": False, "error": "invalid_arguments"}
        canvas_id = "F" + fake.next_ts().replace(".", "")
        canvas = {"title": params["title"], "channel_id": params.get("channel_id")}
        with fake._lock:
            fake.canvases[canvas_id] = {**canvas, "markdown": markdown, "edits": 0}
        return {"ok": True, "canvas_id": canvas_id}
    changes = params.get("changes")
    if not isinstance(changes, list) or len(changes) != 1:
        return {"ok": False, "error": "invalid_arguments"}
    (change,) = changes
    markdown = _markdown(change.get("document_content"))
    if change.get("operation") != "replace" or markdown is None:
        return {"ok": False, "error": "invalid_arguments"}
    with fake._lock:
        canvas = fake.canvases.get(str(params.get("canvas_id")))
        if canvas is None:
            return {"ok": False, "error": "canvas_not_found"}
        canvas.update(markdown=markdown, edits=canvas["edits"] + 1)
    return {"ok": True}


def _markdown(content: Any) -> str | None:
    if not isinstance(content, dict) or content.get("type") != "markdown":
        return None
    markdown = content.get("markdown")
    return markdown if isinstance(markdown, str) and len(markdown) <= CANVAS_LIMIT else None


# Reactions: one of each name per message -------------------------------------------------------


def _react(fake: FakeSlack, method: str, params: dict[str, Any]) -> dict[str, Any]:
    mark = (str(params.get("channel")), str(params.get("timestamp")), str(params.get("name")))
    with fake._lock:
        if method == "reactions.add":
            if mark in fake.reactions:
                return {"ok": False, "error": "already_reacted"}
            fake.reactions.add(mark)
        else:
            if mark not in fake.reactions:
                return {"ok": False, "error": "no_reaction"}
            fake.reactions.discard(mark)
    return {"ok": True}


# Views ------------------------------------------------------------------------------------------


def _open(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    if not fake._triggers.get(str(params.get("trigger_id")), True):
        return {"ok": False, "error": "expired_trigger_id"}
    view_id = "V" + fake.next_ts().replace(".", "")
    with fake._lock:
        fake.opened_views.append(view_id)
    return {"ok": True, "view": {"id": view_id, **(params.get("view") or {})}}


def _update_view(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "view": {"id": params.get("view_id"), **(params.get("view") or {})}}


def _publish(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    view = params.get("view") or {}
    if view.get("type") != "home" or str(params.get("user_id", "")) not in fake.users:
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True, "view": {"id": "V" + fake.next_ts().replace(".", ""), **view}}


_VIEWS = {
    "views.open": _open,
    "views.push": _open,
    "views.update": _update_view,
    "views.publish": _publish,
}


# Channels ---------------------------------------------------------------------------------------


def _info(fake: FakeSlack, channel: Channel) -> dict[str, Any]:
    return {**channel.info(), "is_archived": channel.id in fake.archived_channels}


def _visible_channel(fake: FakeSlack, channel_id: str) -> Channel | None:
    """The channel as the bot may see it: a private channel it is not in does not exist."""
    if not channel_id.startswith(("C", "G")) or channel_id in fake.missing_channels:
        return None
    found = fake.channels.get(channel_id) or Channel(channel_id)
    return found if found.bot_member or not found.private else None


def _users_conversations(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    user = str(params.get("user", BOT_USER_ID))
    types = str(params.get("types") or "public_channel").split(",")
    listed = [
        _info(fake, channel)
        for channel in sorted(fake.channels.values(), key=lambda channel: channel.id)
        # With a bot token, a private channel is listed only if the bot is in it too.
        if user in channel.members
        and ("private_channel" if channel.private else "public_channel") in types
        and (channel.bot_member or not channel.private)
    ]
    return _page(listed, params, "channels")


def _refuse_channel(fake: FakeSlack, method: str, channel: Any) -> str | None:
    """The error Slack gives for a channel the bot cannot use, if this one is such."""
    if method not in POSTING + READING:
        return None
    if channel in fake.missing_channels:
        return "channel_not_found"
    if channel in fake.channels_without_bot:
        return "not_in_channel"
    if channel in fake.archived_channels and method in POSTING:
        return "is_archived"
    return None


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
