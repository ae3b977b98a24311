"""Buttons on the bot's messages."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot import reviews
from bot.runtime import Runtime
from bot.slack.messages import ActionId


def register(app: App, rt: Runtime) -> None:
    def end_chain(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        error = reviews.end_chain_by_button(
            rt, coe_id=int(action["value"]), user_id=body["user"]["id"]
        )
        if error:
            respond(text=error, response_type="ephemeral", replace_original=False)

    app.action(ActionId.END_CHAIN.value)(end_chain)
