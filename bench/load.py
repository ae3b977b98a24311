"""The loads: sessions starting, people answering at their own pace, everyone answering at once.

Each bot runs as a server of its own with a Slack of its own. A session is a COE in a channel of
its own, as each incident has its channel. Figures are milliseconds: the ack is the HTTP round
trip of the request as Slack makes it; "reply → next why" runs from the moment the reply is sent
to the moment Slack has the next "why?" in that thread.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bench.harness import Server
from bench.slack import SlowSlack
from tests.slack_requests import SlackSender

TIMEOUT = 180.0
# What a team would answer: coe-bot records only what reads as a cause (not chatter), and a
# made-up string ("steady cause 1") can read as chatter and rightly get no why.
CAUSES = (
    "the deploy pipeline skipped the canary stage for config changes",
    "the alert threshold sat above the error rate we actually saw",
    "the failover runbook still described the old database hosts",
    "the retry loop had no backoff so every client hammered the queue",
    "the health check only looked at the load balancer, not the workers",
    "the config change went out to every region at once",
)


def cause(number: int) -> str:
    """The answer a session gives to why #`number`: not the same as the answers before it."""
    return CAUSES[number % len(CAUSES)]


@dataclass
class Bot:
    """One bot under test: its server, its Slack and how to talk to it."""

    name: str
    server: Server
    slack: SlowSlack
    sender: SlackSender = field(init=False)
    _channels: int = 0

    def __post_init__(self) -> None:
        self.sender = SlackSender(self.server.url, self.slack.response_url())

    def new_channels(self, count: int) -> list[str]:
        first, self._channels = self._channels, self._channels + count
        return [f"CB{n:06d}" for n in range(first, first + count)]


@dataclass
class Session:
    channel: str
    thread_ts: str
    asked: int = 1  # the number of the latest "why?" asked

    @property
    def key(self) -> tuple[str, str]:
        return self.channel, self.thread_ts


@dataclass
class Samples:
    acks: list[float] = field(default_factory=list)
    whys: list[float] = field(default_factory=list)


def start(bot: Bot, count: int) -> tuple[list[Session], Samples]:
    """Open `count` COEs with `/coe start`, 20 at a time; samples are start → why #1."""
    channels = bot.new_channels(count)
    sent_at: dict[str, float] = {}

    def open_one(channel: str) -> float:
        sent_at[channel] = time.monotonic()
        return _timed(lambda: bot.sender.command("start Bench incident", channel=channel))

    with ThreadPoolExecutor(max_workers=20) as pool:
        acks = list(pool.map(open_one, channels))
    threads = bot.slack.wait_for_threads(channels, TIMEOUT)
    sessions = [Session(channel, ts) for channel, ts in zip(channels, threads, strict=True)]
    whys = [(bot.slack.whys[(*s.key, 1)] - sent_at[s.channel]) * 1000 for s in sessions]
    return sessions, Samples(acks, whys)


def steady(bot: Bot, sessions: list[Session], rounds: int, pace: float, seed: int = 7) -> Samples:
    """Each session answers `rounds` times, `pace` seconds apart, starting at a random moment."""
    rng = random.Random(seed)
    plan = sorted(
        (rng.uniform(0, pace) + number * pace, index, number)
        for index in range(len(sessions))
        for number in range(rounds)
    )
    began = time.monotonic()
    sent: list[tuple[Session, int, float]] = []
    lock = threading.Lock()

    def answer(item: tuple[float, int, int]) -> float:
        offset, index, number = item
        session = sessions[index]
        time.sleep(max(0.0, began + offset - time.monotonic()))
        with lock:
            sent.append((session, session.asked + number + 1, time.monotonic()))
        return _reply(bot, session, cause(session.asked + number))

    with ThreadPoolExecutor(max_workers=min(64, len(plan))) as pool:
        acks = list(pool.map(answer, plan))
    for session in sessions:
        session.asked += rounds
    return Samples(acks, _whys(bot, sent))


def burst(bot: Bot, sessions: list[Session], rounds: int) -> Samples:
    """Every session answers in the same instant; the next round once every "why?" is in."""
    samples = Samples()
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        for _ in range(rounds):
            acks, whys = _all_at_once(bot, sessions, pool, cause(sessions[0].asked))
            samples.acks += acks
            samples.whys += whys
    return samples


def _all_at_once(
    bot: Bot, sessions: list[Session], pool: ThreadPoolExecutor, text: str
) -> tuple[list[float], list[float]]:
    gate = threading.Barrier(len(sessions))
    sent: list[tuple[Session, int, float]] = []
    lock = threading.Lock()

    def answer(session: Session) -> float:
        gate.wait(timeout=TIMEOUT)
        with lock:
            sent.append((session, session.asked + 1, time.monotonic()))
        return _reply(bot, session, text)

    acks = list(pool.map(answer, sessions))
    for session in sessions:
        session.asked += 1
    return acks, _whys(bot, sent)


def _whys(bot: Bot, sent: list[tuple[Session, int, float]]) -> list[float]:
    """Milliseconds from each reply to the "why?" it should bring."""
    by_number: dict[int, list[tuple[str, str]]] = {}
    for session, number, _ in sent:
        by_number.setdefault(number, []).append(session.key)
    posted: dict[tuple[str, str, int], float] = {}
    for number, keys in sorted(by_number.items()):
        for key, at in bot.slack.wait_for_whys(keys, number, TIMEOUT).items():
            posted[(*key, number)] = at
    return [(posted[(*session.key, number)] - at) * 1000 for session, number, at in sent]


def _reply(bot: Bot, session: Session, text: str) -> float:
    return _timed(
        lambda: bot.sender.reply(text, thread_ts=session.thread_ts, channel=session.channel)
    )


def _timed(request: Callable[[], tuple[int, str]]) -> float:
    began = time.perf_counter()
    status, body = request()
    elapsed = (time.perf_counter() - began) * 1000
    if status != 200:
        raise RuntimeError(f"request failed with {status}: {body[:200]}")
    return elapsed
