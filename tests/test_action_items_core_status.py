"""Action item status rules as pure functions: changes, who may make them, and list order."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.action_items import (
    ActionItemError,
    ItemState,
    ItemStatus,
    ListedItem,
    StatusAction,
    change_status,
    list_order,
    may_change,
    who_may_change,
)
from bot.core.dates import days_overdue
from tests.action_items_core_setup import FRIDAY, WEDNESDAY

# Status ---------------------------------------------------------------------------------------

OPEN = ItemState(ItemStatus.OPEN)


@pytest.mark.parametrize(
    ("action", "reason", "after"),
    [
        (StatusAction.DONE, None, ItemState(ItemStatus.DONE)),
        (StatusAction.SNOOZE, None, ItemState(ItemStatus.OPEN, snoozed_until=date(2026, 12, 2))),
        (
            StatusAction.DROP,
            " No longer needed ",
            ItemState(ItemStatus.DROPPED, None, "No longer needed"),
        ),
    ],
)
def test_an_open_item_changes_status(
    action: StatusAction, reason: str | None, after: ItemState
) -> None:
    assert change_status(OPEN, action, WEDNESDAY, reason) == after


def test_snoozing_again_counts_a_week_from_today() -> None:
    snoozed = change_status(OPEN, StatusAction.SNOOZE, WEDNESDAY)
    again = change_status(snoozed, StatusAction.SNOOZE, date(2026, 11, 30))
    assert again.snoozed_until == date(2026, 12, 7)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_dropping_needs_a_reason(reason: str | None) -> None:
    with pytest.raises(ActionItemError) as raised:
        change_status(OPEN, StatusAction.DROP, WEDNESDAY, reason)
    assert "why" in str(raised.value).lower()


@pytest.mark.parametrize(
    ("state", "says"),
    [
        (ItemState(ItemStatus.DONE), "already done"),
        (ItemState(ItemStatus.DROPPED, drop_reason="x"), "was dropped"),
    ],
)
@pytest.mark.parametrize("action", list(StatusAction))
def test_a_closed_item_cannot_change(state: ItemState, says: str, action: StatusAction) -> None:
    with pytest.raises(ActionItemError) as raised:
        change_status(state, action, WEDNESDAY, "reason")
    assert says in str(raised.value)


@pytest.mark.parametrize(
    ("actor", "allowed"), [("UOWNER", True), ("UFAC", True), ("UOTHER", False)]
)
def test_only_the_owner_or_the_facilitator_may_change_an_item(actor: str, allowed: bool) -> None:
    assert may_change(actor, "UOWNER", "UFAC") is allowed


def test_the_refusal_names_who_may_change_the_item() -> None:
    assert "<@UOWNER>" in who_may_change("UOWNER", "UFAC")
    assert "<@UFAC>" in who_may_change("UOWNER", "UFAC")
    assert who_may_change("UFAC", "UFAC").count("<@UFAC>") == 1


# Lists ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "today", "days"),
    [(WEDNESDAY, WEDNESDAY, 0), (WEDNESDAY, FRIDAY, 2), (FRIDAY, WEDNESDAY, 0)],
)
def test_days_overdue(due: date, today: date, days: int) -> None:
    assert days_overdue(due, today) == days


def test_lists_show_overdue_items_first_then_by_due_date() -> None:
    def listed(item_id: int, due: date, overdue: int) -> ListedItem:
        return ListedItem(item_id, 1, "x", "U1", due, overdue)

    items = [
        listed(1, date(2026, 12, 4), 0),
        listed(2, date(2026, 11, 20), 5),
        listed(3, date(2026, 11, 26), 0),
        listed(4, date(2026, 11, 25), 1),
    ]
    assert [item.item_id for item in list_order(items)] == [2, 4, 3, 1]
