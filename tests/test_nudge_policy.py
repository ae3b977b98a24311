"""The nudge policy on its own: real instants, real timezones, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.dates import days_overdue, due_phrase
from bot.core.nudges import (
    NudgeKind,
    NudgePolicy,
    NudgeState,
    at_work,
    latest_today,
    nudge_due,
)

POLICY = NudgePolicy(
    due_soon_days=2, working_hours=(time(9), time(17)), working_days=frozenset(range(5))
)
TOKYO, NEW_YORK, LONDON = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/New_York"), ZoneInfo("UTC")
# Wednesday 25 November 2026.
WEDNESDAY = date(2026, 11, 25)


def at(utc: datetime, zone: ZoneInfo) -> datetime:
    return utc.astimezone(zone)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due", "now_local", "expected"),
    [
        # Due-soon window: from `due_soon_days` before the due date to the due date itself.
        (date(2026, 11, 28), at(utc(25, 10), LONDON), None),  # 3 days out
        (date(2026, 11, 27), at(utc(25, 10), LONDON), NudgeKind.DUE_SOON),  # 2 days out
        (date(2026, 11, 26), at(utc(25, 10), LONDON), NudgeKind.DUE_SOON),
        (WEDNESDAY, at(utc(25, 10), LONDON), NudgeKind.DUE_SOON),  # due today
        (date(2026, 11, 24), at(utc(25, 10), LONDON), NudgeKind.OVERDUE),
        (date(2026, 10, 1), at(utc(25, 10), LONDON), NudgeKind.OVERDUE),
        # Working hours: 09:00 sharp is in, 17:00 sharp is out.
        (date(2026, 11, 24), at(utc(25, 9), LONDON), NudgeKind.OVERDUE),
        (date(2026, 11, 24), at(utc(25, 8, 59), LONDON), None),
        (date(2026, 11, 24), at(utc(25, 16, 59), LONDON), NudgeKind.OVERDUE),
        (date(2026, 11, 24), at(utc(25, 17), LONDON), None),
        # Weekends: Saturday 28 and Sunday 29, mid-morning.
        (date(2026, 11, 24), at(utc(28, 10), LONDON), None),
        (date(2026, 11, 24), at(utc(29, 10), LONDON), None),
        (date(2026, 11, 24), at(utc(30, 10), LONDON), NudgeKind.OVERDUE),
    ],
)
def test_due_overdue_and_working_hours(
    due: date, now_local: datetime, expected: NudgeKind | None
) -> None:
    assert nudge_due(NudgeState("open", due), now_local, POLICY) == expected


# One instant, two owners: 01:00 UTC on Thursday is 10:00 Thursday in Tokyo and 20:00 Wednesday
# in New York; 14:00 UTC on Wednesday is 23:00 in Tokyo and 09:00 in New York.
@pytest.mark.parametrize(
    ("instant", "zone", "due", "expected"),
    [
        (utc(26, 1), TOKYO, date(2026, 11, 25), NudgeKind.OVERDUE),
        (utc(26, 1), NEW_YORK, date(2026, 11, 25), None),  # evening
        (utc(25, 14), TOKYO, date(2026, 11, 24), None),  # night
        (utc(25, 14), NEW_YORK, date(2026, 11, 24), NudgeKind.OVERDUE),
        # Due Wednesday: overdue on Tokyo's Thursday, due today on New York's Wednesday.
        (utc(26, 1), TOKYO, WEDNESDAY, NudgeKind.OVERDUE),
        (utc(25, 14), NEW_YORK, WEDNESDAY, NudgeKind.DUE_SOON),
        # Saturday 10:00 in Tokyo is still Friday in New York, and vice versa on Monday.
        (utc(28, 1), TOKYO, date(2026, 11, 20), None),
        (utc(27, 14), NEW_YORK, date(2026, 11, 20), NudgeKind.OVERDUE),
        (utc(30, 1), TOKYO, date(2026, 11, 20), NudgeKind.OVERDUE),
        (utc(30, 1), NEW_YORK, date(2026, 11, 20), None),  # Sunday evening
    ],
)
def test_the_owners_timezone_decides_the_day_and_the_hours(
    instant: datetime, zone: ZoneInfo, due: date, expected: NudgeKind | None
) -> None:
    assert nudge_due(NudgeState("open", due), at(instant, zone), POLICY) == expected


def test_due_soon_is_sent_once_ever() -> None:
    now = at(utc(25, 10), LONDON)
    nudged = NudgeState(
        "open", date(2026, 11, 27), due_soon_nudged=True, last_nudged_on=date(2026, 11, 24)
    )
    assert nudge_due(nudged, now, POLICY) is None


def test_overdue_is_sent_once_per_day_even_after_a_due_soon_reminder() -> None:
    now = at(utc(25, 10), LONDON)
    today = NudgeState("open", date(2026, 11, 20), due_soon_nudged=True, last_nudged_on=WEDNESDAY)
    yesterday = NudgeState(
        "open", date(2026, 11, 20), due_soon_nudged=True, last_nudged_on=date(2026, 11, 24)
    )
    assert nudge_due(today, now, POLICY) is None
    assert nudge_due(yesterday, now, POLICY) is NudgeKind.OVERDUE


def test_no_second_reminder_on_a_day_that_already_had_one() -> None:
    # Due today, reminded this morning as overdue by an earlier date in another zone: still one.
    item = NudgeState("open", WEDNESDAY, last_nudged_on=WEDNESDAY)
    assert nudge_due(item, at(utc(25, 10), LONDON), POLICY) is None


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_closed_items_are_never_nudged(status: str) -> None:
    assert nudge_due(NudgeState(status, date(2026, 11, 1)), at(utc(25, 10), LONDON), POLICY) is None


@pytest.mark.parametrize(
    ("snoozed_until", "expected"),
    [
        (date(2026, 12, 2), None),
        (date(2026, 11, 26), None),
        (WEDNESDAY, NudgeKind.OVERDUE),  # the snooze has run out today
        (date(2026, 11, 20), NudgeKind.OVERDUE),
    ],
)
def test_snoozed_items_wait(snoozed_until: date, expected: NudgeKind | None) -> None:
    item = NudgeState("open", date(2026, 11, 20), snoozed_until=snoozed_until)
    assert nudge_due(item, at(utc(25, 10), LONDON), POLICY) == expected


def test_working_days_and_hours_come_from_the_policy() -> None:
    weekend_shift = NudgePolicy(
        due_soon_days=0, working_hours=(time(6), time(10)), working_days=frozenset({5, 6})
    )
    saturday_early = at(utc(28, 7), LONDON)
    assert at_work(saturday_early, weekend_shift)
    assert not at_work(at(utc(25, 7), LONDON), weekend_shift)
    assert nudge_due(NudgeState("open", date(2026, 11, 27)), saturday_early, weekend_shift) is (
        NudgeKind.OVERDUE
    )
    # With no due-soon window, an item due later is left alone until it is due.
    assert nudge_due(NudgeState("open", date(2026, 11, 29)), saturday_early, weekend_shift) is None
    assert nudge_due(NudgeState("open", date(2026, 11, 28)), saturday_early, weekend_shift) is (
        NudgeKind.DUE_SOON
    )


def test_dates_as_an_owner_reads_them() -> None:
    assert days_overdue(date(2026, 11, 20), WEDNESDAY) == 5
    assert days_overdue(date(2026, 11, 27), WEDNESDAY) == 0
    assert due_phrase(date(2026, 11, 24), WEDNESDAY) == "1 day overdue"
    assert due_phrase(date(2026, 11, 20), WEDNESDAY) == "5 days overdue"
    assert due_phrase(WEDNESDAY, WEDNESDAY) == "due today"
    assert due_phrase(date(2026, 11, 26), WEDNESDAY) == "due tomorrow"
    assert due_phrase(date(2026, 11, 27), WEDNESDAY) == "due in 2 days"


def test_latest_today_is_the_date_in_the_furthest_timezone_ahead() -> None:
    assert latest_today(utc(25, 9, 59)) == WEDNESDAY
    assert latest_today(utc(25, 10)) == date(2026, 11, 26)
