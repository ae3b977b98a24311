"""When to remind an owner about an action item.

Pure: the shell passes the item's state and the owner's local time; nothing here reads a clock
or knows about Slack or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.core.action_items import ItemStatus

# The furthest any timezone runs ahead of UTC (Kiribati, UTC+14): whatever day it is anywhere,
# it is at most this calendar day.
_MAX_UTC_OFFSET = timedelta(hours=14)


class NudgeKind(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class NudgePolicy:
    due_soon_days: int
    working_hours: tuple[time, time]
    working_days: frozenset[int]  # Monday is 0, as in `date.weekday()`


@dataclass(frozen=True)
class NudgeState:
    """What the policy needs of an action item."""

    status: str
    due: date
    snoozed_until: date | None = None
    due_soon_nudged: bool = False
    last_nudged_on: date | None = None


def at_work(now_local: datetime, policy: NudgePolicy) -> bool:
    """Whether `now_local` (the owner's wall clock) falls in working hours on a working day."""
    start, end = policy.working_hours
    return now_local.weekday() in policy.working_days and start <= now_local.time() < end


def nudge_due(item: NudgeState, now_local: datetime, policy: NudgePolicy) -> NudgeKind | None:
    """The reminder owed for `item` at `now_local` in the owner's timezone, if any."""
    today = now_local.date()
    if item.status != ItemStatus.OPEN or not at_work(now_local, policy):
        return None
    if item.snoozed_until is not None and item.snoozed_until > today:
        return None
    # Whatever kind it would be, one reminder a day is the most an owner ever gets.
    if item.last_nudged_on is not None and item.last_nudged_on >= today:
        return None
    if item.due < today:
        return NudgeKind.OVERDUE
    if not item.due_soon_nudged and (item.due - today).days <= policy.due_soon_days:
        return NudgeKind.DUE_SOON
    return None


def latest_today(now_utc: datetime) -> date:
    """The latest calendar day it is anywhere on Earth at `now_utc`."""
    return (now_utc + _MAX_UTC_OFFSET).date()
