"""The HTTP surface: only requests signed by Slack get in; a health check; nothing else."""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from sqlmodel import Session

from storage import coes
from tests.conftest import Bot
from tests.fake_slack import FakeSlack
from tests.slack_requests import SIGNING_SECRET

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
FORM = "application/x-www-form-urlencoded"


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


def signed_headers(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> dict[str, str]:
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature,
    }


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
