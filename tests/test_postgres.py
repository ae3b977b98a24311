"""The same flows on PostgreSQL, with two bot processes sharing one database."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from storage import coes
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import FakeSlack
from tests.processes import BotProcess
from tests.scenario import SEED_ANSWERS, THREAD, prompts, why

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_bots(fake_slack: FakeSlack, postgres_url: str, clock: Clock) -> Iterator[tuple[Bot, Bot]]:
    first = run_bot(fake_slack, postgres_url, clock)
    second = run_bot(fake_slack, postgres_url, clock)
    yield next(first), next(second)
    for running in (first, second):
        next(running, None)


def answers(bot: Bot) -> list[str | None]:
    with Session(bot.rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=1)
        assert coe is not None
        return [step.answer for step in coes.load_chain(session=session, coe=coe).answered]


def test_the_seed_session_runs_on_postgres_across_two_processes(
    two_bots: tuple[Bot, Bot], fake_slack: FakeSlack
) -> None:
    first, second = two_bots
    first.slack.command("start The site went down")
    fake_slack.wait_for_calls("chat.postMessage", 2)
    for number, answer in enumerate(SEED_ANSWERS, start=1):
        # Slack may deliver any event to any process behind the load balancer.
        (first if number % 2 else second).slack.reply(answer, thread_ts=THREAD, user="UBOB")
        fake_slack.wait_for(lambda n=number: len(prompts(fake_slack, THREAD)) == n + 1)
    second.slack.reply("that's the root cause", thread_ts=THREAD)
    fake_slack.wait_for(lambda: any("chain of whys" in t for t in prompts(fake_slack, THREAD)))
    assert answers(first) == SEED_ANSWERS


def test_an_event_delivered_to_both_processes_at_once_is_recorded_once(
    two_bots: tuple[Bot, Bot], fake_slack: FakeSlack
) -> None:
    first, second = two_bots
    first.slack.command("start The site went down")
    fake_slack.wait_for_calls("chat.postMessage", 2)
    barrier = threading.Barrier(2)

    def deliver(bot: Bot, retry: int | None) -> None:
        barrier.wait()
        bot.slack.reply(
            "All the servers were turned off.",
            thread_ts=THREAD,
            ts="1800000001.000001",
            event_id="EvSAME",
            retry_num=retry,
        )

    threads = [
        threading.Thread(target=deliver, args=(first, None)),
        threading.Thread(target=deliver, args=(second, 1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fake_slack.wait_for(lambda: len(prompts(fake_slack, THREAD)) == 2)
    # Give a duplicate time to show up, if the database let one through.
    first.rt.engine.dispose()
    assert len(prompts(fake_slack, THREAD)) == 2
    assert answers(second) == ["All the servers were turned off."]


def test_replies_racing_on_one_question_are_all_recorded_in_order(
    two_bots: tuple[Bot, Bot], fake_slack: FakeSlack
) -> None:
    first, second = two_bots
    first.slack.command("start The site went down")
    fake_slack.wait_for_calls("chat.postMessage", 2)
    texts = [
        "The cache expired.",
        "The pool ran out.",
        "The disk filled up.",
        "DNS timed out.",
        "The queue backed up.",
        "The certificate expired.",
        "The replica lagged.",
        "The load balancer dropped health checks.",
    ]

    def reply(n: int) -> None:
        (first if n % 2 else second).slack.reply(texts[n], thread_ts=THREAD, user="UBOB")

    threads = [threading.Thread(target=reply, args=(n,)) for n in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fake_slack.wait_for(lambda: len(answers(first)) == len(texts))
    # Replies written before the bot asked about the one before are causes beside it; either
    # way every reply is recorded once, and every why asks about a recorded answer of its own.
    assert sorted(answers(first), key=str) == sorted(texts)
    with Session(first.rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=1)
        assert coe is not None
        chain = coes.load_chain(session=session, coe=coe)
    by_number = {step.number: step for step in chain.steps}
    for step in chain.steps:
        if step.parent is not None:
            assert by_number[step.parent].answer == step.subject
    asked = [text for text in prompts(fake_slack, THREAD)[1:] if text.startswith("Why #")]
    assert len(asked) == len(set(asked))
    # Each asks about one of the replies, in its words (the why for a reply is made from it).
    assert all(
        any(question == why(number, text) for text in texts)
        for question in asked
        for number in [int(question.split(":")[0].removeprefix("Why #"))]
    )


def worker_pids(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [
        int(child) for task in tasks.iterdir() for child in (task / "children").read_text().split()
    ]


def test_serve_on_postgres_forks_a_worker_that_goes_when_the_server_is_killed(
    fake_slack: FakeSlack, postgres_url: str, tmp_path: Path
) -> None:
    served = BotProcess(fake_slack, postgres_url, tmp_path / "bot.log")
    try:
        [worker] = worker_pids(served.process.pid)
        served.slack.command("start The site went down")
        fake_slack.wait_for(lambda: len(prompts(fake_slack, THREAD)) == 1)
        served.slack.reply(SEED_ANSWERS[0], thread_ts=THREAD)
        fake_slack.wait_for(lambda: len(prompts(fake_slack, THREAD)) == 2)
        assert prompts(fake_slack, THREAD)[-1] == why(2, SEED_ANSWERS[0])
        served.kill_9()
        # The worker notices its server is gone (its wake-up pipe closes) and exits too.
        deadline = time.monotonic() + 10
        while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(worker, os.WNOHANG)
            time.sleep(0.05)
        assert (
            not Path(f"/proc/{worker}/status").exists()
            or "zombie" in Path(f"/proc/{worker}/status").read_text()
        )
    finally:
        served.stop()
