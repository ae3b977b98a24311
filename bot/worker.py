"""The worker: processes what the Slack listeners stored, and sends what the outbox owes.

The listeners only store a request and ack it, so nothing the worker does can delay an ack:
`coe-bot serve` runs the worker in a process of its own, woken through a pipe each time a
listener stores something. It also polls, which picks up what another process stored, what a
dead process left behind, and retries that have come due.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from bot import delivery
from bot.runtime import Runtime
from storage import inbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    """How the worker handles one kind of stored request."""

    handle: Callable[[Runtime, str], None]
    # Told when the worker stops retrying a request, so that whoever sent it hears about it.
    abandon: Callable[[Runtime, str, str], None] | None = None
    # Someone is waiting on it (a command, a click): it gets a pool of its own.
    interactive: bool = False


MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(seconds=10)
POLL_SECONDS = 0.5


class Worker:
    """Runs each stored request's route (by kind) on a small thread pool.

    Replies in one COE thread are handled one at a time, in the order they were stored, so the
    chain records them in the order people wrote them.
    """

    def __init__(
        self,
        rt: Runtime,
        routes: Mapping[str, Route],
        threads: int = 8,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.rt = rt
        self.routes = routes
        self.poll_seconds = poll_seconds
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="coe-worker")
        # Clicks must open their modals within three seconds of the click, whatever the backlog.
        self._interactive = ThreadPoolExecutor(max_workers=4, thread_name_prefix="coe-clicks")
        self._wake = threading.Event()
        self._in_flight: set[str] = set()
        self._busy_threads: set[str] = set()
        self._lock = threading.Lock()
        self._delivering = threading.Lock()

    def wake(self) -> None:
        """Something was stored or queued: look now rather than at the next poll."""
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        """Process until `stop` is set."""
        while not stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            try:
                self.run_once()
            except Exception:
                log.exception("Worker pass failed; trying again at the next one")
        self.close()

    def close(self) -> None:
        """Wait for the requests in hand to finish."""
        self._pool.shutdown(wait=True)
        self._interactive.shutdown(wait=True)

    def run_once(self) -> None:
        """Start every due request not already in hand, and send the outbox's due messages."""
        with Session(self.rt.engine) as session:
            due = inbox.pending(session=session, now=self.rt.now())
        for request in due:
            if self._take(request):
                route = self.routes.get(request.kind)
                pool = self._interactive if route and route.interactive else self._pool
                pool.submit(self._handle, request)
        if self._delivering.acquire(blocking=False):  # one outbox pass at a time is plenty
            self._pool.submit(self._deliver)

    def _take(self, request: inbox.Pending) -> bool:
        with self._lock:
            if request.key in self._in_flight or request.thread_key in self._busy_threads:
                return False
            self._in_flight.add(request.key)
            if request.thread_key:
                self._busy_threads.add(request.thread_key)
            return True

    def _handle(self, request: inbox.Pending) -> None:
        route = self.routes.get(request.kind)
        try:
            if route is None:
                raise LookupError(f"no route for stored {request.kind!r} requests")
            route.handle(self.rt, request.key)
        except Exception as error:
            log.exception("Handling stored %s %s failed", request.kind, request.key)
            self._failed(request.key, route, error)
        finally:
            with self._lock:
                self._in_flight.discard(request.key)
                self._busy_threads.discard(request.thread_key or "")
            # The thread's next reply, or what the handler queued, goes now, not at the next poll.
            self.wake()

    def _deliver(self) -> None:
        try:
            delivery.deliver_due(self.rt)
        finally:
            self._delivering.release()

    def _failed(self, key: str, route: Route | None, error: Exception) -> None:
        now = self.rt.now()
        with Session(self.rt.engine) as session:
            attempts = inbox.retry_later(
                session=session, event_id=key, error=repr(error), at=now + RETRY_DELAY
            )
            abandoned = attempts >= MAX_ATTEMPTS
            if abandoned:
                log.error("Giving up on stored request %s after %s attempts", key, attempts)
                inbox.give_up(session=session, event_id=key, error=repr(error), now=now)
            session.commit()
        if abandoned and route is not None and route.abandon is not None:
            route.abandon(self.rt, key, str(error))


def run_in_thread(worker: Worker) -> Callable[[], None]:
    """Start the worker on a thread of this process; returns what stops it."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), name="coe-worker", daemon=True)
    thread.start()

    def stop_worker() -> None:
        stop.set()
        worker.wake()
        thread.join(timeout=30)

    return stop_worker


def listen_for_wakeups(read_fd: int, wake: Callable[[], None], stop: threading.Event) -> None:
    """Wake the worker for every byte the serving process writes; stop when it goes away."""

    def read() -> None:
        while os.read(read_fd, 4096):
            wake()
        stop.set()  # end of file: the serving process is gone, and with it our reason to run

    threading.Thread(target=read, name="coe-wakeups", daemon=True).start()


def pipe_notifier(write_fd: int) -> Callable[[], None]:
    """A `notify` for the serving process: one byte down the pipe, never blocking an ack."""
    os.set_blocking(write_fd, False)

    def notify() -> None:
        # A full pipe holds wake-ups the worker has yet to read: it is awake already.
        with contextlib.suppress(BlockingIOError):
            os.write(write_fd, b"!")

    return notify
