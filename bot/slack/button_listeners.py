"""Every button on the bot's messages: the click is stored for the worker, then acked.

A button that opens a modal opens it first, saying it is loading, while the click's trigger_id
is still good (action_item_listeners.open_loading_modal).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.runtime.context import Runtime, make_slack_client
from bot.runtime.tuning import MODAL_OPEN_TIMEOUT
from bot.runtime.worker import Notify
from bot.slack.action_item_listeners import open_loading_modal
from bot.slack.item_forms import MODAL_TITLES
from bot.slack.keep import keep
from bot.slack.messages import ActionId
from storage.inbox import RequestKind

Body = dict[str, Any]


def register(app: App, rt: Runtime, notify: Notify) -> None:
    modals = make_slack_client(rt.settings, timeout=MODAL_OPEN_TIMEOUT)

    def keep_click(ack: Ack, body: Body) -> None:
        keep(rt, notify, RequestKind.ACTION, body)
        ack()

    def open_modal_and_keep(ack: Ack, body: Body) -> None:
        keep(rt, notify, RequestKind.ACTION, open_loading_modal(modals, body))
        ack()

    for action_id in ActionId:
        app.action(action_id.value)(
            open_modal_and_keep if action_id in MODAL_TITLES else keep_click
        )
