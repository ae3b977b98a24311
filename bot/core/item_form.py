"""The "Add action item" form: what it submitted, and the item it asks for or what is wrong,
by field. Which block of the modal shows a field is the Slack layer's business.

Pure: the owner as looked up and `now` are parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from typing import TypeVar

from bot.core.action_items import (
    ActionItemError,
    Kind,
    NewItem,
    Person,
    Priority,
    check_owner,
    pick_why,
    unknown_owner,
)
from bot.core.dates import DueDateError, format_day, owner_today, parse_due
from bot.core.facilitation import Chain, Step

_E = TypeVar("_E", bound=StrEnum)


class FormField(StrEnum):
    DESCRIPTION = "description"
    OWNER = "owner"
    DUE = "due"
    PRIORITY = "priority"
    KIND = "kind"
    WHY = "why"


@dataclass(frozen=True)
class ItemForm:
    """What the "Add action item" modal submitted; None where a field was left empty."""

    description: str | None
    owner_id: str | None
    due: str | None
    priority: str | None
    kind: str | None
    why_number: int | None


def check_form(
    form: ItemForm, owner: Person | None, chain: Chain, now: datetime, fallback: tzinfo = UTC
) -> tuple[NewItem | None, dict[FormField, str]]:
    """The item the modal asks for, or what is wrong with it, by field.

    The due date is checked on the owner's calendar (`fallback` when their timezone is unknown).
    """
    errors: dict[FormField, str] = {}
    description = (form.description or "").strip()
    if not description:
        errors[FormField.DESCRIPTION] = "Say what should be done."
    if form.owner_id is None:
        errors[FormField.OWNER] = "Pick the person who owns this item."
    elif owner is None:
        errors[FormField.OWNER] = str(unknown_owner(form.owner_id))
    else:
        try:
            check_owner(owner)
        except ActionItemError as error:
            errors[FormField.OWNER] = str(error)
    due = _form_due(form.due, owner, now, fallback, errors)
    why = _form_why(chain, form.why_number, errors)
    priority = _choice(Priority, form.priority, Priority.MEDIUM, FormField.PRIORITY, errors)
    kind = _choice(Kind, form.kind, None, FormField.KIND, errors)
    if errors or owner is None or why is None:
        return None, errors
    return NewItem(description, owner.user_id, due, why, priority, kind), {}


def _form_due(
    value: str | None,
    owner: Person | None,
    now: datetime,
    fallback: tzinfo,
    errors: dict[FormField, str],
) -> date | None:
    today = owner_today(now, owner.tz if owner else None, fallback)
    if not value:
        return None  # recorded without one: the confirmation offers to set it
    try:
        return parse_due(value, today)
    except DueDateError:
        errors[FormField.DUE] = f"Pick a day from today ({format_day(today)}) on."
        return None


def _form_why(chain: Chain, number: int | None, errors: dict[FormField, str]) -> Step | None:
    try:
        return pick_why(chain, number)
    except ActionItemError as error:
        errors[FormField.WHY] = str(error)
        return None


def _choice(
    enum: type[_E],
    value: str | None,
    default: _E | None,
    field: FormField,
    errors: dict[FormField, str],
) -> _E | None:
    if value is None:
        return default
    try:
        return enum(value)
    except ValueError:
        errors[field] = f"Pick one of {', '.join(member.value for member in enum)}."
        return default


# Status -----------------------------------------------------------------------------------------
