"""What reaches Bolt: a body is read into a dict Bolt can take, or refused with a reason."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_bolt import BoltRequest

from bot.slack.request_body import MalformedRequest, read_body, signature_ok
from tests.slack_requests import ENVELOPES, FORM, JSON, JSON_VALUES, signature

_CONTENT_TYPES = st.sampled_from([JSON, FORM, "application/json; charset=utf-8", "text/plain", ""])


def reaches_bolt(body: bytes, content_type: str) -> None:
    """Read `body`; what comes out must be a dict that Bolt builds a request from."""
    try:
        parsed = read_body(body, content_type)
    except MalformedRequest as refused:
        assert str(refused)
        return
    assert isinstance(parsed, dict)
    BoltRequest(body=json.dumps(parsed), headers={"content-type": "application/json"})


@settings(max_examples=200)
@given(body=st.binary(max_size=300), content_type=_CONTENT_TYPES)
def test_any_bytes_are_read_or_refused_with_a_reason(body: bytes, content_type: str) -> None:
    reaches_bolt(body, content_type)


@settings(max_examples=200)
@given(value=JSON_VALUES | ENVELOPES, content_type=_CONTENT_TYPES)
def test_any_json_is_read_or_refused_with_a_reason(value: object, content_type: str) -> None:
    reaches_bolt(json.dumps(value).encode(), content_type)


@settings(max_examples=200)
@given(
    value=JSON_VALUES | ENVELOPES, extra=st.dictionaries(st.text(max_size=5), st.text(max_size=10))
)
def test_any_form_payload_is_read_or_refused_with_a_reason(
    value: object, extra: dict[str, str]
) -> None:
    reaches_bolt(urlencode({**extra, "payload": json.dumps(value)}).encode(), FORM)


_COMMAND_FIELDS = ["token", "team_id", "channel_id", "channel_name", "user_id", "text"]


@given(form=st.fixed_dictionaries({}, optional=dict.fromkeys(_COMMAND_FIELDS, st.text())))
def test_a_slash_command_form_is_read_whole_whatever_its_text(form: dict[str, str]) -> None:
    # Even a text with "payload" in it, or one that looks like JSON.
    command = {**form, "command": "/coe"}
    assert read_body(urlencode(command).encode(), FORM) == command


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"{not json", JSON, "the body is not valid JSON"),
        (b"payload=%7Bbroken", FORM, "`payload` is not valid JSON"),
        (b"[1]", JSON, "the body is JSON but not an object"),
        (b'{"type": "block_actions", "actions": [1]}', JSON, "`actions[0]` is not an object"),
        (b'{"text": "hello"}', JSON, "it has no `type` or `command`, so it is not a Slack request"),
        (b"\xff", FORM, "the body is not UTF-8"),
    ],
)
def test_a_malformed_body_is_refused_saying_what_is_wrong(
    body: bytes, content_type: str, reason: str
) -> None:
    with pytest.raises(
        MalformedRequest, match=f"^{reason}$".replace("[", r"\[").replace("]", r"\]")
    ):
        read_body(body, content_type)


def test_a_signature_is_checked_over_the_raw_bytes_within_five_minutes() -> None:
    body = b"command=%2Fcoe&text=\xc3\xa9"
    good = signature(body, 1000, "s3cret")
    assert signature_ok("s3cret", body, "1000", good, now=1000 + 299)
    assert not signature_ok("s3cret", body, "1000", good, now=1000 + 301)
    assert not signature_ok("s3cret", body + b"x", "1000", good, now=1000)
    assert not signature_ok("other", body, "1000", good, now=1000)
    assert not signature_ok("s3cret", body, "1e3", good, now=1000)
    assert not signature_ok("s3cret", body, "١٠٠٠", good, now=1000)  # digits, but not ASCII
    assert not signature_ok("s3cret", body, None, good, now=1000)
    assert not signature_ok("s3cret", body, "1000", "v0=ü", now=1000)
    empty = signature(body, 1000, "")
    assert not signature_ok("", body, "1000", empty, now=1000)
