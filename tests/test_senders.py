"""The pool of threads that make the outbox's Slack calls: in order, and drained."""

from __future__ import annotations

import threading
import time

import pytest

from bot.runtime.senders import Senders


def test_when_every_sender_is_busy_tasks_go_in_the_order_they_were_handed_over() -> None:
    senders = Senders(threads=1)
    busy, order = threading.Event(), []
    senders.submit(busy.wait, 10)
    for name in ("mark", "post", "why", "second why"):
        senders.submit(order.append, name)
    busy.set()
    assert senders.drain(timeout=10)
    assert order == ["mark", "post", "why", "second why"]


def test_a_task_hands_back_what_it_returned_or_raised() -> None:
    senders = Senders(threads=2)
    assert senders.submit(lambda a, b: a + b, 2, 3).result(timeout=10) == 5
    with pytest.raises(ZeroDivisionError):
        senders.submit(lambda: 1 / 0).result(timeout=10)


def test_drain_waits_for_what_was_handed_over_and_the_pool_goes_on_taking_more() -> None:
    senders = Senders(threads=4)
    release, done = threading.Event(), []

    def slow(n: int) -> None:
        release.wait(10)
        done.append(n)

    for n in range(6):
        senders.submit(slow, n)
    assert not senders.drain(timeout=0.05)
    release.set()
    assert senders.drain(timeout=10) and sorted(done) == list(range(6))
    assert senders.submit(lambda: "again").result(timeout=10) == "again"


def test_threads_start_as_they_are_needed_up_to_the_most_allowed() -> None:
    senders = Senders(threads=3, name="probe-send")
    release, started = threading.Event(), threading.Semaphore(0)

    def hold() -> None:
        started.release()
        release.wait(10)

    senders.submit(hold)
    assert started.acquire(timeout=10)
    assert _threads("probe-send") == 1
    for _ in range(5):
        senders.submit(hold)
    for _ in range(2):
        assert started.acquire(timeout=10)
    assert _threads("probe-send") == 3
    release.set()
    assert senders.drain(timeout=10)


def test_a_sender_knows_it_is_one() -> None:
    senders = Senders(threads=1)
    assert not senders.is_current()
    assert senders.submit(senders.is_current).result(timeout=10)


def _threads(prefix: str) -> int:
    return sum(1 for thread in threading.enumerate() if thread.name.startswith(f"{prefix}_"))


def test_closed_senders_let_their_threads_go() -> None:
    senders = Senders(threads=3, name="closing-send")
    release = threading.Event()
    for _ in range(3):
        senders.submit(release.wait, 10)
    release.set()
    assert senders.drain(timeout=10)
    senders.close()
    started = time.monotonic()
    while _threads("closing-send") and time.monotonic() - started < 10:
        time.sleep(0.01)
    assert _threads("closing-send") == 0


def test_what_is_still_queued_when_the_senders_close_is_never_run() -> None:
    senders = Senders(threads=1, name="closed-send")
    busy, ran = threading.Event(), []
    senders.submit(busy.wait, 10)
    senders.submit(ran.append, "late")
    senders.close()
    busy.set()
    started = time.monotonic()
    while _threads("closed-send") and time.monotonic() - started < 10:
        time.sleep(0.01)
    assert _threads("closed-send") == 0 and ran == []
