"""Reading what arrives at POST /slack/events before Bolt sees it: signature, size, shape.

Pure: bytes in, a dict out or `MalformedRequest` with the reason. Bolt is then handed exactly
what was read here, so a body it would choke on never reaches it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qsl

# Slack's own requests are a few kilobytes; a megabyte is far beyond any of them.
MAX_BODY = 1024 * 1024
# Slack's window for a request's timestamp: older ones may be replays.
MAX_AGE_SECONDS = 60 * 5

# What Bolt and our listeners read from a request, and the JSON types they cope with where the
# key is there. Slack sends null for some (`"enterprise": null`); Bolt reads those as absent.
_TEXT = (str, type(None))
_REF = (str, dict, type(None))  # an id, or an object with an `id`
_OBJECT = (dict, type(None))
_LIST = (list, type(None))
_KINDS: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(
        ("type", "subtype", "command", "action_id", "block_id", "callback_id", "bot_id"), _TEXT
    ),
    **dict.fromkeys(("user_id", "team_id", "channel_id", "enterprise_id", "id"), _TEXT),
    **dict.fromkeys(("thread_ts", "ts", "event_id", "trigger_id", "private_metadata"), _TEXT),
    **dict.fromkeys(("user", "team", "channel", "enterprise"), _REF),
    **dict.fromkeys(("message", "previous_message", "item", "assistant_thread"), _OBJECT),
    # Bolt reads these two as `.get("event", {})`: an object or nothing at all, never null.
    **dict.fromkeys(("event", "view"), (dict,)),
    **dict.fromkeys(("container", "state"), _OBJECT),
    **dict.fromkeys(("actions", "authorizations"), _LIST),
}
# Where Bolt looks further in; `text` is a plain string only in these (elsewhere, an object).
_NESTED = ("event", "message", "previous_message", "item", "assistant_thread", "view", "container")
_WITH_PLAIN_TEXT = ("", "event", "message", "previous_message")
_LISTS = ("actions", "authorizations")
# What each kind of request cannot do without: an event, a view, at least one action.
_REQUIRED = {"event_callback": "event", "view_submission": "view", "block_actions": "actions"}


class MalformedRequest(ValueError):
    """The request is not one Slack would send; the message says what is wrong with it."""


def signature_ok(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> bool:
    """Slack's v0 signature over `body`, made at most five minutes from `now` (Unix seconds)."""
    if not secret or not timestamp or not signature:
        return False  # with no secret, nothing can be verified
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def read_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The request as Slack means it: a JSON event, a form, or a form carrying a JSON `payload`."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("the body is not UTF-8") from None
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type == "application/json" or (
        media_type != "application/x-www-form-urlencoded" and text.lstrip().startswith("{")
    ):
        parsed = _json_object(text, "the body")
    else:
        form = _form(text)
        parsed = _json_object(form["payload"], "`payload`") if "payload" in form else form
    _check_shape(parsed)
    return parsed


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedRequest(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise MalformedRequest(f"{what} is JSON but not an object")
    return value


def _form(text: str) -> dict[str, Any]:
    if not text.strip():
        raise MalformedRequest("the body is empty")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict")
    except ValueError:  # UnicodeDecodeError is one too
        raise MalformedRequest("the body is not valid form data") from None
    return dict(pairs)


def _check_shape(body: dict[str, Any]) -> None:
    if not any(isinstance(body.get(key), str) for key in ("type", "command", "ssl_check")):
        raise MalformedRequest("it has no `type` or `command`, so it is not a Slack request")
    required = _REQUIRED.get(str(body.get("type")))
    if required is not None and not body.get(required):
        raise MalformedRequest(f"a {body['type']} request needs `{required}`")
    _check_fields(body, "")


def _check_fields(data: dict[str, Any], path: str) -> None:
    for key, kinds in _KINDS.items():
        if key in data and not isinstance(data[key], kinds):
            raise MalformedRequest(f"`{path}{key}` has the wrong type")
    name = path.rstrip(".").rpartition(".")[2]
    if name in _WITH_PLAIN_TEXT and not isinstance(data.get("text"), _TEXT):
        raise MalformedRequest(f"`{path}text` has the wrong type")
    for key in ("user", "team", "channel", "enterprise", *_NESTED):
        if isinstance(data.get(key), dict):
            _check_fields(data[key], f"{path}{key}.")
    for key in _LISTS:
        for index, element in enumerate(data.get(key) or []):
            if not isinstance(element, dict):
                raise MalformedRequest(f"`{path}{key}[{index}]` is not an object")
            _check_fields(element, f"{path}{key}[{index}].")
