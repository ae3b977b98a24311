"""Buttons on the bot's review messages."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot import reviews
from bot.runtime import Runtime
from bot.slack.messages import ActionId


def just_ack(ack: Ack) -> None:
    """The ack half of a listener whose work all happens after it."""
    ack()


def register(app: App, rt: Runtime) -> None:
    def end_chain(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        error = reviews.end_chain_by_button(
            rt, coe_id=int(action["value"]), user_id=body["user"]["id"]
        )
        if error:
            respond(text=error, response_type="ephemeral", replace_original=False)

    app.action(ActionId.END_CHAIN.value)(ack=just_ack, lazy=[end_chain])
