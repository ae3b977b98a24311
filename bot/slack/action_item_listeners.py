"""Action item buttons and modals: "Add action item", Done, Snooze a week, Drop."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import action_items, home
from bot.core.action_items import ItemForm, StatusAction
from bot.runtime import Runtime
from bot.slack import action_item_messages as views
from bot.slack import stored


def register(app: App, rt: Runtime) -> None:
    """The modals' submissions; their validation answers in the modal, so it runs before the ack."""

    def submit_add_form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors = action_items.check_modal(
            rt, coe_id=int(view["private_metadata"]), form=_item_form(view)
        )
        if errors:
            ack(response_action="errors", errors=errors)
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


# The worker's halves ---------------------------------------------------------------------------


def open_add_form(rt: Runtime, body: dict[str, Any], action: dict[str, Any]) -> None:
    error = action_items.open_add_form(
        rt, coe_id=int(action["value"]), user_id=stored.user_id(body), trigger_id=body["trigger_id"]
    )
    if error:
        stored.respond(body, error)


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
    error = action_items.open_drop_form(
        rt,
        item_id=int(action["value"]),
        user_id=stored.user_id(body),
        trigger_id=body["trigger_id"],
    )
    if error:
        stored.respond(body, error)


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
    stored.respond(body, outcome.message)


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
