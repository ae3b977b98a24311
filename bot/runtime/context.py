"""What every use case runs with: settings, the engine, the Slack client, the outgoing port and
the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime import keep_alive
from bot.runtime.acks_first import AcksFirst
from bot.runtime.senders import Senders, Urgency
from bot.runtime.tuning import MARKS_AT_ONCE, SENDERS
from bot.settings import Settings
from bot.slack.cache import TtlCache

if TYPE_CHECKING:
    from bot.use_cases.outgoing import Outgoing


def system_clock() -> datetime:
    return datetime.now(UTC)


def _not_wired(rt: Runtime, session: Session | None) -> Outgoing:
    raise RuntimeError("This runtime says nothing: build it with an `outgoing` (bot/slack).")


def wake_nobody(*stored: object) -> None:
    """The `notify` of a runtime whose listeners have no worker to wake."""


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    slack: WebClient
    # What the bot says (bot/outgoing.py), given by the wiring: Slack's, or a test's recorder.
    outgoing: Callable[[Runtime, Session | None], Outgoing] = _not_wired
    clock: Callable[[], datetime] = system_clock
    # What the listeners call once they have stored something, with the stored requests
    # (inbox.Pending) the worker may start on at once. A Worker built on this runtime makes it
    # its own `wake`; a serving process whose worker runs elsewhere passes its notifier here.
    # Left as is, nothing is woken: a runtime with no listeners (a one-off command) needs none.
    notify: Callable[..., None] = wake_nobody
    # Slack's answers about channels and people (bot/visibility.py), per process.
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

    def now(self) -> datetime:
        """The current time in UTC, the way the database stores it."""
        return self.clock().astimezone(UTC)


def make_slack_client(settings: Settings, timeout: int = 10) -> WebClient:
    """The Web API client; every client in the process reuses its connections to Slack."""
    keep_alive.install()
    return WebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=timeout
    )
