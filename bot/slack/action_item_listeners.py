"""Action item buttons and modals: "Add action item", Done, Snooze a week, Drop."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import action_items, home
from bot.core.action_items import StatusAction
from bot.core.item_form import ItemForm
from bot.runtime import Runtime
from bot.slack import action_item_messages as views
from bot.slack import stored
from bot.slack.messages import ActionId

log = logging.getLogger(__name__)

# The buttons that open a modal, and the modal's title.
MODAL_TITLES = {ActionId.ADD_ACTION_ITEM: "Add action item", ActionId.ITEM_DROP: "Drop action item"}
# Where the listener notes the modal it opened, in the click it stores for the worker.
OPENED = "coe_opened_modal"


def register(app: App, rt: Runtime) -> None:
    """The modals' submissions; their validation answers in the modal, so it runs before the ack."""

    def submit_add_form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors = action_items.check_modal(
            rt, coe_id=int(view["private_metadata"]), form=_item_form(view)
        )
        if errors:
            ack(response_action="errors", errors=views.form_errors(errors))
            return
        stored.keep(rt, "view", body)
        ack()

    def submit_drop_form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        # Only the database is involved, so the result can go back in the modal itself.
        outcome = action_items.change_status(
            rt,
            item_id=int(view["private_metadata"]),
            actor_id=stored.user_id(body),
            action=StatusAction.DROP,
            reason=views.form_value(view["state"]["values"], views.REASON),
            send_now=False,
        )
        if not outcome.ok:
            ack(response_action="errors", errors={views.REASON: outcome.message})
            return
        rt.notify()  # the thread note is queued; the worker sends it
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


# The worker's halves ---------------------------------------------------------------------------


def open_add_form(rt: Runtime, body: dict[str, Any], action: dict[str, Any]) -> None:
    view_id = _opened(rt, body)
    if view_id is not None:
        error = action_items.fill_add_form(
            rt, coe_id=int(action["value"]), user_id=stored.user_id(body), view_id=view_id
        )
        _show_refusal(rt, view_id, ActionId.ADD_ACTION_ITEM, error)


def add_item(rt: Runtime, body: dict[str, Any]) -> None:
    view = body["view"]
    action_items.add_from_modal(
        rt,
        coe_id=int(view["private_metadata"]),
        actor_id=stored.user_id(body),
        form=_item_form(view),
        view_id=str(view.get("id", "")),
    )


def abandon_form(rt: Runtime, key: str, error: str) -> None:
    """Tell whoever sent the form that it could not be recorded, after the worker gave up."""
    body = stored.load(rt, key)
    if body is not None:
        action_items.report_unrecorded_form(
            rt, coe_id=int(body["view"]["private_metadata"]), actor_id=stored.user_id(body)
        )


def mark_done(rt: Runtime, body: dict[str, Any], action: dict[str, Any]) -> None:
    _change(rt, body, action, StatusAction.DONE)


def snooze(rt: Runtime, body: dict[str, Any], action: dict[str, Any]) -> None:
    _change(rt, body, action, StatusAction.SNOOZE)


def open_drop_form(rt: Runtime, body: dict[str, Any], action: dict[str, Any]) -> None:
    view_id = _opened(rt, body)
    if view_id is not None:
        error = action_items.fill_drop_form(
            rt, item_id=int(action["value"]), user_id=stored.user_id(body), view_id=view_id
        )
        _show_refusal(rt, view_id, ActionId.ITEM_DROP, error)


def _opened(rt: Runtime, body: dict[str, Any]) -> str | None:
    """The modal the listener opened for this click; None, and the user told, if it could not."""
    opened = body.get(OPENED) or {}
    if opened.get("view_id"):
        return str(opened["view_id"])
    reason = opened.get("error") or "no modal was opened"
    stored.respond(rt, body, f"Sorry, Slack did not open the form ({reason}). Please click again.")
    return None


def _show_refusal(rt: Runtime, view_id: str, button: ActionId, error: str | None) -> None:
    """Say in the modal why there is no form in it."""
    if error:
        rt.slack.views_update(
            view_id=view_id, view=views.build_result_modal(MODAL_TITLES[button], error)
        )


def _change(
    rt: Runtime, body: dict[str, Any], action: dict[str, Any], status: StatusAction
) -> None:
    outcome = action_items.change_status(
        rt, item_id=int(action["value"]), actor_id=stored.user_id(body), action=status
    )
    if (body.get("view") or {}).get("type") == "home":
        # The Home has no response_url: the refreshed Home shows where the item stands.
        home.refresh(rt, stored.user_id(body))
        return
    # A new ephemeral rather than replacing the row: a digest row is everyone's to see.
    stored.respond(rt, body, outcome.message)


def _item_form(view: dict[str, Any]) -> ItemForm:
    values = view["state"]["values"]
    why = views.form_value(values, views.WHY)
    return ItemForm(
        description=views.form_value(values, views.DESCRIPTION),
        owner_id=views.form_value(values, views.OWNER),
        due=views.form_value(values, views.DUE),
        priority=views.form_value(values, views.PRIORITY),
        kind=views.form_value(values, views.KIND),
        why_number=int(why) if why and why.isdigit() else None,
    )
