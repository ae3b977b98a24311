"""Block Kit for action items: pure `build_*` functions, each with a plain-text fallback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.core.action_items import Kind, ListedItem, NewItem, Priority, StatusAction, why_label
from bot.core.dates import format_day, overdue_phrase
from bot.core.facilitation import Step
from bot.slack.blocks import clip, context, mrkdwn, plain, section
from bot.slack.messages import Message, coe_key, item_status_buttons

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

BLOCK_LIMIT = 50
OPTION_LIMIT = 75
OPTIONS_MAX = 100
DESCRIPTION_LIMIT = 3000
_KIND_LABELS = {
    Kind.PREVENT: "Prevent: stop it from happening",
    Kind.DETECT: "Detect: notice it sooner",
    Kind.MITIGATE: "Mitigate: limit the impact",
}


# Confirmations and notes ----------------------------------------------------------------------


def build_confirmation(coe_id: int, item: NewItem, created_by: str) -> Message:
    """What the bot understood, posted in the COE thread, so a misreading is caught at once."""
    lines = [
        f"Owner: <@{item.owner_id}>",
        f"Due: {format_day(item.due)}",
        f"Addresses {clip(why_label(item.why), 500)}",
    ]
    if item.priority is not Priority.MEDIUM or item.kind is not None:
        kind = f", {item.kind.value}" if item.kind else ""
        lines.append(f"Priority: {item.priority.value}{kind}")
    intro = f"<@{created_by}> added an action item to {coe_key(coe_id)}:"
    quoted = f"“{clip(item.description, 1500)}”"
    text = "\n".join([f"{intro} {quoted}", *(f"• {line}" for line in lines)])
    return {
        "text": text,
        "blocks": [
            section(clip(f"{intro}\n*{quoted}*")),
            {"type": "section", "fields": [mrkdwn(line) for line in lines]},
        ],
    }


def status_note(
    actor_id: str, description: str, action: StatusAction, snoozed_until: date | None, reason: str
) -> str:
    """The COE thread's record of a status change."""
    quoted = f"“{clip(description, 500)}”"
    if action is StatusAction.DONE:
        return f"<@{actor_id}> marked the action item {quoted} done. :white_check_mark:"
    if action is StatusAction.SNOOZE and snoozed_until is not None:
        return (
            f"<@{actor_id}> snoozed reminders about the action item {quoted} "
            f"until {format_day(snoozed_until)}."
        )
    return f"<@{actor_id}> dropped the action item {quoted}. Reason: {clip(reason, 1500)}"


def status_reply(coe_id: int, note: str) -> str:
    """What the person who clicked is told."""
    return f"{note} ({coe_key(coe_id)}; noted in its thread.)"


# Lists ----------------------------------------------------------------------------------------


def list_title(owner_id: str | None, asker_id: str, everyone: bool) -> str:
    if everyone:
        return "Open action items in this workspace"
    if owner_id is None or owner_id == asker_id:
        return "Your open action items"
    return f"<@{owner_id}>'s open action items"


def build_item_list(title: str, items: Sequence[ListedItem], total: int) -> Message:
    """An ephemeral list with Done / Snooze / Drop on every row, within Slack's block limit."""
    if not items:
        text = f"{title}: none. :tada:"
        return {"text": text, "blocks": [section(text)]}
    room = (BLOCK_LIMIT - 2) // 2
    shown = list(items[:room])
    left = total - len(shown)
    blocks: list[dict[str, Any]] = [section(f"*{title} ({total})*, overdue first")]
    for item in shown:
        blocks += [section(clip(item_line(item))), item_status_buttons(item.item_id)]
    if left > 0:
        blocks.append(context(f"…and {left} more."))
    lines = [f"{title} ({total}):", *(f"• {item_line(item)}" for item in shown)]
    if left > 0:
        lines.append(f"…and {left} more.")
    return {"text": "\n".join(lines), "blocks": blocks}


def item_line(item: ListedItem) -> str:
    parts = [f"due {format_day(item.due)}", f"owner <@{item.owner_id}>"]
    if item.days_overdue:
        parts.insert(1, f"*{overdue_phrase(item.days_overdue)}*")
    if item.snoozed_until is not None:
        parts.append(f"snoozed until {format_day(item.snoozed_until)}")
    return f"*{coe_key(item.coe_id)}* {clip(item.description, 500)}\n" + " · ".join(parts)


# Modals ---------------------------------------------------------------------------------------


def build_add_item_modal(
    coe_id: int, whys: Sequence[Step], default_why: Step, owner_id: str
) -> dict[str, Any]:
    """The "Add action item" form; the COE id travels in private_metadata."""
    # Slack allows 100 options; a chain that long is still most useful at its deep end.
    recent = whys[-OPTIONS_MAX:]
    why_options = [
        _option(clip(why_label(step), OPTION_LIMIT), str(step.number)) for step in recent
    ]
    default_option = _option(clip(why_label(default_why), OPTION_LIMIT), str(default_why.number))
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
            _input(DUE, "Due date", {"type": "datepicker"}),
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


def build_drop_modal(item_id: int, description: str) -> dict[str, Any]:
    """Asks why an item is dropped; the reason is required and stays on record."""
    return {
        "type": "modal",
        "callback_id": DROP_ITEM_CALLBACK,
        "private_metadata": str(item_id),
        "title": plain("Drop action item"),
        "submit": plain("Drop"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*{clip(description, 2500)}*"),
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
        "blocks": [section(clip(text))],
    }


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
    return {"text": plain(label), "value": value}
