"""One process's runtime: what the use cases run with (bot/use_cases/context.py), and what the
process itself needs to deliver what they queue."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    RetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from sqlalchemy import Connection, Engine
from sqlmodel import Session

from bot.runtime import keep_alive
from bot.runtime.acks_first import AcksFirst
from bot.runtime.cache import TtlCache
from bot.runtime.senders import Senders
from bot.runtime.tuning import (
    READ_RETRIES,
    READ_RETRY_WAIT,
    SENDERS,
    TRANSACT_ATTEMPTS,
)
from bot.settings import Settings
from storage import group_commit
from storage.coes import ConcurrentChange

T = TypeVar("T")

if TYPE_CHECKING:
    from bot.use_cases.outgoing import Outgoing
    from bot.use_cases.reading import Reading


def system_clock() -> datetime:
    return datetime.now(UTC)


def _not_wired(rt: Runtime, session: Session | None) -> Outgoing:
    raise RuntimeError("This runtime says nothing: build it with an `outgoing` (bot/slack).")


def _not_reading(rt: Runtime) -> Reading:
    raise RuntimeError("This runtime reads nothing: build it with a `reading` (bot/slack).")


@dataclass
class InHand:
    """The outbox messages this process is sending (never given back as a dead sender's), and
    when it last gave back those a dead sender left (bot/slack/delivery.py)."""

    sending: set[int] = field(default_factory=set)
    recovered_at: datetime | None = None


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    # The client that sends: it never repeats a call on its own (see make_slack_client).
    slack: WebClient
    # The client that reads, which may repeat a call; None: reads go through `slack`.
    slack_reads: WebClient | None = None
    # What the bot says (bot/use_cases/outgoing.py), given by the wiring: Slack's, or a test's
    # recorder.
    outgoing: Callable[[Runtime, Session | None], Outgoing] = _not_wired
    # What the bot reads from Slack (bot/use_cases/reading.py), given by the wiring.
    reading: Callable[[Runtime], Reading] = _not_reading
    clock: Callable[[], datetime] = system_clock
    # Slack's answers about channels and people (bot/use_cases/visibility.py), per process.
    cache: TtlCache = field(default_factory=TtlCache)
    in_hand: InHand = field(default_factory=InHand)
    # The threads that make those sends (bot/slack/delivery.py), started as they are needed.
    senders: Senders = field(default_factory=lambda: Senders(SENDERS))
    # The requests this process is acking, which the worker lets go first (acks_first.py).
    acks: AcksFirst = field(default_factory=AcksFirst)

    def say(self, session: Session | None = None) -> Outgoing:
        """What the bot says, queued in `session`'s transaction."""
        return self.outgoing(self, session)

    def read(self) -> Reading:
        """What the bot reads from Slack; every call asks Slack, so no transaction may be open."""
        return self.reading(self)

    def now(self) -> datetime:
        """The current time in UTC, the way the database stores it."""
        return self.clock().astimezone(UTC)

    def transact(self, apply: Callable[[Session], T]) -> T:
        """`apply` in a transaction, committed; again from scratch, a few times, when another
        transition of the same COE won the race. On SQLite, transactions that arrive together
        share one commit (storage/group_commit.py); on PostgreSQL each has its own."""
        for _ in range(TRANSACT_ATTEMPTS - 1):
            with contextlib.suppress(ConcurrentChange):
                return self._transact_once(apply)
        return self._transact_once(apply)

    def _transact_once(self, apply: Callable[[Session], T]) -> T:
        if "group_commit" not in self.settings.without:
            return group_commit.transact_together(self.engine, apply)
        with Session(self.engine) as session:
            result = apply(session)
            session.commit()
            return result

    def write_together(self, work: Callable[[Connection], T]) -> T:
        """A small write (no Slack call in it) committed with the others arriving at the same
        moment: one commit for a burst of stored requests, or of records of what Slack took."""
        if "group_commit" not in self.settings.without:
            return group_commit.write_together(self.engine, work)
        with self.engine.begin() as connection:
            return work(connection)


def make_slack_client(settings: Settings, timeout: int = 10) -> WebClient:
    """A Web API client that sends: it never repeats a call by itself.

    slack_sdk's default repeats a call whose connection failed, even after the request reached
    Slack: a nudge or a digest Slack took would be posted twice, and a `views.open` repeated
    could miss the trigger's three seconds. Whoever sends decides whether to try again (the
    outbox knows which messages may be sent twice). Every client in the process reuses its
    connections to Slack.
    """
    return _client(settings, timeout, retry_handlers=[])


def make_reading_client(settings: Settings, timeout: int = 10) -> WebClient:
    """A Web API client for reads, which Slack rate limits hardest (Tier 3, about 50 a minute):
    a call Slack answered with 429 is made again after its `Retry-After`, and one that got no
    answer at once. A read changes nothing in Slack, so asking twice is harmless."""
    return _client(
        settings,
        timeout,
        retry_handlers=[
            _RetryAfter(max_retry_count=READ_RETRIES),
            ConnectionErrorRetryHandler(max_retry_count=1),
        ],
    )


def _client(settings: Settings, timeout: int, retry_handlers: list[RetryHandler]) -> WebClient:
    if "keep_alive" not in settings.without:
        keep_alive.install()
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=retry_handlers,
    )


class _RetryAfter(RateLimitErrorRetryHandler):
    """slack_sdk's rate-limit retry (it waits `Retry-After` and a little more), for waits of up to
    READ_RETRY_WAIT: a longer one would hold a worker thread for nothing, so the read fails and
    its caller falls back on what it knew."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        waits = [value for name, value in response.headers.items() if name.lower() == "retry-after"]
        wait = str(waits[0][0]) if waits else "1"
        return wait.isdigit() and int(wait) <= READ_RETRY_WAIT
