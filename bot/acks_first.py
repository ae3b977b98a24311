"""Acks before the work that follows them: the worker holds back while listeners are acking.

On SQLite the listeners and the worker share one process, so one interpreter lock: a worker
busy with yesterday's burst takes the CPU an ack needs now, and Slack waits. Work put off
for a moment loses nothing (it is stored), and is done as fast once the acks are out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class AcksFirst:
    """Counts the requests this process is acking, and lets the worker wait for none."""

    def __init__(self) -> None:
        self._acking = 0
        self._quiet = threading.Condition()

    @contextmanager
    def acking(self) -> Iterator[None]:
        """Around a request, from the moment it is read until its ack is written."""
        with self._quiet:
            self._acking += 1
        try:
            yield
        finally:
            with self._quiet:
                self._acking -= 1
                if not self._acking:
                    self._quiet.notify_all()

    def wait_for_quiet(self, longest: float) -> bool:
        """Return once no request is being acked (True), or after `longest` seconds (False)."""
        with self._quiet:
            return self._quiet.wait_for(lambda: not self._acking, timeout=longest)
