"""The threads that make a process's Slack calls for the outbox."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class Senders:
    """A pool of threads for Slack calls, started as they are needed, first in first out.

    Unlike a ThreadPoolExecutor it can be drained: wait for everything handed to it so far, and
    go on taking more; and a task can ask whether it runs on one of these threads.
    """

    def __init__(self, threads: int, name: str = "coe-send") -> None:
        self._most = threads
        self._name = name
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._lock = threading.Condition()
        self._threads = 0
        self._idle = 0
        self._unfinished = 0
        self._closed = False
        self._local = threading.local()

    def submit(self, work: Callable[..., T], *args: Any) -> Future[T]:
        task = _Task(work, args)
        with self._lock:
            self._unfinished += 1
            start = self._idle == 0 and self._threads < self._most
            if start:
                self._threads += 1
            elif self._idle:
                self._idle -= 1  # this task's: the next one may need a thread of its own
        self._tasks.put(task)
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
            threads, self._most, self._closed = self._threads, 0, True
        for _ in range(threads):
            self._tasks.put(None)

    def _run(self) -> None:
        self._local.sender = True
        while True:
            task = self._tasks.get()
            if task is None or self._closed:
                return
            task.run()
            with self._lock:
                self._unfinished -= 1
                self._idle += 1
                self._lock.notify_all()


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
