"""The action-item modals, as both halves read them: the listener that opens or checks one
before the ack, and the worker's handler that fills it in or records it."""

from __future__ import annotations

from typing import Any

from bot.core.item_form import ItemForm
from bot.slack import action_item_messages as views
from bot.slack.messages import ActionId

# The buttons that open a modal, and the modal's title.
MODAL_TITLES = {ActionId.ADD_ACTION_ITEM: "Add action item", ActionId.ITEM_DROP: "Drop action item"}


def item_form(view: dict[str, Any]) -> ItemForm:
    """What a submitted "Add action item" form says."""
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
