"""What every use case runs with: settings, the engine, the Slack client and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot import keep_alive
from bot.cache import TtlCache
from bot.settings import Settings


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    slack: WebClient
    clock: Callable[[], datetime] = system_clock
    # Tells the worker something was stored or queued, with the stored requests (inbox.Pending)
    # it may start on at once; the serving process sets it.
    notify: Callable[..., None] = lambda *stored: None
    # Slack's answers about channels and people (bot/visibility.py), per process.
    cache: TtlCache = field(default_factory=TtlCache)
    # When this process last gave back the outbox messages a dead sender left, and the ones it
    # is sending itself, which are never given back (bot/delivery.py).
    outbox_recovered_at: datetime | None = None
    sending: set[int] = field(default_factory=set)

    def now(self) -> datetime:
        """The current time in UTC, the way the database stores it."""
        return self.clock().astimezone(UTC)


def make_slack_client(settings: Settings, timeout: int = 10) -> WebClient:
    """The Web API client; every client in the process reuses its connections to Slack."""
    keep_alive.install()
    return WebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=timeout
    )
