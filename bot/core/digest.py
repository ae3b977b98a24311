"""What the weekly digest says: open items by owner, what got done, and how each COE is doing.

Pure: the shell loads the items and passes the digest's `today`, each owner's today and the
period's window; rendering is elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.dates import days_overdue, format_day, overdue_first

# What a digest calls "the past week", and the window of one posted by hand, which has no
# scheduled period of its own.
COMPLETED_WINDOW_DAYS = 7
PAST_WEEK = "in the past week"


@dataclass(frozen=True)
class Window:
    """The digest's period: items closed after `start` and by `end` count as completed in it.

    From the previous scheduled time to this one, so every completion is in exactly one
    period's digest, however late each digest is posted.
    """

    start: datetime
    end: datetime

    @classmethod
    def week_to(cls, end: datetime) -> Window:
        return cls(end - timedelta(days=COMPLETED_WINDOW_DAYS), end)

    def phrase(self) -> str:
        """`in the past week` for a weekly schedule, else `since Fri 27 Nov 2026`."""
        # By calendar days in the schedule's timezone: a week across a clock change is a week.
        if (self.end.date() - self.start.date()).days == COMPLETED_WINDOW_DAYS:
            return PAST_WEEK
        return f"since {format_day(self.start.date())}"


@dataclass(frozen=True)
class DigestItem:
    id: int
    coe_id: int
    text: str
    owner_id: str
    due: date | None
    snoozed_until: date | None = None


@dataclass(frozen=True)
class OpenEntry:
    item: DigestItem
    days_overdue: int


@dataclass(frozen=True)
class OwnerGroup:
    owner_id: str
    entries: tuple[OpenEntry, ...]

    @property
    def overdue(self) -> int:
        return sum(1 for entry in self.entries if entry.days_overdue)


@dataclass(frozen=True)
class CoeProgress:
    """Done out of total for one COE; dropped items count in neither."""

    coe_id: int
    problem: str
    done: int
    total: int
    dropped: int = 0


@dataclass(frozen=True)
class Digest:
    today: date
    groups: tuple[OwnerGroup, ...]
    completed: tuple[DigestItem, ...]
    progress: tuple[CoeProgress, ...]
    # When the completed items were completed: "in the past week", "since Fri 27 Nov 2026".
    completed_when: str = PAST_WEEK

    @property
    def open_count(self) -> int:
        return sum(len(group.entries) for group in self.groups)

    @property
    def overdue_count(self) -> int:
        return sum(group.overdue for group in self.groups)


def build_digest(
    *,
    today: date,
    open_items: Iterable[DigestItem],
    completed: Iterable[DigestItem],
    progress: Iterable[CoeProgress],
    owner_today: Mapping[str, date] | None = None,
    window: Window | None = None,
) -> Digest | None:
    """The digest, or None when there is nothing to report: nothing open, nothing just done.

    `completed` are the items closed in `window`. Days overdue count on each owner's calendar
    (`owner_today`, else `today`), as their reminders and `/coe actions` count them. A COE whose
    items were all closed before the window has nothing to say any more, so its progress alone
    does not make a digest.
    """
    owner_today = owner_today or {}
    entries = [
        OpenEntry(item, days_overdue(item.due, owner_today.get(item.owner_id, today)))
        for item in open_items
    ]
    done = sorted(completed, key=lambda item: (item.coe_id, item.id))
    if not entries and not done:
        return None
    active = {entry.item.coe_id for entry in entries} | {item.coe_id for item in done}
    return Digest(
        today=today,
        groups=_group_by_owner(entries),
        completed=tuple(done),
        progress=tuple(sorted((p for p in progress if p.coe_id in active), key=_coe_order)),
        completed_when=window.phrase() if window is not None else PAST_WEEK,
    )


def _group_by_owner(entries: list[OpenEntry]) -> tuple[OwnerGroup, ...]:
    by_owner: dict[str, list[OpenEntry]] = {}
    for entry in sorted(entries, key=_entry_order):
        by_owner.setdefault(entry.item.owner_id, []).append(entry)
    # Owners keep the order of their most pressing item: whoever is furthest behind comes first.
    return tuple(OwnerGroup(owner, tuple(group)) for owner, group in by_owner.items())


def _entry_order(entry: OpenEntry) -> tuple[int, date, int, int]:
    return (*overdue_first(entry.days_overdue, entry.item.due), entry.item.coe_id, entry.item.id)


def _coe_order(progress: CoeProgress) -> int:
    return progress.coe_id
