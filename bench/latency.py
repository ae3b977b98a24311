"""Ack latency against a bare Bolt app, and how soon the next "why?" follows a reply.

    python -m bench.latency [--sessions 200] [--rounds 3] [--pace 10]

Two loads, each over `--sessions` COEs running at once:
- steady: each session answers every `--pace` seconds on average (people typing), `--rounds` times;
- burst: every session answers in the same instant, `--rounds` times (the worst case).

Both servers run as subprocesses on this machine behind the same WSGI server and talk to the same
kind of fake Slack. Prints p50/p95/p99 figures and the bot's resident memory; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bench.harness import memory_mb, percentile, running, summary
from tests.fake_slack import FakeSlack
from tests.slack_requests import SlackSender

Request = Callable[[], tuple[int, str]]


def timed(request: Request) -> float:
    started = time.perf_counter()
    status, _ = request()
    if status != 200:
        raise RuntimeError(f"request failed with {status}")
    return (time.perf_counter() - started) * 1000


def start_sessions(sender: SlackSender, sessions: int) -> list[float]:
    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(
            pool.map(
                lambda n: timed(lambda: sender.command(f"start Bench incident {n}")),
                range(sessions),
            )
        )


def first_prompts(fake: FakeSlack, sessions: int) -> list[str]:
    """The thread of each benchmark COE, read off its first "why?"."""

    def threads() -> list[str] | None:
        found = [
            str(call["thread_ts"])
            for call in fake.calls_to("chat.postMessage")
            if str(call.get("text", "")).startswith("Why #1:")
        ]
        return found if len(found) >= sessions else None

    return fake.wait_for(threads, timeout=120)


def steady_replies(
    fake: FakeSlack | None, sender: SlackSender, threads: list[str], rounds: int, pace: float
) -> tuple[list[float], list[float]]:
    """Each session answers `rounds` times, about every `pace` seconds, at random moments."""
    rng = random.Random(7)
    plan = sorted(
        (round_number * pace + rng.uniform(0, pace), thread_ts, round_number + 1)
        for thread_ts in threads
        for round_number in range(rounds)
    )
    started = time.monotonic()
    sent_at: dict[tuple[str, int], float] = {}

    def reply(item: tuple[float, str, int]) -> float:
        offset, thread_ts, number = item
        time.sleep(max(0.0, started + offset - time.monotonic()))
        sent_at[thread_ts, number] = time.monotonic()
        return timed(
            lambda: sender.reply(f"steady cause {number} in {thread_ts}", thread_ts=thread_ts)
        )

    with ThreadPoolExecutor(max_workers=64) as pool:
        acks = list(pool.map(reply, plan))
    whys: list[float] = []
    if fake is not None:
        for number in range(1, rounds + 1):
            posted = _next_whys(fake, f"Why #{number + 1}:", len(threads))
            whys.extend((posted[ts] - sent_at[ts, number]) * 1000 for ts in threads)
    return acks, whys


def reply_rounds(
    fake: FakeSlack | None, sender: SlackSender, threads: list[str], rounds: int, first: int = 1
) -> tuple[list[float], list[float]]:
    """Every session replies at once, `rounds` times: (ack latencies, reply -> next why)."""
    acks: list[float] = []
    whys: list[float] = []
    for number in range(first, first + rounds):
        sent_at: dict[str, float] = {}

        def reply(
            thread_ts: str, number: int = number, sent_at: dict[str, float] = sent_at
        ) -> float:
            sent_at[thread_ts] = time.monotonic()
            return timed(
                lambda: sender.reply(f"cause {number} in {thread_ts}", thread_ts=thread_ts)
            )

        with ThreadPoolExecutor(max_workers=50) as pool:
            acks.extend(pool.map(reply, threads))
        if fake is not None:
            posted = _next_whys(fake, f"Why #{number + 1}:", len(threads))
            whys.extend((posted[ts] - sent_at[ts]) * 1000 for ts in threads)
    return acks, whys


def _next_whys(fake: FakeSlack, prefix: str, count: int) -> dict[str, float]:
    def found() -> dict[str, float] | None:
        posted = {
            str(call["thread_ts"]): call.at
            for call in fake.calls_to("chat.postMessage")
            if str(call.get("text", "")).startswith(prefix)
        }
        return posted if len(posted) >= count else None

    return fake.wait_for(found, timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pace", type=float, default=10.0)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    print(
        f"database: {database_url.split('@')[-1]}  sessions: {args.sessions}  rounds: {args.rounds}"
    )

    fake = FakeSlack().start()
    with running(["bench/bare_bolt_app.py"], fake, database_url) as (url, _):
        sender = SlackSender(url, fake.response_url())
        bare_commands = start_sessions(sender, args.sessions)
        fake_threads = [f"1600000000.{n:06d}" for n in range(args.sessions)]
        bare_steady, _ = steady_replies(None, sender, fake_threads, args.rounds, args.pace)
        bare_burst, _ = reply_rounds(None, sender, fake_threads, args.rounds)
    fake.stop()

    fake = FakeSlack().start()
    with running(["-m", "bot.cli", "serve"], fake, database_url) as (url, pid):
        sender = SlackSender(url, fake.response_url())
        our_commands = start_sessions(sender, args.sessions)
        threads = first_prompts(fake, args.sessions)
        our_steady, steady_whys = steady_replies(fake, sender, threads, args.rounds, args.pace)
        # The steady rounds asked up to Why #rounds+1; the burst goes on from there.
        our_burst, burst_whys = reply_rounds(
            fake, sender, threads, args.rounds, first=args.rounds + 1
        )
        memory = memory_mb(pid)
    fake.stop()

    for name, bare, ours in (
        ("slash command ack", bare_commands, our_commands),
        ("steady reply ack", bare_steady, our_steady),
        ("burst reply ack", bare_burst, our_burst),
    ):
        print(summary(f"bare Bolt  {name}", bare))
        print(summary(f"coe-bot    {name}", ours))
        ratio = percentile(ours, 99) / percentile(bare, 99)
        print(f"{'':<34} p99 coe-bot / bare = {ratio:.2f} (target <= 1.5)")
    print(summary("coe-bot    steady: reply -> next why", steady_whys))
    print(summary("coe-bot    burst: reply -> next why", burst_whys))
    print("target: next why within 1000 ms with all sessions running")
    print(
        f"coe-bot memory after the run, {memory['processes']:.0f} processes: "
        f"PSS {memory['pss']:.1f} MB, RSS {memory['rss']:.1f} MB (target < 150 MB)"
    )


if __name__ == "__main__":
    main()
