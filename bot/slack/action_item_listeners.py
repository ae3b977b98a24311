"""Action item buttons and modals: "Add action item", Done, Snooze a week, Drop."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot import action_items
from bot.core.action_items import ItemForm, StatusAction
from bot.runtime import Runtime
from bot.slack import action_item_messages as views
from bot.slack.messages import ActionId

log = logging.getLogger(__name__)

QUEUED = "queued_message_ids"


def register(app: App, rt: Runtime) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def open_add_form(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        error = action_items.open_add_form(
            rt, coe_id=int(action["value"]), user_id=_user(body), trigger_id=body["trigger_id"]
        )
        _tell(respond, error)

    def submit_add_form(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        # Validation answers in the modal itself, so it runs before the ack; sending waits.
        outcome = action_items.add_from_modal(
            rt,
            coe_id=int(view["private_metadata"]),
            actor_id=_user(body),
            form=_item_form(view),
            view_id=str(view.get("id", "")),
        )
        if outcome.errors or not outcome.ok:
            ack(response_action="errors", errors=outcome.errors)
            return
        # The lazy half gets a copy of the context: that is how the queued ids reach it.
        context[QUEUED] = outcome.message_ids
        ack()

    def mark_done(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        _change(rt, body, action, respond, StatusAction.DONE)

    def snooze(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        _change(rt, body, action, respond, StatusAction.SNOOZE)

    def open_drop_form(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        error = action_items.open_drop_form(
            rt, item_id=int(action["value"]), user_id=_user(body), trigger_id=body["trigger_id"]
        )
        _tell(respond, error)

    def submit_drop_form(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        outcome = action_items.change_status(
            rt,
            item_id=int(view["private_metadata"]),
            actor_id=_user(body),
            action=StatusAction.DROP,
            reason=views.form_value(view["state"]["values"], views.REASON),
            send_now=False,
        )
        if not outcome.ok:
            ack(response_action="errors", errors={views.REASON: outcome.message})
            return
        context[QUEUED] = outcome.message_ids
        ack(response_action="update", view=views.build_result_modal("Dropped", outcome.message))

    def send_queued(context: BoltContext) -> None:
        action_items.send(rt, context.get(QUEUED) or [])

    app.action(ActionId.ADD_ACTION_ITEM.value)(ack=acknowledge, lazy=[open_add_form])
    app.view(views.ADD_ITEM_CALLBACK)(ack=submit_add_form, lazy=[send_queued])
    app.action(ActionId.ITEM_DONE.value)(ack=acknowledge, lazy=[mark_done])
    app.action(ActionId.ITEM_SNOOZE.value)(ack=acknowledge, lazy=[snooze])
    app.action(ActionId.ITEM_DROP.value)(ack=acknowledge, lazy=[open_drop_form])
    app.view(views.DROP_ITEM_CALLBACK)(ack=submit_drop_form, lazy=[send_queued])


def _change(
    rt: Runtime,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    status: StatusAction,
) -> None:
    outcome = action_items.change_status(
        rt, item_id=int(action["value"]), actor_id=_user(body), action=status
    )
    # A new ephemeral rather than replacing the row: a digest row is everyone's to see.
    respond(text=outcome.message, response_type="ephemeral", replace_original=False)


def _tell(respond: Respond, error: str | None) -> None:
    if error:
        respond(text=error, response_type="ephemeral", replace_original=False)


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


def _user(body: dict[str, Any]) -> str:
    return str(body["user"]["id"])
