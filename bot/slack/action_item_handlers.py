"""The worker's side of the action-item buttons and forms: fill in the modal a click opened,
record a submitted form, change an item's status."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.action_items import StatusAction
from bot.runtime.context import Runtime
from bot.slack import action_item_messages as views
from bot.slack import delivery, stored
from bot.slack.item_forms import MODAL_TITLES, item_form
from bot.slack.messages import ActionId
from bot.slack.stored_request import OPENED, user_id
from bot.use_cases import action_items, home

Body = dict[str, Any]


def open_add_form(rt: Runtime, body: Body, action: Body) -> None:
    view_id = _opened(rt, body)
    if view_id is not None:
        coe_id, _, why = str(action["value"]).partition(":")
        error = action_items.fill_add_form(
            rt,
            coe_id=int(coe_id),
            user_id=user_id(body),
            view_id=view_id,
            why_number=int(why) if why.isdigit() else None,
        )
        _show_refusal(rt, view_id, ActionId.ADD_ACTION_ITEM, error)


def add_item(rt: Runtime, body: Body) -> None:
    view = body["view"]
    outcome = action_items.add_from_modal(
        rt,
        coe_id=int(view["private_metadata"]),
        actor_id=user_id(body),
        form=item_form(view),
        view_id=str(view.get("id", "")),
    )
    delivery.deliver(rt, outcome.message_ids)


def abandon_form(rt: Runtime, key: str, error: str) -> None:
    """Tell whoever sent the form that it could not be recorded, after the worker gave up."""
    request = stored.load(rt, key)
    if request is not None:
        body = request.body
        told = action_items.report_unrecorded_form(
            rt, coe_id=int(body["view"]["private_metadata"]), actor_id=user_id(body)
        )
        delivery.deliver(rt, told)


def set_due(rt: Runtime, body: Body, action: Body) -> None:
    """The date picker on an item recorded without a due date."""
    item_id = views.picked_item(str(action.get("block_id") or ""))
    picked = action.get("selected_date")
    if item_id is None or not picked:
        return
    outcome = action_items.set_due(
        rt, item_id=item_id, actor_id=user_id(body), due=date.fromisoformat(str(picked))
    )
    stored.answer(rt, body, outcome)


def mark_done(rt: Runtime, body: Body, action: Body) -> None:
    _change(rt, body, action, StatusAction.DONE)


def snooze(rt: Runtime, body: Body, action: Body) -> None:
    _change(rt, body, action, StatusAction.SNOOZE)


def open_drop_form(rt: Runtime, body: Body, action: Body) -> None:
    view_id = _opened(rt, body)
    if view_id is not None:
        error = action_items.fill_drop_form(
            rt, item_id=int(action["value"]), user_id=user_id(body), view_id=view_id
        )
        _show_refusal(rt, view_id, ActionId.ITEM_DROP, error)


def _opened(rt: Runtime, body: Body) -> str | None:
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


def _change(rt: Runtime, body: Body, action: Body, status: StatusAction) -> None:
    outcome = action_items.change_status(
        rt, item_id=int(action["value"]), actor_id=user_id(body), action=status
    )
    delivery.deliver(rt, outcome.message_ids)
    if (body.get("view") or {}).get("type") == "home":
        # The Home has no response_url: the refreshed Home shows where the item stands.
        home.refresh(rt, user_id(body))
        return
    # A new ephemeral rather than replacing the row: a digest row is everyone's to see.
    stored.respond(rt, body, outcome.message)
