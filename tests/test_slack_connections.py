"""Web API calls reuse their connection to Slack, and never a connection Slack has closed."""

from __future__ import annotations

import json
import logging
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime.context import make_slack_client
from bot.settings import load_settings
from tests.conftest import bot_env
from tests.fake_slack import FakeSlack


def client(fake_slack: FakeSlack, database_url: str) -> WebClient:
    return make_slack_client(load_settings(bot_env(fake_slack, database_url), serving=True))


def test_calls_one_after_another_go_over_one_connection(
    fake_slack: FakeSlack, database_url: str
) -> None:
    slack = client(fake_slack, database_url)
    for n in range(3):
        slack.chat_postMessage(channel="CINC", text=f"Why #{n + 1}: why?")
    assert [call["text"] for call in fake_slack.posted("CINC")] == [
        "Why #1: why?",
        "Why #2: why?",
        "Why #3: why?",
    ]
    assert len(fake_slack.connections) == 1


def test_a_refusal_leaves_the_connection_usable_and_keeps_retry_after(
    fake_slack: FakeSlack, database_url: str
) -> None:
    slack = client(fake_slack, database_url)
    fake_slack.fail_next(
        "chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "30"}
    )
    with pytest.raises(SlackApiError) as refused:
        slack.chat_postMessage(channel="CINC", text="first")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "30"
    slack.chat_postMessage(channel="CINC", text="second")
    assert [call["text"] for call in fake_slack.posted("CINC")] == ["first", "second"]
    assert len(fake_slack.connections) == 1


def test_a_connection_slack_closed_while_idle_is_not_used_again(
    fake_slack: FakeSlack, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    slack = client(fake_slack, database_url)
    fake_slack.drop_connections = True
    slack.chat_postMessage(channel="CINC", text="first")
    fake_slack.wait_for(lambda: fake_slack.dropped == 1)
    slack.chat_postMessage(channel="CINC", text="second")  # on a new connection, not an error
    assert [call["text"] for call in fake_slack.posted("CINC")] == ["first", "second"]
    assert len(fake_slack.connections) == 2
    # Not sent on the closed one first: that fails, and the SDK tries again once at most.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_plain_urlopen_in_the_same_process_works_too(
    fake_slack: FakeSlack, database_url: str
) -> None:
    client(fake_slack, database_url).chat_postMessage(channel="CINC", text="first")
    request = urllib.request.Request(
        f"{fake_slack.api_url}chat.postMessage",
        data=json.dumps({"channel": "CINC", "text": "second"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer xoxb-test-token"},
    )
    with urllib.request.urlopen(request) as answer:  # no timeout given
        assert json.loads(answer.read())["ok"] is True
    assert [call["text"] for call in fake_slack.posted("CINC")] == ["first", "second"]
