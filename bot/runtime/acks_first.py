"""Acks before the work that follows them: the worker holds back while listeners are acking.

On SQLite the listeners and the worker share one process, so one interpreter lock: a worker
busy with yesterday's burst takes the CPU an ack needs now, and Slack waits. On PostgreSQL the
worker is a process of its own, but it and the database's backends serving it take the same
two cores the acks need. Work put off for a moment loses nothing (it is stored), and is done
as fast once the acks are out.
"""

from __future__ import annotations

import ctypes
import mmap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# How often a worker in another process looks at the count: that process cannot wake it.
_LOOK_EVERY = 0.005


class AcksFirst:
    """Counts the requests being acked, and lets the worker wait for none.

    `across_fork`: the count is kept where a process forked after this is made sees it (bot/cli.py
    makes one so before it forks the worker); only the serving process changes it.
    """

    def __init__(self, across_fork: bool = False, holding: bool = True) -> None:
        # `holding` False: nothing ever waits (to measure what the waiting buys).
        self._holding = holding
        if across_fork:
            # Anonymous memory, shared with children: no file, so no /dev/shm needed.
            self._shared = mmap.mmap(-1, ctypes.sizeof(ctypes.c_int))
            self._acking = ctypes.c_int.from_buffer(self._shared)
        else:
            self._acking = ctypes.c_int(0)
        self._look_every = _LOOK_EVERY if across_fork else None
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
        if not self._holding:
            return True
        deadline = time.monotonic() + longest
        with self._quiet:
            while self._acking.value:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                # Woken at once by an ack of this process; one of the serving process, which
                # cannot wake a forked worker, is seen by looking again.
                self._quiet.wait(min(left, self._look_every) if self._look_every else left)
        return True
