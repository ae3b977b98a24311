"""The port for what the bot reads from Slack: people, channels, links to messages.

A use case gets a `Reading` from `rt.read()`; `bot/slack/reading.py` asks Slack, retrying a
rate-limited call after the time Slack says, and a test can stand in for it. Every method calls
Slack, so none is called inside a transaction or before an ack, and each raises `LookupFailed`
when Slack did not answer. What is worth keeping is kept by the use cases (users.py,
channels.py), not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.core.visibility import ChannelFacts


@dataclass(frozen=True)
class SlackPerson:
    """A Slack user as users.info describes them."""

    user_id: str
    name: str | None
    tz: str
    is_bot: bool
    deleted: bool
    # A guest (single- or multi-channel) sees no channel they are not in, public or not.
    guest: bool


class LookupFailed(Exception):
    """Slack did not answer (an error, a rate limit past the retries, unreachable); says why."""


class Reading(Protocol):
    def person(self, user_id: str) -> SlackPerson | None:
        """The user as Slack describes them now; None when Slack knows no such user."""
        ...

    def channels_of(self, user_id: str) -> list[ChannelFacts]:
        """Every channel `user_id` is in that the bot may know of: public ones, and the private
        ones the bot is in too."""
        ...

    def channel(self, channel_id: str) -> ChannelFacts | None:
        """The channel as Slack describes it now; None when the bot may not see it (a private
        channel it is not in, or a deleted one)."""
        ...

    def permalink(self, channel_id: str, ts: str) -> str:
        """Slack's link to the message at `ts`."""
        ...
