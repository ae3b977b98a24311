"""What the COE thread and the person who changed an action item are told, in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.core.action_items import StatusAction
from bot.core.dates import format_day
from bot.core.review_text import coe_key
from bot.core.slack_text import clip, neutralize


def status_note(
    actor_id: str,
    description: str,
    action: StatusAction,
    snoozed_until: date | None,
    reason: str,
    names: Mapping[str, str],
) -> str:
    """The COE thread's record of a status change; the item and the reason are quoted safely."""
    quoted = f"“{clip(neutralize(description, names), 500)}”"
    if action is StatusAction.DONE:
        return f"<@{actor_id}> marked the action item {quoted} done. :white_check_mark:"
    if action is StatusAction.SNOOZE and snoozed_until is not None:
        return (
            f"<@{actor_id}> snoozed reminders about the action item {quoted} "
            f"until {format_day(snoozed_until)}."
        )
    return (
        f"<@{actor_id}> dropped the action item {quoted}. "
        f"Reason: {clip(neutralize(reason, names), 1500)}"
    )


def due_note(actor_id: str, description: str, due: date, names: Mapping[str, str]) -> str:
    """The COE thread's record of an item given its due date."""
    quoted = f"“{clip(neutralize(description, names), 500)}”"
    return f"<@{actor_id}> set the action item {quoted} due {format_day(due)}."


def status_reply(coe_id: int, note: str) -> str:
    """What the person who clicked is told."""
    return f"{note} ({coe_key(coe_id)}; noted in its thread.)"
