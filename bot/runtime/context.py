"""What every use case runs with: settings, the engine, the Slack clients, the outgoing and
reading ports and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime import keep_alive
from bot.runtime.acks_first import AcksFirst
from bot.runtime.senders import Senders, Urgency
from bot.runtime.tuning import MARKS_AT_ONCE, READ_RETRIES, READ_RETRY_WAIT, SENDERS
from bot.settings import Settings
from bot.slack.cache import TtlCache

if TYPE_CHECKING:
    from bot.use_cases.outgoing import Outgoing
    from bot.use_cases.reading import Reading


def system_clock() -> datetime:
    return datetime.now(UTC)


def _not_wired(rt: Runtime, session: Session | None) -> Outgoing:
    raise RuntimeError("This runtime says nothing: build it with an `outgoing` (bot/slack).")


def _not_reading(rt: Runtime) -> Reading:
    raise RuntimeError("This runtime reads nothing: build it with a `reading` (bot/slack).")


def wake_nobody(*stored: object) -> None:
    """The `notify` of a runtime whose listeners have no worker to wake."""


@dataclass
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
    # What the listeners call once they have stored something, with the stored requests
    # (inbox.Pending) the worker may start on at once. A Worker built on this runtime makes it
    # its own `wake`; a serving process whose worker runs elsewhere passes its notifier here.
    # Left as is, nothing is woken: a runtime with no listeners (a one-off command) needs none.
    notify: Callable[..., None] = wake_nobody
    # Slack's answers about channels and people (bot/use_cases/visibility.py), per process.
    cache: TtlCache = field(default_factory=TtlCache)
    # When this process last gave back the outbox messages a dead sender left, and the ones it
    # is sending itself, which are never given back (bot/delivery.py).
    outbox_recovered_at: datetime | None = None
    sending: set[int] = field(default_factory=set)
    # The threads that make those sends (bot/delivery.py), started as they are needed.
    senders: Senders = field(
        default_factory=lambda: Senders(SENDERS, at_once={Urgency.MARK: MARKS_AT_ONCE})
    )
    # The requests this process is acking, which the worker lets go first (bot/acks_first.py).
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


def make_slack_client(settings: Settings, timeout: int = 10) -> WebClient:
    """A Web API client that sends: it never repeats a call by itself.

    slack_sdk's default repeats a call whose connection failed, even after the request reached
    Slack: a nudge or a digest Slack took would be posted twice, and a `views.open` repeated
    could miss the trigger's three seconds. Whoever sends decides whether to try again (the
    outbox knows which messages may be sent twice). Every client in the process reuses its
    connections to Slack.
    """
    keep_alive.install()
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[],
    )


def make_reading_client(settings: Settings, timeout: int = 10) -> WebClient:
    """A Web API client for reads, which Slack rate limits hardest (Tier 3, about 50 a minute):
    a call Slack answered with 429 is made again after its `Retry-After`, and one that got no
    answer at once. A read changes nothing in Slack, so asking twice is harmless."""
    keep_alive.install()
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[
            _RetryAfter(max_retry_count=READ_RETRIES),
            ConnectionErrorRetryHandler(max_retry_count=1),
        ],
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
