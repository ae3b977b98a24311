"""The action item form as a pure function: what a filled-in modal makes, and its errors."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.action_items import (
    Kind,
    NewItem,
    Person,
    Priority,
)
from bot.core.item_form import ItemForm, check_form
from tests.action_items_core_setup import NOW, answered


def form(**changes: object) -> ItemForm:
    fields: dict[str, object] = {
        "description": "Add an alarm",
        "owner_id": "UBOB",
        "due": "2026-12-04",
        "priority": "high",
        "kind": "detect",
        "why_number": 2,
    }
    fields.update(changes)
    return ItemForm(**fields)  # type: ignore[arg-type]


def test_a_complete_form_makes_an_item() -> None:
    item, errors = check_form(form(), Person("UBOB"), answered(3), NOW)
    assert errors == {}
    assert item == NewItem(
        "Add an alarm", "UBOB", date(2026, 12, 4), answered(3).steps[1], Priority.HIGH, Kind.DETECT
    )


def test_the_forms_due_date_is_optional() -> None:
    item, errors = check_form(form(due=None), Person("UBOB"), answered(3), NOW)
    assert errors == {} and item is not None and item.due is None


def test_priority_defaults_to_medium_and_type_is_optional() -> None:
    item, _ = check_form(form(priority=None, kind=None), Person("UBOB"), answered(3), NOW)
    assert item is not None and item.priority is Priority.MEDIUM and item.kind is None


@pytest.mark.parametrize(
    ("changes", "owner", "field", "says"),
    [
        ({"description": "  "}, Person("UBOB"), "description", "what should be done"),
        ({"owner_id": None}, None, "owner", "Pick the person"),
        ({"owner_id": "UNOBODY"}, None, "owner", "can't find"),
        ({}, Person("UBOB", is_bot=True), "owner", "is a bot"),
        ({"due": "2026-11-24"}, Person("UBOB"), "due", "from today (Wed 25 Nov 2026) on"),
        ({"why_number": 9}, Person("UBOB"), "why", "no why #9"),
        ({"kind": "blame"}, Person("UBOB"), "kind", "prevent, detect, mitigate"),
    ],
)
def test_a_bad_form_field_gets_its_own_error(
    changes: dict[str, object], owner: Person | None, field: str, says: str
) -> None:
    item, errors = check_form(form(**changes), owner, answered(3), NOW)
    assert item is None
    assert list(errors) == [field] and says in errors[field]
