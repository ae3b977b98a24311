"""Buttons on the bot's review messages."""

from __future__ import annotations

from typing import Any

from bot import reviews
from bot.runtime import Runtime
from bot.slack import stored


def end_chain(rt: Runtime, body: dict[str, Any], action: dict[str, Any]) -> None:
    """The worker's half of "We're out of ideas"."""
    error = reviews.end_chain_by_button(
        rt, coe_id=int(action["value"]), user_id=stored.user_id(body)
    )
    if error:
        stored.respond(rt, body, error)
