"""coe-bot in Socket Mode under a burst: every session answers in the same instant.

`coe-bot serve` with SLACK_APP_TOKEN connects to the WebSocket of bench/socket_mode.py. The
sessions are started with `/coe start` sent as envelopes, 20 at a time; then each round every
session's reply is sent at once, envelope after envelope on the one connection. Slack gives a
bot three seconds to ack an envelope; slack_sdk's builtin client hands each to one of its worker
threads (10 of them), which stores the request in the database before it acks. Figures are
milliseconds: the ack from the envelope sent to its ack read, and "reply → next why" from the
envelope sent to the moment Slack has the next "why?".
"""

from __future__ import annotations

import itertools
import time
from contextlib import ExitStack
from typing import Any

from bench.harness import running, scratch_database, started, stats
from bench.load import TIMEOUT, cause
from bench.slack import SlowSlack
from bench.socket_mode import SocketModeServer
from tests.fake_slack import TEAM_ID

COE_BOT = ["-m", "bot.cli", "serve"]
START_AT_ONCE = 20
_ids = itertools.count(1)


def run(database: str, sessions: int, rounds: int, postgres: str) -> dict[str, Any]:
    """One coe-bot in Socket Mode on a database of its own; its acks and whys under bursts."""
    with ExitStack() as stack:
        socket = stack.enter_context(started(SocketModeServer()))
        slack = SlowSlack(socket_url=socket.url)
        stack.enter_context(started(slack))
        url = stack.enter_context(scratch_database(database, postgres))
        stack.enter_context(
            running(COE_BOT, slack, url, app_token="xapp-bench", ready=socket.connected)
        )
        threads = _start(socket, slack, [f"CS{n:06d}" for n in range(sessions)])
        acks: list[float] = []
        whys: list[float] = []
        for number in range(2, rounds + 2):
            sent, round_acks = _burst(socket, threads, cause(number))
            acks += round_acks
            posted = slack.wait_for_whys(list(threads.items()), number, TIMEOUT)
            whys += [(posted[key] - sent[key]) * 1000 for key in threads.items()]
    return {
        "database": database,
        "sessions": sessions,
        "ack": stats(acks),
        "why": stats(whys),
        "acks_over_3s": sum(1 for ms in acks if ms > 3000),
    }


def _start(socket: SocketModeServer, slack: SlowSlack, channels: list[str]) -> dict[str, str]:
    """Open a COE in each channel; its thread, by channel, once why #1 is in."""
    for first in range(0, len(channels), START_AT_ONCE):
        batch = channels[first : first + START_AT_ONCE]
        envelopes = [_command(channel, slack.response_url()) for channel in batch]
        socket.send(envelopes)
        socket.wait_for_acks([e["envelope_id"] for e in envelopes], TIMEOUT)
    threads = slack.wait_for_threads(channels, TIMEOUT)
    return dict(zip(channels, threads, strict=True))


def _burst(
    socket: SocketModeServer, threads: dict[str, str], text: str
) -> tuple[dict[tuple[str, str], float], list[float]]:
    """Every session's reply at once; when each was sent, and each one's ack in ms."""
    envelopes = [_reply(channel, thread, text) for channel, thread in threads.items()]
    socket.send(envelopes)
    ids = [envelope["envelope_id"] for envelope in envelopes]
    acks = socket.wait_for_acks(ids, TIMEOUT)
    sent = {key: socket.sent[envelope] for key, envelope in zip(threads.items(), ids, strict=True)}
    return sent, acks


def _command(channel: str, response_url: str) -> dict[str, Any]:
    number = next(_ids)
    return _envelope(
        "slash_commands",
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": "UALICE",
            "user_name": "ualice",
            "command": "/coe",
            "text": "start Bench incident",
            "api_app_id": "A0001",
            "response_url": response_url,
            "trigger_id": f"trigger-{number}",
        },
        accepts_response_payload=True,
    )


def _reply(channel: str, thread_ts: str, text: str) -> dict[str, Any]:
    number = next(_ids)
    ts = f"1900000000.{number:06d}"
    event = {
        "type": "message",
        "channel": channel,
        "user": "UBOB",
        "text": text,
        "ts": ts,
        "thread_ts": thread_ts,
        "channel_type": "channel",
        "event_ts": ts,
    }
    body = {
        "token": "legacy",
        "team_id": TEAM_ID,
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": f"EvS{number:08d}",
        "event_time": int(time.time()),
        "event": event,
    }
    return _envelope("events_api", body, retry_attempt=0, retry_reason="")


def _envelope(kind: str, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "envelope_id": f"env-{next(_ids)}",
        "type": kind,
        "payload": payload,
        "accepts_response_payload": False,
        **extra,
    }
