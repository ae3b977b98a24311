"""The baseline: a Bolt app that only acks, behind the same WSGI server as coe-bot."""

from __future__ import annotations

import os

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve


def main() -> None:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    def ack_only(ack: Ack) -> None:
        ack()

    app.command("/coe")(ack_only)
    app.event("message")(ack_only)
    serve(SlackRequestHandler(app), host="127.0.0.1", port=int(os.environ["PORT"]), threads=16)


if __name__ == "__main__":
    main()
