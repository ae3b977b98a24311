"""The worker: processes what the Slack listeners stored, and sends what the outbox owes.

The listeners only store a request and ack it, so nothing the worker does can delay an ack.
A listener hands what it stored straight to the worker: in the same process (SQLite) as a
call, from the serving process (`coe-bot serve` forks the worker on PostgreSQL) down a pipe.
The worker also polls, which picks up what another process stored, what a dead process left
behind, and retries that have come due.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from sqlmodel import Session

from bot.runtime.context import Runtime
from bot.runtime.tuning import (
    ACKS_FIRST_WAIT,
    INTERACTIVE_THREADS,
    INTERACTIVE_THREADS_SQLITE,
    OUTBOX_PASS_AT_LEAST_EVERY,
    POLL_SECONDS,
    REQUEST_ATTEMPTS,
    RETRY_DELAY,
    SENDING_HOLD,
    THREADS,
)
from bot.slack import delivery
from storage import inbox
from storage.db import read_only

log = logging.getLogger(__name__)


# What the listeners call once they have stored something, with the stored requests
# (inbox.Pending) the worker may start on at once: a worker's `wake`, here or in another process.
Notify = Callable[..., None]


def wake_nobody(*stored: object) -> None:
    """The `notify` of listeners with no worker to wake (it polls)."""


@dataclass(frozen=True)
class Route:
    """How the worker handles one kind of stored request."""

    # What it returns, if anything, is done once Slack has answered what the request sent: the
    # next request of its thread waits for that.
    handle: Callable[[Runtime, inbox.StoredRequest], Future[None] | None]
    # Told (with the request's key and the last error) when the worker stops retrying it, so
    # that whoever sent it hears about it.
    abandon: Callable[[Runtime, str, str], None] | None = None
    # Someone is waiting on it (a command, a click): it gets a pool of its own.
    interactive: bool = False


class Worker:
    """Runs each stored request's route (by kind) on a thread pool.

    Replies in one COE thread are handled one at a time, in the order of their Slack `ts`, so
    the chain records them in the order people wrote them; and the next is not started before
    Slack has answered what the one before it sent. Started sooner, its why could be queued
    behind the one before while that one's sender looked for posts behind it (on PostgreSQL,
    neither transaction sees the other's) and wait for the outbox pass.
    """

    def __init__(
        self,
        rt: Runtime,
        routes: Mapping[str, Route],  # by inbox.RequestKind
        threads: int = THREADS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.rt = rt
        self.routes = routes
        self.poll_seconds = poll_seconds
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="coe-worker")
        # Clicks must open their modals within three seconds of the click, whatever the backlog.
        self._interactive = ThreadPoolExecutor(
            max_workers=(
                INTERACTIVE_THREADS_SQLITE
                if rt.engine.dialect.name == "sqlite"
                else INTERACTIVE_THREADS
            ),
            thread_name_prefix="coe-clicks",
        )
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._handed: list[inbox.Pending] = []
        self._look = False
        self._in_flight: set[str] = set()
        self._busy_threads: set[str] = set()
        # A busy thread's next requests, by `ts`: started as soon as the one in hand is done.
        self._queued: dict[str, list[tuple[str, str, inbox.Pending]]] = {}
        self._delivering = threading.Lock()
        self._last_pass = 0.0

    def wake(self, *stored: inbox.Pending) -> None:
        """Handle these stored requests now; with none, look for what was stored or queued."""
        with self._lock:
            if stored:
                self._handed.extend(stored)
            else:
                self._look = True
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        """Process until `stop` is set."""
        next_poll = time.monotonic()
        while not stop.is_set():
            self._wake.wait(max(0.0, next_poll - time.monotonic()))
            self._wake.clear()
            with self._lock:
                handed, self._handed = self._handed, []
                look, self._look = self._look, False
            polling = time.monotonic() >= next_poll
            try:
                self._start(handed)
                if look or polling:
                    self._start(self._due())
                if polling:
                    next_poll = time.monotonic() + self.poll_seconds
                    self._send_outbox(when_idle=True)
            except Exception:
                log.exception("Worker pass failed; trying again at the next one")
        self.close()

    def close(self) -> None:
        """Wait for the requests in hand to finish, and for what they handed to the senders."""
        self._pool.shutdown(wait=True)
        self._interactive.shutdown(wait=True)
        self.rt.senders.drain(timeout=SENDING_HOLD.total_seconds())

    def run_once(self) -> None:
        """Start every due request not already in hand, and send the outbox's due messages."""
        self._start(self._due())
        self._send_outbox(when_idle=False)

    def _due(self) -> list[inbox.Pending]:
        with Session(read_only(self.rt.engine)) as session:
            return inbox.pending(session=session, now=self.rt.now())

    def _start(self, requests: list[inbox.Pending]) -> None:
        for request in requests:
            if self._take(request):
                self._submit(request)

    def _submit(self, request: inbox.Pending) -> None:
        route = self.routes.get(request.kind)
        pool = self._interactive if route and route.interactive else self._pool
        try:
            pool.submit(self._handle, request)
        except RuntimeError:
            # Closing: what the request before it sent came back after the pools shut. It is
            # stored, and the next worker to start takes it.
            self._done(request)

    def _take(self, request: inbox.Pending) -> bool:
        """Mark the request in hand; False if it is, or if its thread has another in hand."""
        with self._lock:
            if request.key in self._in_flight:
                return False
            if request.thread_key in self._busy_threads:
                queued = self._queued.setdefault(request.thread_key, [])
                if all(key != request.key for _, key, _ in queued):
                    bisect.insort(queued, (request.message_ts or "", request.key, request))
                return False
            self._in_flight.add(request.key)
            if request.thread_key:
                self._busy_threads.add(request.thread_key)
            return True

    def _handle(self, request: inbox.Pending) -> None:
        route = self.routes.get(request.kind)
        sending: Future[None] | None = None
        try:
            if route is None:
                raise LookupError(f"no route for stored {request.kind!r} requests")
            if not route.interactive:
                # Someone waits on a command or a click, and its time goes on Slack's answers,
                # not the CPU: held back, a burst of `/coe start`s waits longer for nothing.
                self.rt.acks.wait_for_quiet(ACKS_FIRST_WAIT)
            stored = self._load(request)
            if stored is not None:
                sending = route.handle(self.rt, stored)
        except Exception as error:
            log.exception("Handling stored %s %s failed", request.kind, request.key)
            self._failed(request.key, route, error)
        finally:
            if sending is None:
                self._done(request)
            else:
                sending.add_done_callback(lambda _: self._done(request))

    def _load(self, request: inbox.Pending) -> inbox.StoredRequest | None:
        if request.fresh is not None:
            return request.fresh.request(request.key, request.kind)
        with Session(read_only(self.rt.engine)) as session:
            return inbox.load(session=session, event_id=request.key)

    def _done(self, request: inbox.Pending) -> None:
        """Let go of the request, and start its thread's next one."""
        following = None
        with self._lock:
            self._in_flight.discard(request.key)
            if request.thread_key:
                self._busy_threads.discard(request.thread_key)
                queued = self._queued.get(request.thread_key)
                if queued:
                    following = queued.pop(0)[2]
                    if not queued:
                        del self._queued[request.thread_key]
        if following is not None and self._take(following):
            self._submit(following)

    def _send_outbox(self, when_idle: bool) -> None:
        """Send what the outbox owes; `when_idle`: only with no reply in hand, or if overdue."""
        with self._lock:
            busy = bool(self._busy_threads)
        overdue = time.monotonic() - self._last_pass >= OUTBOX_PASS_AT_LEAST_EVERY
        if when_idle and busy and not overdue:
            return
        if self._delivering.acquire(blocking=False):  # one outbox pass at a time is plenty
            self._last_pass = time.monotonic()
            self._pool.submit(self._deliver)

    def _deliver(self) -> None:
        try:
            delivery.deliver_due(self.rt)
        except Exception:
            log.exception("Outbox pass failed; trying again at the next one")
        finally:
            self._delivering.release()

    def _failed(self, key: str, route: Route | None, error: Exception) -> None:
        now = self.rt.now()
        with Session(self.rt.engine) as session:
            attempts = inbox.retry_later(
                session=session, event_id=key, error=repr(error), at=now + RETRY_DELAY
            )
            abandoned = attempts >= REQUEST_ATTEMPTS
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


def listen_for_wakeups(read_fd: int, wake: Callable[..., None], stop: threading.Event) -> None:
    """Hand the worker what the serving process stored; stop when that process goes away."""

    def read() -> None:
        pending = b""
        while chunk := os.read(read_fd, 65536):
            *lines, pending = (pending + chunk).split(b"\n")
            stored = [inbox.Pending(**json.loads(line)) for line in lines if line]
            wake(*stored)
            if len(stored) < len(lines):
                wake()
        stop.set()  # end of file: the serving process is gone, and with it our reason to run

    threading.Thread(target=read, name="coe-wakeups", daemon=True).start()


def pipe_notifier(write_fd: int) -> Callable[..., None]:
    """A `notify` for the serving process: a line down the pipe, never blocking an ack."""
    os.set_blocking(write_fd, False)

    def notify(*stored: inbox.Pending) -> None:
        # Each line is well under PIPE_BUF, so lines from concurrent listeners never mix. A
        # full pipe holds lines the worker has yet to read: it is busy, and it polls.
        lines = b"".join(json.dumps(each.fields()).encode() + b"\n" for each in stored)
        with contextlib.suppress(BlockingIOError):
            os.write(write_fd, lines or b"\n")

    return notify
