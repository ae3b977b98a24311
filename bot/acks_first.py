"""Acks before the work that follows them: the worker holds back while listeners are acking.

On SQLite the listeners and the worker share one process, so one interpreter lock: a worker
busy with yesterday's burst takes the CPU an ack needs now, and Slack waits. On PostgreSQL the
worker is a process of its own, but it and the database's backends serving it take the same
two cores the acks need. Work put off for a moment loses nothing (it is stored), and is done
as fast once the acks are out.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# How often a worker in another process looks at the count: that process cannot wake it.
_LOOK_EVERY = 0.005


class AcksFirst:
    """Counts the requests being acked, and lets the worker wait for none.

    The count is in memory a process forked after this is made shares (bot/cli.py makes one
    before it forks the worker): only the serving process changes it.
    """

    def __init__(self) -> None:
        self._acking = multiprocessing.RawValue(ctypes.c_int, 0)
        self._quiet = threading.Condition()

    @contextmanager
    def acking(self) -> Iterator[None]:
        """Around a request, from the moment it is read until its ack is written."""
        with self._quiet:
            self._acking.value += 1
        try:
            yield
        finally:
            with self._quiet:
                self._acking.value -= 1
                if not self._acking.value:
                    self._quiet.notify_all()

    def wait_for_quiet(self, longest: float) -> bool:
        """Return once no request is being acked (True), or after `longest` seconds (False)."""
        deadline = time.monotonic() + longest
        with self._quiet:
            while self._acking.value:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                # Woken at once by an ack of this process; an ack of the other is seen here.
                self._quiet.wait(min(left, _LOOK_EVERY))
        return True
