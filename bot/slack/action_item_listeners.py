"""The listeners' side of the action-item modals: open one for a click, check a submitted one.

The worker's side is in action_item_handlers.py."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.action_items import StatusAction
from bot.runtime.context import Runtime
from bot.runtime.worker import Notify
from bot.slack import action_item_messages as views
from bot.slack.item_forms import MODAL_TITLES, item_form
from bot.slack.keep import keep
from bot.slack.messages import ActionId
from bot.slack.stored_request import OPENED, user_id
from bot.use_cases import action_items
from storage.inbox import RequestKind

log = logging.getLogger(__name__)


def register(app: App, rt: Runtime, notify: Notify) -> None:
    """The modals' submissions; their validation answers in the modal, so it runs before the ack."""

    def submit_add_form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors = action_items.check_modal(
            rt, coe_id=int(view["private_metadata"]), form=item_form(view)
        )
        if errors:
            ack(response_action="errors", errors=views.form_errors(errors))
            return
        keep(rt, notify, RequestKind.VIEW, body)
        ack()

    def submit_drop_form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        # Only the database is involved, so the result can go back in the modal itself.
        outcome = action_items.change_status(
            rt,
            item_id=int(view["private_metadata"]),
            actor_id=user_id(body),
            action=StatusAction.DROP,
            reason=views.form_value(view["state"]["values"], views.REASON),
        )
        if not outcome.ok:
            ack(response_action="errors", errors={views.REASON: outcome.message})
            return
        notify()  # the thread note is queued; the worker sends it
        ack(response_action="update", view=views.build_result_modal("Dropped", outcome.message))

    app.view(views.ADD_ITEM_CALLBACK)(submit_add_form)
    app.view(views.DROP_ITEM_CALLBACK)(submit_drop_form)


def open_loading_modal(client: WebClient, body: dict[str, Any]) -> dict[str, Any]:
    """Open the clicked button's modal, saying it is loading; returns the click with its view id.

    The one place a listener calls Slack before its ack: a trigger_id expires three seconds
    after the click, and the worker, which fills the modal in with views.update (no trigger
    needed), may be further behind than that. If Slack refuses, nothing is lost: the click is
    stored with the error and the worker tells the user to click again.
    """
    title = MODAL_TITLES[ActionId(body["actions"][0]["action_id"])]
    loading = views.build_loading_modal(title)
    try:
        opened = client.views_open(trigger_id=body["trigger_id"], view=loading)
        outcome = {"view_id": opened["view"]["id"]}
    except SlackApiError as error:
        outcome = {"error": str(error.response.get("error"))}
    except Exception as error:  # a timeout, a broken connection: the ack goes out all the same
        outcome = {"error": type(error).__name__}
    if "error" in outcome:
        log.warning("Could not open the %s modal: %s", title, outcome["error"])
    return {**body, OPENED: outcome}
