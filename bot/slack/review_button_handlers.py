"""The worker's side of the buttons on the bot's review messages."""

from __future__ import annotations

from typing import Any

from bot.runtime.context import Runtime
from bot.slack import stored
from bot.slack.stored_request import user_id
from bot.use_cases import review_controls

Body = dict[str, Any]


def end_chain(rt: Runtime, body: Body, action: Body) -> None:
    """The worker's half of "We're out of ideas": this branch has no more whys."""
    done = review_controls.end_chain_by_button(
        rt, coe_id=int(action["value"]), user_id=user_id(body)
    )
    stored.answer(rt, body, done)


def finish_chain(rt: Runtime, body: Body, action: Body) -> None:
    """ "No, we're done" on the offered angles."""
    done = review_controls.finish_by_button(rt, coe_id=int(action["value"]), user_id=user_id(body))
    stored.answer(rt, body, done)


def ask_angle(rt: Runtime, body: Body, action: Body) -> None:
    """One of the offered angles, asked as a new branch."""
    coe_id, _, angle = str(action["value"]).partition(":")
    done = review_controls.ask_angle_by_button(
        rt, coe_id=int(coe_id), angle=angle, user_id=user_id(body)
    )
    stored.answer(rt, body, done)


def export(rt: Runtime, body: Body, action: Body) -> None:
    """The "Export" button on the chain summary: the document, uploaded to the thread."""
    done = review_controls.export_to_thread(rt, coe_id=int(action["value"]), user_id=user_id(body))
    stored.answer(rt, body, done)
