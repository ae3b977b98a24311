"""The bot a Slack developer writes first: Bolt's defaults, state in a dict, no database.

    python bench/naive_bot.py      # SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT

Behind the same WSGI server as coe-bot (waitress, 16 threads). Its listeners ack and then post the
next "why?" themselves, on Bolt's own listener pool: nothing is stored, so a crash forgets every
session and any reply acked but not yet answered.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve


def build_app(client: WebClient, signing_secret: str) -> App:
    app = App(client=client, signing_secret=signing_secret)
    # (channel, thread_ts) -> the answers so far, the problem first
    chains: dict[tuple[str, str], list[str]] = {}
    lock = threading.Lock()

    @app.command("/coe")
    def start(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        ack()
        problem = str(command.get("text") or "").removeprefix("start").strip()
        channel = command["channel_id"]
        parent = client.chat_postMessage(channel=channel, text=f"COE: {problem}")
        with lock:
            chains[channel, parent["ts"]] = [problem]
        ask(client, channel, parent["ts"], 1, problem)

    @app.event("message")
    def reply(event: dict[str, Any], client: WebClient) -> None:
        thread_ts, channel = event.get("thread_ts"), event.get("channel", "")
        if not thread_ts or event.get("subtype") or event.get("bot_id"):
            return
        with lock:
            chain = chains.get((channel, thread_ts))
            if chain is None:
                return
            chain.append(str(event.get("text") or ""))
            number, subject = len(chain), chain[-1]
        ask(client, channel, thread_ts, number, subject)

    return app


def ask(client: WebClient, channel: str, thread_ts: str, number: int, subject: str) -> None:
    client.chat_postMessage(
        channel=channel, thread_ts=thread_ts, text=f'Why #{number}: why did "{subject}" happen?'
    )


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = build_app(client, os.environ["SLACK_SIGNING_SECRET"])
    serve(SlackRequestHandler(app), host="127.0.0.1", port=int(os.environ["PORT"]), threads=16)


if __name__ == "__main__":
    main()
