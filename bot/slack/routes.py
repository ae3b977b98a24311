"""Which code handles which stored Slack request: the map shared by the listeners and the worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from bot import home, reviews
from bot.runtime import Runtime, make_slack_client
from bot.slack import action_item_listeners as items
from bot.slack import commands, interactions, stored
from bot.slack.action_item_messages import ADD_ITEM_CALLBACK
from bot.slack.messages import ActionId
from bot.worker import Route

Body = dict[str, Any]

BUTTONS: dict[ActionId, Callable[[Runtime, Body, Body], None]] = {
    ActionId.END_CHAIN: interactions.end_chain,
    ActionId.FINISH_CHAIN: interactions.finish_chain,
    ActionId.ASK_ANGLE: interactions.ask_angle,
    ActionId.EXPORT: interactions.export,
    ActionId.ADD_ACTION_ITEM: items.open_add_form,
    ActionId.ITEM_DONE: items.mark_done,
    ActionId.ITEM_SNOOZE: items.snooze,
    ActionId.ITEM_DROP: items.open_drop_form,
}
# Submissions kept for the worker; the drop form is all done before its ack.
FORMS: dict[str, Callable[[Runtime, Body], None]] = {ADD_ITEM_CALLBACK: items.add_item}


# A modal opened before the ack must beat the trigger's three seconds, ack included.
MODAL_OPEN_TIMEOUT = 2


def register_buttons(app: App, rt: Runtime) -> None:
    modals = make_slack_client(rt.settings, timeout=MODAL_OPEN_TIMEOUT)

    def keep(ack: Ack, body: Body) -> None:
        stored.keep(rt, "action", body)
        ack()

    def open_modal_and_keep(ack: Ack, body: Body) -> None:
        stored.keep(rt, "action", items.open_loading_modal(modals, body))
        ack()

    for action_id in BUTTONS:
        app.action(action_id.value)(
            open_modal_and_keep if action_id in items.MODAL_TITLES else keep
        )


def worker_routes() -> dict[str, Route]:
    """Replies and forms are retried until they are recorded; commands and clicks run once."""
    return {
        "message": Route(reviews.process_thread_event, abandon=reviews.abandon_thread_event),
        "command": Route(stored.claimed(commands.run), interactive=True),
        "action": Route(stored.claimed(_press), interactive=True),
        "view": Route(stored.retried(_submit), abandon=items.abandon_form, interactive=True),
        "home": Route(home.process_opened),
    }


def _press(rt: Runtime, body: Body) -> None:
    action = body["actions"][0]
    BUTTONS[ActionId(action["action_id"])](rt, body, action)


def _submit(rt: Runtime, body: Body) -> None:
    FORMS[body["view"]["callback_id"]](rt, body)
