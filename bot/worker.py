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
from datetime import timedelta

from sqlmodel import Session

from bot import delivery
from bot.runtime import Runtime
from storage import inbox

log = logging.getLogger(__name__)

Handler = Callable[[Runtime, str], None]

MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(seconds=10)
POLL_SECONDS = 0.5


class Worker:
    """Runs each stored request's handler (by kind) on a small thread pool, once."""

    def __init__(
        self,
        rt: Runtime,
        handlers: Mapping[str, Handler],
        threads: int = 8,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.rt = rt
        self.handlers = handlers
        self.poll_seconds = poll_seconds
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="coe-worker")
        self._wake = threading.Event()
        self._in_flight: set[str] = set()
        self._lock = threading.Lock()

    def wake(self) -> None:
        """Something was stored: look now rather than at the next poll."""
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
        self._pool.shutdown(wait=True)

    def run_once(self) -> None:
        """Start every due request not already in hand, and send the outbox's due messages."""
        with Session(self.rt.engine) as session:
            due = inbox.pending(session=session, now=self.rt.now())
        for key, kind in due:
            with self._lock:
                if key in self._in_flight:
                    continue
                self._in_flight.add(key)
            self._pool.submit(self._handle, key, kind)
        self._pool.submit(delivery.deliver_due, self.rt)

    def _handle(self, key: str, kind: str) -> None:
        try:
            handler = self.handlers.get(kind)
            if handler is None:
                raise LookupError(f"no handler for stored {kind!r} requests")
            handler(self.rt, key)
        except Exception as error:
            log.exception("Handling stored %s %s failed", kind, key)
            self._failed(key, error)
        finally:
            with self._lock:
                self._in_flight.discard(key)
            # Whatever the handler queued goes out now, not at the next poll.
            self.wake()

    def _failed(self, key: str, error: Exception) -> None:
        now = self.rt.now()
        with Session(self.rt.engine) as session:
            attempts = inbox.retry_later(
                session=session,
                event_id=key,
                error=repr(error),
                at=now + RETRY_DELAY,
            )
            if attempts >= MAX_ATTEMPTS:
                log.error("Giving up on stored request %s after %s attempts", key, attempts)
                inbox.give_up(session=session, event_id=key, error=repr(error), now=now)
            session.commit()


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
