"""Posting the digest in parts: long digests, channels a batch at a time, and concurrent runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.slack.outgoing import SlackOutgoing
from bot.use_cases import digests as digests_use_case
from storage.models import SlackUser
from tests.conftest import Clock
from tests.digest_setup import PERIOD, WED, blocks_text, posts, two_coes
from tests.fake_slack import FakeSlack
from tests.follow_up import add_coe, add_item, digests, make_runtime, periods


@pytest.fixture
def rt(fake_slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, database_url, clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def rt_on_each(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Runtime]:
    """On SQLite, then on PostgreSQL: for what each does its own way."""
    runtime = make_runtime(fake_slack, each_database_url, clock)
    yield runtime
    runtime.engine.dispose()


def test_a_long_digest_is_posted_as_several_messages_within_slacks_block_limit(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    coe = add_coe(rt)
    owners = ("UALICE", "UBOB", "UCAROL")
    for n in range(60):
        add_item(rt, coe, owners[n % 3], WED + timedelta(days=n - 30), f"Item number {n}")

    run = jobs.digest(rt)

    messages = posts(fake_slack, "CINC")
    assert len(messages) == len(run.sent) >= 3
    assert all(len(message["blocks"]) <= 50 for message in messages)
    assert all(message["text"] for message in messages)
    everything = "".join(blocks_text(message) for message in messages)
    assert all(everything.count(f"Item number {n}\\n") == 1 for n in range(60))
    assert [s.what.split(":")[0] for s in run.sent] == [
        f"digest to CINC, message {n} of {len(messages)}" for n in range(1, len(messages) + 1)
    ]
    assert digests(rt) == [("CINC", PERIOD)]


@pytest.mark.postgres
def test_concurrent_digest_runs_on_postgres_post_once_per_channel(
    fake_slack: FakeSlack, postgres_url: str, clock: Clock
) -> None:
    runtimes = [make_runtime(fake_slack, postgres_url, clock) for _ in range(3)]
    two_coes(runtimes[0])
    barrier = threading.Barrier(len(runtimes))

    def run(runtime: Runtime) -> None:
        barrier.wait()
        jobs.digest(runtime)

    threads = [threading.Thread(target=run, args=(runtime,)) for runtime in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(call["channel"] for call in posts(fake_slack)) == ["CDB", "CINC"]
    assert digests(runtimes[0]) == [("CDB", PERIOD), ("CINC", PERIOD)]
    for runtime in runtimes:
        runtime.engine.dispose()


def test_channels_are_done_a_batch_at_a_time_each_in_order_and_once(
    rt_on_each: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = rt_on_each
    monkeypatch.setattr(digests_use_case, "DIGEST_BATCH", 2)
    # Five channels with something to say, between channels with nothing: one whose item was
    # dropped in the period (dropped is not completed), one whose item was done long ago.
    for n in range(5):
        add_item(rt, add_coe(rt, f"C{n}", f"Outage {n}"), "UALICE", WED, f"Fix {n}")
    dropped = add_coe(rt, "CDROPPED", "Dropped in the period")
    add_item(rt, dropped, "UBOB", WED, "Not worth it", status="dropped", closed_at=_IN_PERIOD)
    old = add_coe(rt, "COLD", "All done long ago")
    add_item(rt, old, "UBOB", WED, status="done", closed_at=rt.now() - timedelta(days=30))

    run = jobs.digest(rt)

    assert [(sent.channel, sent.status) for sent in run.sent] == [
        (f"C{n}", "sent") for n in range(5)
    ]
    assert run.skipped == [("CDROPPED", "nothing to report"), ("COLD", "nothing to report")]
    for n in range(5):
        (post,) = posts(fake_slack, f"C{n}")
        assert f"Fix {n}" in blocks_text(post) and f"Outage {(n + 1) % 5}" not in blocks_text(post)
    assert [channel for channel, _ in digests(rt)] == [f"C{n}" for n in range(5)]
    assert jobs.digest(rt).skipped == [
        *((f"C{n}", "already done for this period") for n in range(5)),
        ("CDROPPED", "already done for this period"),
        ("COLD", "already done for this period"),
    ]
    assert len(posts(fake_slack)) == 5


def test_a_digest_is_built_before_its_transaction_so_other_writes_go_on_meanwhile(
    rt: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite has one writer: a reply's ack must not wait while a digest builds its messages."""
    add_item(rt, add_coe(rt, "C0", "Outage"), "UALICE", WED, "Fix it")
    render = SlackOutgoing.render_digests
    written_while_building: list[bool] = []

    def write() -> None:
        with Session(rt.engine) as session:
            session.add(SlackUser(user_id="UNEW", fetched_at=rt.now()))
            session.commit()

    def render_while_another_thread_writes(self: SlackOutgoing, *args: Any) -> Any:
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=2)
        written_while_building.append(not writer.is_alive())
        return render(self, *args)

    monkeypatch.setattr(SlackOutgoing, "render_digests", render_while_another_thread_writes)
    run = jobs.digest(rt)

    assert written_while_building == [True]
    assert [(sent.channel, sent.status) for sent in run.sent] == [("C0", "sent")]


def test_a_run_that_dies_between_batches_leaves_the_later_digests_owed(
    rt_on_each: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = rt_on_each
    monkeypatch.setattr(digests_use_case, "DIGEST_BATCH", 2)
    for n in range(4):
        add_item(rt, add_coe(rt, f"C{n}", f"Outage {n}"), "UALICE", WED, f"Fix {n}")
    add_coe(rt, "CQUIET", "Nothing yet")
    queue = digests_use_case._queue
    batches = 0

    def dies_on_the_second_batch(*args: Any, **kwargs: Any) -> Any:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise RuntimeError("the process died")
        return queue(*args, **kwargs)

    monkeypatch.setattr(digests_use_case, "_queue", dies_on_the_second_batch)
    with pytest.raises(RuntimeError):
        jobs.digest(rt)

    # The first batch is posted and recorded, the channel with nothing to report is decided,
    # the second batch is neither: not half-recorded as sent.
    # Channels are sent to side by side: the order between two of them is not kept.
    assert sorted(call["channel"] for call in posts(fake_slack)) == ["C0", "C1"]
    assert [channel for channel, _ in digests(rt)] == ["C0", "C1"] and periods(rt) == [PERIOD]

    monkeypatch.setattr(digests_use_case, "_queue", queue)
    run = jobs.digest(rt)
    assert [sent.channel for sent in run.sent] == ["C2", "C3"]
    assert sorted(call["channel"] for call in posts(fake_slack)) == ["C0", "C1", "C2", "C3"]
    assert [channel for channel, _ in digests(rt)] == ["C0", "C1", "C2", "C3"]
    assert run.skipped == [(c, "already done for this period") for c in ("C0", "C1", "CQUIET")]


# In the period of the 23rd's digest (from Monday the 16th, 09:00, to Monday the 23rd, 09:00).
_IN_PERIOD = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.mark.postgres
def test_on_postgres_quiet_channels_are_recorded_and_a_second_run_posts_nothing(
    fake_slack: FakeSlack, postgres_url: str, clock: Clock
) -> None:
    rt = make_runtime(fake_slack, postgres_url, clock)
    try:
        two_coes(rt)
        add_coe(rt, "CEMPTY", "No items yet")
        old = add_coe(rt, "COLD", "All done long ago")
        add_item(
            rt, old, "UBOB", date(2026, 10, 1), status="done", closed_at=rt.now() - timedelta(30)
        )

        run = jobs.digest(rt)
        again = jobs.digest(rt)

        assert sorted(call["channel"] for call in posts(fake_slack)) == ["CDB", "CINC"]
        assert run.skipped == [("CEMPTY", "nothing to report"), ("COLD", "nothing to report")]
        assert digests(rt) == [("CDB", PERIOD), ("CINC", PERIOD)] and periods(rt) == [PERIOD]
        assert sorted(again.skipped) == [
            (channel, "already done for this period")
            for channel in ("CDB", "CEMPTY", "CINC", "COLD")
        ]
        assert len(posts(fake_slack)) == 2
    finally:
        rt.engine.dispose()
