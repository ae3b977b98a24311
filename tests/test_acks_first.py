"""The worker lets the listeners' acks go first, and never waits on them for good."""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection

from bot.runtime.acks_first import AcksFirst
from tests.conftest import Bot
from tests.fake_slack import FakeSlack


def test_quiet_when_nothing_is_being_acked() -> None:
    assert AcksFirst().wait_for_quiet(longest=0) is True


def test_waits_for_the_acks_in_flight_then_goes_on() -> None:
    acks = AcksFirst()
    release, entered = threading.Event(), threading.Event()
    outcome: list[bool] = []

    def ack() -> None:
        with acks.acking():
            entered.set()
            release.wait(10)

    acker = threading.Thread(target=ack)
    acker.start()
    entered.wait(10)
    assert acks.wait_for_quiet(longest=0) is False  # an ack is under way
    waiter = threading.Thread(target=lambda: outcome.append(acks.wait_for_quiet(longest=30)))
    waiter.start()
    release.set()
    acker.join(10)
    waiter.join(10)
    assert outcome == [True]  # let go by the ack's end, not by the 30 s limit


def test_every_ack_counts_until_the_last_one_ends() -> None:
    acks = AcksFirst()
    with acks.acking(), acks.acking():
        assert acks.wait_for_quiet(longest=0) is False
    assert acks.wait_for_quiet(longest=0) is True


def test_an_ack_that_fails_still_counts_as_ended() -> None:
    acks = AcksFirst()
    try:
        with acks.acking():
            raise ValueError("the request was garbage")
    except ValueError:
        pass
    assert acks.wait_for_quiet(longest=0) is True


def _forked_worker(acks: AcksFirst, talk: Connection) -> None:
    talk.send(acks.wait_for_quiet(longest=0))  # while the other process acks
    talk.recv()
    talk.send(acks.wait_for_quiet(longest=30))  # let go once that ack ends


def test_a_worker_forked_after_it_is_made_waits_for_the_acks_of_the_serving_process() -> None:
    # As `coe-bot serve` on PostgreSQL: made, then the worker forked, then the acks counted.
    acks = AcksFirst(across_fork=True)
    here, there = multiprocessing.Pipe()
    with acks.acking():
        worker = multiprocessing.get_context("fork").Process(
            target=_forked_worker, args=(acks, there)
        )
        worker.start()
        assert here.recv() is False
        here.send("go on")
        # The ack ends while the worker waits: it sees that without being woken.
    assert here.recv() is True
    worker.join(10)
    assert worker.exitcode == 0


def test_the_server_counts_a_request_as_acking_until_it_is_answered(
    bot_without_worker: Bot, fake_slack: FakeSlack
) -> None:
    bot = bot_without_worker
    seen_while_storing: list[bool] = []
    # The listener wakes the worker once the request is stored, before Slack has its ack.
    bot.wakeups.to = lambda *stored: seen_while_storing.append(bot.rt.acks.wait_for_quiet(0))
    status, _ = bot.slack.command("actions")
    assert status == 200
    assert seen_while_storing == [False]
    assert bot.rt.acks.wait_for_quiet(longest=0) is True
