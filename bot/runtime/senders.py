"""The threads that make a process's Slack calls for the outbox, the most urgent first."""

from __future__ import annotations

import collections
import itertools
import queue
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from enum import IntEnum
from typing import Any, TypeVar

T = TypeVar("T")


class Urgency(IntEnum):
    """Which send goes first when every sender is busy: lower first."""

    WAITED_ON = 0  # the next why (the thread waits on it), or a send its caller waits on
    POST = 1
    MARK = 2  # a mark on an answer: the question that follows it matters more


class Senders:
    """A pool of threads for Slack calls, started as they are needed.

    Unlike a ThreadPoolExecutor it takes the most urgent task first, so that under a burst the
    next whys go out before the marks on the answers that brought them, and it can be drained:
    wait for everything handed to it so far, and go on taking more.
    """

    def __init__(
        self, threads: int, name: str = "coe-send", at_once: Mapping[Urgency, int] | None = None
    ) -> None:
        self._most = threads
        # How many tasks of an urgency may run at once, where fewer than `threads`.
        self._at_once = dict(at_once or {})
        self._running: collections.Counter[int] = collections.Counter()
        self._parked: dict[int, collections.deque[_Task]] = collections.defaultdict(
            collections.deque
        )
        self._name = name
        self._tasks: queue.PriorityQueue[tuple[int, int, _Task | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._lock = threading.Condition()
        self._threads = 0
        self._idle = 0
        self._unfinished = 0
        self._local = threading.local()

    def submit(
        self, work: Callable[..., T], *args: Any, urgency: Urgency = Urgency.POST
    ) -> Future[T]:
        task = _Task(work, args)
        with self._lock:
            self._unfinished += 1
            start = self._idle == 0 and self._threads < self._most
            if start:
                self._threads += 1
            elif self._idle:
                self._idle -= 1  # this task's: the next one may need a thread of its own
        self._tasks.put((urgency, next(self._order), task))
        if start:
            name = f"{self._name}_{self._threads}"
            threading.Thread(target=self._run, name=name, daemon=True).start()
        return task.future

    def is_current(self) -> bool:
        """Whether the calling thread is one of these senders."""
        return bool(getattr(self._local, "sender", False))

    def drain(self, timeout: float) -> bool:
        """Wait until everything handed over so far is done; False if `timeout` came first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._unfinished:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def close(self) -> None:
        """Let the threads go once they are idle; what is still queued is never run (what the
        outbox claimed for it is given back when its claim goes stale)."""
        with self._lock:
            threads, self._most = self._threads, 0
        for _ in range(threads):
            self._tasks.put((_STOP, next(self._order), None))

    def _run(self) -> None:
        self._local.sender = True
        while True:
            urgency, _, first = self._tasks.get()
            if first is None:
                return
            with self._lock:
                if self._running[urgency] >= self._at_once.get(urgency, self._most):
                    # As many of these as may run at once are running: the first of them to
                    # finish takes this one on.
                    self._parked[urgency].append(first)
                    self._idle += 1
                    continue
                self._running[urgency] += 1
            task: _Task | None = first
            while task is not None:
                task.run()
                with self._lock:
                    self._unfinished -= 1
                    self._lock.notify_all()
                    parked = self._parked[urgency]
                    task = parked.popleft() if parked else None
                    if task is None:
                        self._running[urgency] -= 1
                        self._idle += 1


# Taken before any task: a thread that takes it ends.
_STOP = -1


def all_done(futures: list[Future[Any]]) -> Future[None]:
    """A future done once all of these are, whatever each came to."""
    done: Future[None] = Future()
    left = len(futures)
    lock = threading.Lock()

    def one_done(_: Future[Any]) -> None:
        nonlocal left
        with lock:
            left -= 1
            last = left == 0
        if last:
            done.set_result(None)

    if not futures:
        done.set_result(None)
    for future in futures:
        future.add_done_callback(one_done)
    return done


class _Task:
    def __init__(self, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.work = work
        self.args = args
        self.future: Future[Any] = Future()

    def run(self) -> None:
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            self.future.set_result(self.work(*self.args))
        except BaseException as error:
            self.future.set_exception(error)
