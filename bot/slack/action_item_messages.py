"""Block Kit for action items: pure `build_*` functions, each with a plain-text fallback."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.action_items import Kind, ListedItem, NewItem, Priority, why_label
from bot.core.dates import NO_DATE, format_day, overdue_phrase
from bot.core.facilitation import Step
from bot.core.item_form import FormField
from bot.core.mechanisms import WEAK_ACTION_ADVICE, is_weak_action
from bot.core.review_text import Names, coe_key
from bot.core.slack_text import neutralize
from bot.core.slack_text import plain as plain_words
from bot.slack.blocks import (
    FIELD_LIMIT,
    OPTION_LIMIT,
    OPTIONS_MAX,
    clip,
    context,
    message,
    mrkdwn,
    plain,
    section,
    size_of,
)
from bot.slack.messages import ActionId, Message, item_status_buttons
from bot.use_cases.action_items import ItemList

ADD_ITEM_CALLBACK = "coe_add_action_item_form"
DROP_ITEM_CALLBACK = "coe_drop_action_item_form"

# Block ids of the "Add action item" modal; each input's action id is the same string.
DESCRIPTION = "description"
OWNER = "owner"
DUE = "due"
PRIORITY = "priority"
KIND = "kind"
WHY = "why"
REASON = "reason"

# Which block of the "Add action item" modal shows each field (and its error).
FORM_BLOCKS = {
    FormField.DESCRIPTION: DESCRIPTION,
    FormField.OWNER: OWNER,
    FormField.DUE: DUE,
    FormField.PRIORITY: PRIORITY,
    FormField.KIND: KIND,
    FormField.WHY: WHY,
}

DESCRIPTION_LIMIT = 3000
DUE_PICKER_BLOCK = "item-due-"
_KIND_LABELS = {
    Kind.PREVENT: "Prevent: stop it from happening",
    Kind.DETECT: "Detect: notice it sooner",
    Kind.MITIGATE: "Mitigate: limit the impact",
}


# Confirmations and notes ----------------------------------------------------------------------


def build_confirmation(
    coe_id: int, item: NewItem, created_by: str, names: Names, item_id: int | None = None
) -> Message:
    """What the bot understood, posted in the COE thread, so a misreading is caught at once.

    An item without a due date says so, and offers a date picker (`item_id` names the item).
    """
    due = (
        format_day(item.due)
        if item.due
        else f"{NO_DATE} yet (pick one below, or reply `due <date>`)"
    )
    lines = [
        f"Owner: <@{item.owner_id}>",
        f"Due: {due}",
        f"Addresses {clip(neutralize(why_label(item.why), names), 500)}",
    ]
    if item.priority is not Priority.MEDIUM or item.kind is not None:
        kind = f", {item.kind.value}" if item.kind else ""
        lines.append(f"Priority: {item.priority.value}{kind}")
    intro = f"<@{created_by}> added an action item to {coe_key(coe_id)}:"
    quoted = f"“{clip(neutralize(item.description, names), 1500)}”"
    text = "\n".join([f"{intro} {quoted}", *(f"• {line}" for line in lines)])
    blocks = [
        section(f"{intro}\n*{quoted}*"),
        {"type": "section", "fields": [mrkdwn(clip(line, FIELD_LIMIT)) for line in lines]},
    ]
    if item.due is None and item_id is not None:
        blocks.append(due_picker(item_id))
    if is_weak_action(item.description):
        # Informational: the item is recorded all the same.
        text += f"\n{WEAK_ACTION_ADVICE}"
        blocks.append(context(f":bulb: {WEAK_ACTION_ADVICE}"))
    return message(text, blocks)


def due_picker(item_id: int) -> dict[str, Any]:
    """A date picker that sets the due date of item `item_id` (named by the block's id)."""
    return {
        "type": "actions",
        "block_id": f"{DUE_PICKER_BLOCK}{item_id}",
        "elements": [
            {
                "type": "datepicker",
                "action_id": ActionId.ITEM_DUE.value,
                "placeholder": plain("Set a due date"),
            }
        ],
    }


def picked_item(block_id: str) -> int | None:
    """The item a date picker's block names."""
    number = block_id.removeprefix(DUE_PICKER_BLOCK)
    return int(number) if block_id.startswith(DUE_PICKER_BLOCK) and number.isdigit() else None


# Lists ----------------------------------------------------------------------------------------


def list_title(owner_id: str | None, asker_id: str, everyone: bool) -> str:
    if everyone:
        return "Open action items in this workspace"
    if owner_id is None or owner_id == asker_id:
        return "Your open action items"
    return f"<@{owner_id}>'s open action items"


def build_listing(listing: ItemList) -> Message:
    """The answer to `/coe actions`."""
    title = list_title(listing.owner_id, listing.asker_id, listing.everyone)
    hint = "`/coe actions @someone` lists one person's." if listing.everyone else ""
    return build_item_list(title, listing.items, listing.total, listing.names, hint)


def build_item_list(
    title: str, items: Sequence[ListedItem], total: int, names: Names, more_hint: str = ""
) -> Message:
    """An ephemeral list with Done / Snooze / Drop on every row, as many rows as fit one message.

    The rest are counted at the end ("…and 240 more"), with `more_hint` on narrowing it down.
    """
    if not items:
        text = f"{title}: none. :tada:"
        return message(text, [section(text)])
    blocks: list[dict[str, Any]] = [section(f"*{title} ({total})*, overdue first")]
    # Room for the closing "…and N more" line, however long the hint.
    closing = context(f"…and {total} more. {more_hint}")
    used = size_of(blocks) + size_of([closing])
    lines = [f"{title} ({total}):"]
    for item in items:
        line = item_line(item, names)
        row = [section(line), item_status_buttons(item.item_id)]
        if not (used + size_of(row)).fits():
            break
        blocks += row
        used += size_of(row)
        lines.append(f"• {line}")
    left = total - (len(lines) - 1)
    if left > 0:
        more = f"…and {left} more. {more_hint}".strip()
        blocks.append(context(more))
        lines.append(more)
    return message("\n".join(lines), blocks)


def item_line(item: ListedItem, names: Names) -> str:
    parts = [f"due {format_day(item.due)}" if item.due else NO_DATE, f"owner <@{item.owner_id}>"]
    if item.days_overdue:
        parts.insert(1, f"*{overdue_phrase(item.days_overdue)}*")
    if item.snoozed_until is not None:
        parts.append(f"snoozed until {format_day(item.snoozed_until)}")
    description = clip(neutralize(item.description, names), 500)
    return f"*{coe_key(item.coe_id)}* {description}\n" + " · ".join(parts)


# Modals ---------------------------------------------------------------------------------------


def build_add_item_modal(
    coe_id: int, whys: Sequence[Step], default_why: Step, owner_id: str, names: Names
) -> dict[str, Any]:
    """The "Add action item" form; the COE id travels in private_metadata."""
    # Slack allows 100 options; a chain that long is still most useful at its deep end.
    recent = whys[-OPTIONS_MAX:]
    why_options = [_why_option(step, names) for step in recent]
    default_option = _why_option(default_why, names)
    priority_options = [
        _option(priority.value.capitalize(), priority.value) for priority in Priority
    ]
    return {
        "type": "modal",
        "callback_id": ADD_ITEM_CALLBACK,
        "private_metadata": str(coe_id),
        "title": plain("Add action item"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "blocks": [
            context(coe_key(coe_id)),
            _input(
                DESCRIPTION,
                "What should be done?",
                {
                    "type": "plain_text_input",
                    "multiline": True,
                    "max_length": DESCRIPTION_LIMIT,
                    "placeholder": plain("A mechanism, e.g. an alarm, a limit, a check"),
                },
            ),
            _input(OWNER, "Owner", {"type": "users_select", "initial_user": owner_id}),
            _input(DUE, "Due date", {"type": "datepicker"}, optional=True),
            _input(
                PRIORITY,
                "Priority",
                {
                    "type": "static_select",
                    "options": priority_options,
                    "initial_option": _option("Medium", Priority.MEDIUM.value),
                },
            ),
            _input(
                KIND,
                "Type",
                {
                    "type": "static_select",
                    "options": [_option(label, kind.value) for kind, label in _KIND_LABELS.items()],
                },
                optional=True,
            ),
            _input(
                WHY,
                "Which why does it address?",
                {"type": "static_select", "options": why_options, "initial_option": default_option},
            ),
        ],
    }


def build_drop_modal(item_id: int, description: str, names: Names) -> dict[str, Any]:
    """Asks why an item is dropped; the reason is required and stays on record."""
    return {
        "type": "modal",
        "callback_id": DROP_ITEM_CALLBACK,
        "private_metadata": str(item_id),
        "title": plain("Drop action item"),
        "submit": plain("Drop"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*{clip(neutralize(description, names), 2500)}*"),
            _input(
                REASON,
                "Why won't it be done?",
                {"type": "plain_text_input", "multiline": True, "max_length": 2000},
            ),
        ],
    }


def build_loading_modal(title: str) -> dict[str, Any]:
    """Opened at the click, while the trigger is fresh; the worker then puts the form in it."""
    return {
        "type": "modal",
        "title": plain(title),
        "close": plain("Cancel"),
        "blocks": [section(":hourglass_flowing_sand: Loading…")],
    }


def build_result_modal(title: str, text: str) -> dict[str, Any]:
    """Replaces a submitted modal to say what happened."""
    return {
        "type": "modal",
        "title": plain(title),
        "close": plain("Close"),
        "blocks": [section(text)],
    }


def form_errors(errors: Mapping[FormField, str]) -> dict[str, str]:
    """A form's errors by the modal block that shows each."""
    return {FORM_BLOCKS[field]: text for field, text in errors.items()}


def form_value(values: dict[str, Any], block_id: str) -> str | None:
    """The value of one input in a submitted view's `state.values`, None when left empty."""
    element = (values.get(block_id) or {}).get(block_id) or {}
    option = element.get("selected_option") or {}
    value = (
        element.get("value")
        or element.get("selected_user")
        or element.get("selected_date")
        or option.get("value")
    )
    return str(value) if value else None


def _input(
    block_id: str, label: str, element: dict[str, Any], optional: bool = False
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "optional": optional,
        "element": {**element, "action_id": block_id},
    }


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(clip(label, OPTION_LIMIT)), "value": value}


def _why_option(step: Step, names: Names) -> dict[str, Any]:
    """A why as a menu option: plain text, so mentions show as names, not markup."""
    return _option(plain_words(why_label(step), names), str(step.number))
