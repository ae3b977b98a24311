"""Due dates as people read them, the same in every message: the day, and how late an item is.

Pure: `today` is always a parameter, the calendar day it is for the item's owner.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.slack_text import neutralize

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Spelled out rather than `%b`, which follows the process's locale.
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(day: date) -> str:
    """`Fri 4 Dec 2026`: with the weekday, so a misread date stands out."""
    # Cached by the calendar day, not the object: two aware datetimes of the same instant are
    # equal, but may fall on different days.
    return _format_ordinal(day.toordinal())


@lru_cache(maxsize=1024)
def _format_ordinal(ordinal: int) -> str:
    # A digest formats the same few dozen days thousands of times.
    day = date.fromordinal(ordinal)
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


# How an item without a due date reads where a date would stand.
NO_DATE = "no due date"


def days_overdue(due: date | None, today: date) -> int:
    """Whole days past `due`; 0 when it is not overdue, or has no due date."""
    return max((today - due).days, 0) if due is not None else 0


def due_text(due: date | None) -> str:
    """`Fri 4 Dec 2026`, or "no due date"."""
    return format_day(due) if due is not None else NO_DATE


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


def overdue_first(days_overdue: int, due: date | None) -> tuple[int, date]:
    """Sort key of item lists: overdue first, the longest overdue at the top; then by due date,
    items without one last.

    By days overdue rather than by due date alone: with owners in different timezones, the same
    due date can be overdue for one and not yet for another.
    """
    return (-days_overdue, due if due is not None else date.max)


# Reading a due date --------------------------------------------------------------------------

HALF_YEAR_DAYS = 182

_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_COUNTS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10}

_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_IN_N = re.compile(r"^in (?P<count>\d+|[a-z]+) (?P<unit>day|days|week|weeks)$")
_ORDINAL = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th)?"
_MONTH_DAY = re.compile(
    rf"^(?:{_ORDINAL.format('d1')} (?:of )?(?P<m1>[a-z]+)|(?P<m2>[a-z]+) {_ORDINAL.format('d2')})"
    r"(?:,? (?P<y>\d{4}))?$"
)


class DueDateError(ValueError):
    """A due date that cannot be read, or is in the past; the message says how to write one."""


def date_help(today: date) -> str:
    example = today + timedelta(days=9)
    return (
        f"Write the due date as `due {example.isoformat()}`, `due {example.day} "
        f"{MONTH_NAMES[example.month - 1]}`, `due tomorrow`, `due friday`, `due next friday`, "
        "`due next week` or `due in 3 days`."
    )


def owner_today(now: datetime, tz: str | None, fallback: tzinfo = UTC) -> date:
    """The calendar day it is at `now` for an item's owner in `tz`.

    Every count of days goes through here (nudges, `/coe actions`, the Home, the digest, due
    dates as read), so they never disagree on what is overdue.
    """
    return now.astimezone(owner_zone(tz, fallback)).date()


def owner_zone(tz: str | None, fallback: tzinfo = UTC) -> tzinfo:
    """The owner's timezone: the one Slack gave, else `fallback` (the bot's COE_TIMEZONE) when
    Slack gave none, or one this system does not know."""
    return (_known_zone(tz) if tz else None) or fallback


@lru_cache(maxsize=512)
def _known_zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_due(phrase: str, today: date) -> date:
    """Read a due date written the way people write one, relative to `today`.

    A weekday name means the next such day after today: on a Friday, `friday` is a week away
    (`today` is there for today). `next friday` is the Friday of next week, Monday to Sunday, so
    on a Wednesday it is nine days away, not two. `next week` is next Monday. A day and month
    without a year is in the year that puts it nearest today (so a slip into the past is caught).
    """
    words = " ".join(phrase.lower().strip().rstrip(".!,;").split())
    words = words.removeprefix("on ").removeprefix("the ")
    if not words:
        raise DueDateError(f"The due date is missing. {date_help(today)}")
    due = _read_date(words, today)
    if due is None:
        raise DueDateError(
            f"I can't read “{neutralize(phrase.strip(), {})}” as a date. {date_help(today)}"
        )
    if due < today:
        raise DueDateError(
            f"The due date {format_day(due)} is in the past (today is {format_day(today)}). "
            + date_help(today)
        )
    return due


def _read_date(words: str, today: date) -> date | None:
    if words in ("today", "tonight", "eod", "end of day"):
        return today
    if words in ("tomorrow", "tmrw", "tmr"):
        return today + timedelta(days=1)
    if words == "next week":
        return _next_monday(today)
    if words in ("end of week", "end of the week", "eow"):
        return today + timedelta(days=(4 - today.weekday()) % 7)
    for reader in (_iso, _weekday, _in_count, _month_day):
        due = reader(words, today)
        if due is not None:
            return due
    return None


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _iso(words: str, today: date) -> date | None:
    match = _ISO.match(words)
    if match is None:
        return None
    return _calendar_day(int(match["y"]), int(match["m"]), int(match["d"]), words, today)


def _weekday(words: str, today: date) -> date | None:
    first, _, name = words.rpartition(" ")
    weekday = _WEEKDAYS.get(name)
    if weekday is None or first not in ("", "this", "coming", "this coming", "next"):
        return None
    if first == "next":
        return _next_monday(today) + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _in_count(words: str, today: date) -> date | None:
    match = _IN_N.match(words)
    if match is None:
        return None
    count_word = match["count"]
    count = int(count_word) if count_word.isdigit() else _COUNTS.get(count_word)
    if count is None or count > 3660:
        return None
    return today + timedelta(days=count * (7 if match["unit"].startswith("week") else 1))


def _month_day(words: str, today: date) -> date | None:
    match = _MONTH_DAY.match(words)
    if match is None:
        return None
    month = _month(match["m1"] or match["m2"])
    if month is None:
        return None
    day = int(match["d1"] or match["d2"])
    if match["y"]:
        return _calendar_day(int(match["y"]), month, day, words, today)
    due = _calendar_day(today.year, month, day, words, today)
    # The nearer year: `4 jan` in December is next month, but `24 nov` on 25 Nov is a mistake.
    if (today - due).days > HALF_YEAR_DAYS:
        return _calendar_day(today.year + 1, month, day, words, today)
    return due


def _month(word: str) -> int | None:
    """`dec`, `december`, `sept`: any start of a month's name, at least three letters long."""
    if len(word) < 3:
        return None
    matches = [number for name, number in _MONTHS.items() if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _calendar_day(year: int, month: int, day: int, words: str, today: date) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DueDateError(
            f"“{neutralize(words, {})}” is not a day on the calendar. {date_help(today)}"
        ) from None
