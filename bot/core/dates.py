"""Due dates as people read them, the same in every message: the day, and how late an item is.

Pure: `today` is always a parameter, the calendar day it is for the item's owner.
"""

from __future__ import annotations

from datetime import date

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Spelled out rather than `%b`, which follows the process's locale.
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(day: date) -> str:
    """`Fri 4 Dec 2026`: with the weekday, so a misread date stands out."""
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def days_overdue(due: date, today: date) -> int:
    """Whole days past `due`; 0 when it is not overdue."""
    return max((today - due).days, 0)


def overdue_phrase(days: int) -> str:
    """`1 day overdue`, `3 days overdue`."""
    return "1 day overdue" if days == 1 else f"{days} days overdue"


def due_phrase(due: date, today: date) -> str:
    """How an owner reads the due date: "due today", "due in 2 days", "3 days overdue"."""
    days = (due - today).days
    if days < 0:
        return overdue_phrase(-days)
    if days == 0:
        return "due today"
    return "due tomorrow" if days == 1 else f"due in {days} days"


def overdue_first(days_overdue: int, due: date) -> tuple[int, date]:
    """Sort key of item lists: overdue first, the longest overdue at the top; then by due date.

    By days overdue rather than by due date alone: with owners in different timezones, the same
    due date can be overdue for one and not yet for another.
    """
    return (-days_overdue, due)
