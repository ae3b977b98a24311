"""What every use case runs with, as the use cases see it: the runtime provides it.

A use case gets a unit of work from `transact` (the runtime decides whether transactions that
arrive together share a commit, and retries one that lost a race to another transition), says
what the bot says through `say` (queued in that transaction), reads Slack through `read` (never
inside a transaction), and returns what it queued: the runtime decides when delivery starts.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from bot.settings import Settings
from bot.use_cases.outgoing import Outgoing
from bot.use_cases.reading import Reading

T = TypeVar("T")


class Remembered(Protocol):
    """A value kept in memory, and until when it holds."""

    @property
    def value(self) -> Any: ...

    def fresh(self, now: datetime) -> bool: ...


class Memory(Protocol):
    """What Slack said lately, kept in memory for a while (an expired value stays, for a caller
    whose Slack call fails to fall back on)."""

    def get(self, key: Hashable) -> Remembered | None: ...

    def put(self, key: Hashable, value: Any, *, now: datetime, ttl: timedelta) -> None: ...


class Context(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def engine(self) -> Engine: ...

    @property
    def cache(self) -> Memory:
        """What Slack said lately about people and their channels, kept in memory a while."""
        ...

    def now(self) -> datetime:
        """The current time in UTC, the way the database stores it."""
        ...

    def say(self, session: Session | None = None) -> Outgoing:
        """What the bot says, queued in `session`'s transaction (None: only what is said at
        once, like the COE's parent message)."""
        ...

    def read(self) -> Reading:
        """What the bot reads from Slack; every call may ask Slack."""
        ...

    def transact(self, apply: Callable[[Session], T]) -> T:
        """`apply` in a transaction, committed; run again from scratch if another transition of
        the same COE won the race (`storage.coes.ConcurrentChange`)."""
        ...
