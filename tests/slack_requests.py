"""Requests as Slack sends them: signed, over real HTTP, in Slack's payload shapes."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from tests.fake_slack import TEAM_ID

SIGNING_SECRET = "test-signing-secret"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# Event ids and ts shared by every sender, so two bots' senders never make the same one; from
# 1000, clear of the events stored in the dumps of tests/data.
_IDS = itertools.count(1000)


def signature(body: str | bytes, timestamp: int | str, secret: str = SIGNING_SECRET) -> str:
    """Slack's `X-Slack-Signature` for `body` sent at `timestamp`."""
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: str | bytes, timestamp: int, content_type: str = FORM, secret: str = SIGNING_SECRET
) -> dict[str, str]:
    """The headers Slack sends with `body`, signed at `timestamp`."""
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature(body, timestamp, secret),
    }


@dataclass
class SlackSender:
    """Sends signed requests to the bot's /slack/events and returns (status, body)."""

    url: str
    response_url: str
    secret: str = SIGNING_SECRET
    # Where trigger_ids come from: the fake Slack's, so that it can expire them.
    new_trigger: Callable[[], str] | None = None
    _ids: itertools.count = field(default_factory=lambda: _IDS)

    def trigger(self) -> str:
        return self.new_trigger() if self.new_trigger else f"trigger-{next(self._ids)}"

    def post(
        self,
        body: str,
        content_type: str,
        headers: dict[str, str] | None = None,
        secret: str | None = None,
    ) -> tuple[int, str]:
        signed = signed_headers(body, int(time.time()), content_type, secret or self.secret)
        request = urllib.request.Request(
            self.url, data=body.encode(), method="POST", headers={**signed, **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def command(
        self,
        text: str,
        user: str = "UALICE",
        channel: str = "CINC",
        channel_name: str = "incident-42",
        **extra: str,
    ) -> tuple[int, str]:
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": user.lower(),
            "command": "/coe",
            "text": text,
            "api_app_id": "A0001",
            "response_url": self.response_url,
            "trigger_id": self.trigger(),
            **extra,
        }
        return self.post(urlencode(form), FORM)

    def event(
        self, event: dict[str, Any], event_id: str | None = None, retry_num: int | None = None
    ) -> tuple[int, str]:
        body = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "event": event,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(body), JSON, headers)

    def reply(
        self,
        text: str,
        thread_ts: str,
        user: str = "UALICE",
        channel: str = "CINC",
        ts: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> tuple[int, str]:
        """A human reply in a thread, as a `message` event."""
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts or f"1800000000.{next(self._ids):06d}",
            "thread_ts": thread_ts,
            "channel_type": "channel",
            "event_ts": ts or "",
        }
        return self.event(event, event_id=event_id, retry_num=retry_num)

    def reaction(
        self,
        name: str,
        item_ts: str,
        user: str = "UALICE",
        channel: str = "CINC",
        event_id: str | None = None,
    ) -> tuple[int, str]:
        """Someone adds the reaction `name` to the message at `item_ts`: `reaction_added`."""
        event = {
            "type": "reaction_added",
            "user": user,
            "reaction": name,
            "item_user": "UBOB",
            "item": {"type": "message", "channel": channel, "ts": item_ts},
            "event_ts": f"1800000000.{next(self._ids):06d}",
        }
        return self.event(event, event_id=event_id)

    def _interaction(self, kind: str, user: str) -> dict[str, Any]:
        """What every interaction payload of `kind` carries: who, where from, a trigger."""
        return {
            "type": kind,
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": self.trigger(),
        }

    def _interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        return self.post(urlencode({"payload": json.dumps(payload)}), FORM)

    def pick_date(
        self, action_id: str, block_id: str, date: str, user: str = "UALICE", channel: str = "CINC"
    ) -> tuple[int, str]:
        """Someone picks `date` (YYYY-MM-DD) in a date picker on a message."""
        payload = {
            **self._interaction("block_actions", user),
            "channel": {"id": channel, "name": "incident-42"},
            "container": {"type": "message", "channel_id": channel},
            "response_url": self.response_url,
            "actions": [
                {
                    "type": "datepicker",
                    "action_id": action_id,
                    "block_id": block_id,
                    "selected_date": date,
                    "action_ts": str(time.time()),
                }
            ],
        }
        return self._interact(payload)

    def action(
        self,
        action_id: str,
        value: str,
        user: str = "UALICE",
        channel: str = "CINC",
        message_ts: str = "",
        **extra: Any,
    ) -> tuple[int, str]:
        payload = {
            **self._interaction("block_actions", user),
            "channel": {"id": channel, "name": "incident-42"},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "message": {"ts": message_ts, "type": "message"},
            "response_url": self.response_url,
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b1",
                    "value": value,
                    "type": "button",
                    "action_ts": str(time.time()),
                }
            ],
            **extra,
        }
        return self._interact(payload)

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, Any],
        private_metadata: str = "",
        user: str = "UALICE",
    ) -> tuple[int, str]:
        payload = {
            **self._interaction("view_submission", user),
            "view": {
                "id": "V1",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
            },
        }
        return self._interact(payload)


# Bodies for property tests: any JSON, and envelopes shaped like Slack's payloads.
_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON_VALUES = st.recursive(
    _JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
# Keys and values from Slack's payloads, so that bodies get past the first checks and into Bolt.
_SLACK_KEYS = [
    "type",
    "subtype",
    "text",
    "event",
    "view",
    "actions",
    "authorizations",
    "team",
    "user",
    "channel",
    "enterprise",
    "container",
    "message",
    "previous_message",
    "thread_ts",
    "ts",
    "action_id",
    "value",
    "callback_id",
    "state",
    "private_metadata",
    "bot_id",
    "id",
]
_SLACK_VALUES = st.sampled_from(
    [
        "event_callback",
        "block_actions",
        "view_submission",
        "url_verification",
        "message",
        "message_changed",
        "message_deleted",
        "coe_item_done",
        "coe_end_chain",
        "CINC",
        "UBOB",
        "1",
    ]
)
_SLACKISH = st.recursive(
    _JSON_LEAVES | _SLACK_VALUES,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(_SLACK_KEYS), inner, max_size=5)
    ),
    max_leaves=12,
)
ENVELOPES = st.fixed_dictionaries(
    {"type": st.sampled_from(["event_callback", "block_actions", "view_submission", "x"])},
    optional={key: _SLACKISH for key in _SLACK_KEYS if key != "type"},
)
