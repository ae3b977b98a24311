"""What the weekly digest says: open items by owner, what got done, and how each COE is doing.

Pure: the shell loads the items and passes the digest's `today`; rendering is elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.core.nudges import days_overdue

COMPLETED_WINDOW_DAYS = 7


@dataclass(frozen=True)
class DigestItem:
    id: int
    coe_id: int
    text: str
    owner_id: str
    due: date
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
) -> Digest | None:
    """The digest, or None when there is nothing to report: nothing open, nothing just done.

    A COE whose items were all closed before the past week has nothing to say any more, so
    its progress alone does not make a digest.
    """
    entries = [OpenEntry(item, days_overdue(item.due, today)) for item in open_items]
    done = sorted(completed, key=lambda item: (item.coe_id, item.id))
    if not entries and not done:
        return None
    active = {entry.item.coe_id for entry in entries} | {item.coe_id for item in done}
    return Digest(
        today=today,
        groups=_group_by_owner(entries),
        completed=tuple(done),
        progress=tuple(sorted((p for p in progress if p.coe_id in active), key=_coe_order)),
    )


def _group_by_owner(entries: list[OpenEntry]) -> tuple[OwnerGroup, ...]:
    by_owner: dict[str, list[OpenEntry]] = {}
    for entry in sorted(entries, key=_entry_order):
        by_owner.setdefault(entry.item.owner_id, []).append(entry)
    # Owners keep the order of their most pressing item: whoever is furthest behind comes first.
    return tuple(OwnerGroup(owner, tuple(group)) for owner, group in by_owner.items())


def _entry_order(entry: OpenEntry) -> tuple[int, date, int, int]:
    # Overdue first, the longest overdue at the top; then by due date.
    return (-entry.days_overdue, entry.item.due, entry.item.coe_id, entry.item.id)


def _coe_order(progress: CoeProgress) -> int:
    return progress.coe_id
