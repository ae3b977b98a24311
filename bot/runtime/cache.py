"""What Slack told us lately, kept in memory for a while: no table, gone with the process."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Entry:
    value: Any
    expires: datetime

    def fresh(self, now: datetime) -> bool:
        return now < self.expires


class TtlCache:
    """Values by key, each fresh for its own time to live; the oldest go first when it is full.

    An expired value stays until it is replaced or pushed out, so a caller whose Slack call
    fails can still fall back on what Slack said before.
    """

    def __init__(self, max_entries: int = 20_000, keeping: bool = True) -> None:
        # `keeping` False: nothing is kept (to measure what keeping buys).
        self._keeping = keeping
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Entry | None:
        """The entry for `key`, fresh or not; None if there is none."""
        if not self._keeping:
            return None
        with self._lock:
            return self._entries.get(key)

    def put(self, key: Hashable, value: Any, *, now: datetime, ttl: timedelta) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = Entry(value, now + ttl)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
