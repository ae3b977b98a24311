"""Which handler the worker runs for each kind of stored Slack request, and for each button and
form; the listeners that store them are registered in app.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.runtime.context import Runtime
from bot.runtime.worker import Route
from bot.slack import action_item_handlers as items
from bot.slack import command_handlers, stored, thread_events
from bot.slack import review_button_handlers as review_buttons
from bot.slack.action_item_messages import ADD_ITEM_CALLBACK
from bot.slack.messages import ActionId
from bot.use_cases import home
from storage.inbox import RequestKind

Body = dict[str, Any]

BUTTONS: dict[ActionId, Callable[[Runtime, Body, Body], None]] = {
    ActionId.END_CHAIN: review_buttons.end_chain,
    ActionId.FINISH_CHAIN: review_buttons.finish_chain,
    ActionId.ASK_ANGLE: review_buttons.ask_angle,
    ActionId.EXPORT: review_buttons.export,
    ActionId.ADD_ACTION_ITEM: items.open_add_form,
    ActionId.ITEM_DONE: items.mark_done,
    ActionId.ITEM_SNOOZE: items.snooze,
    ActionId.ITEM_DROP: items.open_drop_form,
    ActionId.ITEM_DUE: items.set_due,
}
# Submissions kept for the worker; the drop form is all done before its ack.
FORMS: dict[str, Callable[[Runtime, Body], None]] = {ADD_ITEM_CALLBACK: items.add_item}


def worker_routes() -> dict[str, Route]:
    """By RequestKind: replies and forms are retried until they are recorded; commands and
    clicks run once."""
    return {
        RequestKind.MESSAGE: Route(
            thread_events.handle_message, abandon=thread_events.abandon_message
        ),
        RequestKind.COMMAND: Route(stored.claimed(command_handlers.run), interactive=True),
        RequestKind.ACTION: Route(stored.claimed(_press), interactive=True),
        RequestKind.VIEW: Route(
            stored.retried(_submit), abandon=items.abandon_form, interactive=True
        ),
        RequestKind.HOME: Route(home.process_opened),
        RequestKind.REACTION: Route(thread_events.handle_reaction),
    }


def _press(rt: Runtime, body: Body) -> None:
    action = body["actions"][0]
    BUTTONS[ActionId(action["action_id"])](rt, body, action)


def _submit(rt: Runtime, body: Body) -> None:
    FORMS[body["view"]["callback_id"]](rt, body)
