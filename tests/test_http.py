"""The HTTP surface: only requests signed by Slack get in; a health check; nothing else."""

from __future__ import annotations

import io
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from bot.runtime.server import build_wsgi
from bot.slack.app import build_app
from storage import coes
from tests.conftest import Bot
from tests.fake_slack import FakeSlack
from tests.slack_requests import ENVELOPES, FORM, JSON, JSON_VALUES, signed_headers

COMMAND = urlencode(
    {
        "team_id": "T0001",
        "channel_id": "CINC",
        "channel_name": "incident-42",
        "user_id": "UALICE",
        "command": "/coe",
        "text": "start Checkout was down for 40 minutes",
        "response_url": "http://127.0.0.1:9/respond",
        "trigger_id": "trigger-1",
    }
)


def request(
    url: str, method: str = "GET", body: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    req = urllib.request.Request(
        url, data=body.encode() if body is not None else None, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def assert_nothing_happened(bot: Bot, fake_slack: FakeSlack) -> None:
    # auth.test is the app checking its own token at start-up.
    assert [call.method for call in fake_slack.calls if call.method != "auth.test"] == []
    with Session(bot.rt.engine) as session:
        assert list(coes.list_coes(session=session)) == []


def test_a_correctly_signed_command_gets_in(bot: Bot, fake_slack: FakeSlack) -> None:
    status, _ = bot.slack.post(COMMAND, FORM)
    assert status == 200
    fake_slack.wait_for_calls("chat.postMessage", 2)


def test_a_bad_signature_gets_401_and_changes_nothing(bot: Bot, fake_slack: FakeSlack) -> None:
    status, _ = bot.slack.post(COMMAND, FORM, secret="not-the-signing-secret")
    assert status == 401
    assert_nothing_happened(bot, fake_slack)


def test_a_body_altered_after_signing_gets_401(bot: Bot, fake_slack: FakeSlack) -> None:
    headers = signed_headers(COMMAND, int(time.time()))
    tampered = COMMAND.replace("UALICE", "UMALLORY")
    status, _ = request(f"{bot.url}/slack/events", "POST", tampered, headers)
    assert status == 401
    assert_nothing_happened(bot, fake_slack)


def test_missing_signature_headers_get_401(bot: Bot, fake_slack: FakeSlack) -> None:
    status, _ = request(f"{bot.url}/slack/events", "POST", COMMAND, {"Content-Type": FORM})
    assert status == 401
    headers = signed_headers(COMMAND, int(time.time()))
    del headers["X-Slack-Signature"]
    assert request(f"{bot.url}/slack/events", "POST", COMMAND, headers)[0] == 401
    headers = signed_headers(COMMAND, int(time.time()))
    del headers["X-Slack-Request-Timestamp"]
    assert request(f"{bot.url}/slack/events", "POST", COMMAND, headers)[0] == 401
    assert_nothing_happened(bot, fake_slack)


def test_a_stale_timestamp_gets_401_even_when_correctly_signed(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    # A replayed request: validly signed, but from ten minutes ago.
    headers = signed_headers(COMMAND, int(time.time()) - 600)
    status, _ = request(f"{bot.url}/slack/events", "POST", COMMAND, headers)
    assert status == 401
    assert_nothing_happened(bot, fake_slack)


def test_the_health_check_answers_200(bot: Bot) -> None:
    assert request(f"{bot.url}/healthz") == (200, "ok\n")


def test_unknown_paths_and_methods_get_404(bot: Bot, fake_slack: FakeSlack) -> None:
    assert request(f"{bot.url}/")[0] == 404
    assert request(f"{bot.url}/admin")[0] == 404
    assert request(f"{bot.url}/slack/events")[0] == 404
    assert request(f"{bot.url}/slack/other", "POST", COMMAND, signed_headers(COMMAND, 0))[0] == 404
    assert_nothing_happened(bot, fake_slack)


# Someone else's garbage ----------------------------------------------------------------------


def refused_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if "Refused a request" in record.getMessage()]


def assert_one_warning_and_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    [line] = refused_lines(caplog)
    assert line.levelno == logging.WARNING
    assert all(record.exc_info is None for record in caplog.records)
    assert all(record.levelno < logging.ERROR for record in caplog.records)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", JSON),
        ("[1, 2, 3]", JSON),
        ('{"type": "event_callback", "event": "not an object"}', JSON),
        ("payload=%7Bbroken", FORM),
        ("payload=%5B%5D", FORM),
        ("command=%2Fcoe&text", FORM),
        ("text=%FF%FE&command=%2Fcoe", FORM),
        ("", FORM),
        ("just some words", "text/plain"),
    ],
)
def test_a_signed_but_malformed_body_gets_400_and_one_warning_line(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    caplog.set_level(logging.INFO)
    status, _ = bot.slack.post(body, content_type)
    assert status == 400
    assert_one_warning_and_no_traceback(caplog)
    assert_nothing_happened(bot, fake_slack)


def test_a_body_that_is_not_utf8_gets_400(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    raw = b'{"type": "event_callback", "x": "\xff\xfe"}'
    headers = signed_headers(raw, int(time.time()), JSON)
    req = urllib.request.Request(
        f"{bot.url}/slack/events", data=raw, method="POST", headers=headers
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=10)
    assert refused.value.code == 400
    assert_one_warning_and_no_traceback(caplog)
    assert_nothing_happened(bot, fake_slack)


def test_garbage_that_is_not_signed_still_gets_401(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    assert bot.slack.post("{not json", JSON, secret="not-the-signing-secret")[0] == 401
    headers = {**signed_headers("{not json", int(time.time())), "X-Slack-Request-Timestamp": "x"}
    assert request(f"{bot.url}/slack/events", "POST", "{not json", headers)[0] == 401
    assert all(record.exc_info is None for record in caplog.records)
    assert_nothing_happened(bot, fake_slack)


def test_a_body_over_a_megabyte_gets_413_before_it_is_read(bot: Bot, fake_slack: FakeSlack) -> None:
    # The server answers as soon as it has the headers: none of the 2 MB promised is sent.
    port = int(bot.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n"
        )
        answer = connection.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 413")
    assert_nothing_happened(bot, fake_slack)


class Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def test_the_app_refuses_a_signed_two_megabyte_body_without_reading_it(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    # Behind another server than waitress, the app itself checks the length.
    wsgi = build_wsgi(build_app(bot.rt, notify=bot.wakeups), bot.rt)
    answers: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_TYPE": JSON,
        "CONTENT_LENGTH": str(2 * 1024 * 1024),
        "wsgi.input": Unreadable(),
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed_headers("", 0).items()},
    }
    body = b"".join(wsgi(environ, lambda status, headers: answers.append(status)))
    assert answers == ["413 Payload Too Large"] and b"over 1048576 bytes" in body
    assert_one_warning_and_no_traceback(caplog)
    assert_nothing_happened(bot, fake_slack)


def test_a_command_whose_text_says_payload_is_read_as_a_command(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    status, _ = bot.slack.command("start The payload service ran out of memory")
    assert status == 200
    [parent, *_] = fake_slack.wait_for_calls("chat.postMessage", 2)
    assert "The payload service ran out of memory" in parent["text"]


_COMMANDS = st.fixed_dictionaries(
    {"command": st.just("/coe")},
    optional={key: st.text(max_size=30) for key in ("text", "user_id", "channel_id", "trigger_id")},
)
_BODIES = st.one_of(
    st.text(max_size=200).map(lambda text: (text, JSON)),
    st.text(max_size=200).map(lambda text: (text, FORM)),
    JSON_VALUES.map(lambda value: (json.dumps(value), JSON)),
    ENVELOPES.map(lambda value: (json.dumps(value), JSON)),
    ENVELOPES.map(lambda value: (urlencode({"payload": json.dumps(value)}), FORM)),
    _COMMANDS.map(lambda form: (urlencode(form), FORM)),
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(request_body=_BODIES)
def test_whatever_signed_body_arrives_the_answer_is_never_a_500(
    bot: Bot, caplog: pytest.LogCaptureFixture, request_body: tuple[str, str]
) -> None:
    body, content_type = request_body
    caplog.clear()
    status, _ = bot.slack.post(body, content_type)
    assert status in (200, 400, 404), body
    # What answers the request: the gate, Bolt and the listeners (the worker comes later).
    answering = ("bot.server", "bot.slack.app", "slack_bolt")
    server_side = [r for r in caplog.records if r.name.startswith(answering)]
    assert all(record.exc_info is None for record in server_side), body
    assert all(record.levelno < logging.ERROR for record in server_side), body
