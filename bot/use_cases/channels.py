"""What Slack says of the channels that hold COEs (private, shared with another organisation,
archived), kept in the database: from the channel events, from a look when a COE starts or a
channel is first needed, and from a scheduled look at the longest unchecked, within Slack's rate
limit for conversations.info."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from bot.core.visibility import ChannelFacts
from bot.use_cases.context import Context
from bot.use_cases.limits import CHANNEL_LOOKUPS, LOOK_AT_CHANNELS_AGAIN_AFTER
from bot.use_cases.reading import LookupFailed
from storage import channels as store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelEvent:
    """What a channel event says of its channel; None: the event does not say."""

    channel_id: str
    private: bool | None = None
    ext_shared: bool | None = None
    archived: bool | None = None
    # Something changed that the event does not describe: Slack is asked again soon.
    look_again: bool = False


@dataclass(frozen=True)
class Described:
    """What Slack says of some channels, and those it could not be asked about just now."""

    facts: dict[str, ChannelFacts]
    unknown: frozenset[str]


def note(rt: Context, event: ChannelEvent) -> None:
    """Keep what a channel event says; runs before the ack, so no Slack call."""
    changed = {
        name: value
        for name, value in (
            ("private", event.private),
            ("ext_shared", event.ext_shared),
            ("archived", event.archived),
        )
        if value is not None
    }
    if event.look_again:
        changed["checked_at"] = None
    with Session(rt.engine) as session:
        store.change(session=session, channel_id=event.channel_id, now=rt.now(), **changed)
        session.commit()


def described(rt: Context, channel_ids: Iterable[str]) -> Described:
    """What Slack says of these channels: as kept, and asked now for those it never described.

    Asks Slack: never inside a transaction, never before an ack.
    """
    wanted = set(channel_ids)
    with Session(rt.engine) as session:
        kept = store.facts(session=session, channel_ids=wanted)
    unknown = set()
    for channel in sorted(wanted):
        known = kept.get(channel)
        if known is not None and known.private is not None and known.ext_shared is not None:
            continue
        found = _look(rt, channel)
        if found is None:
            unknown.add(channel)
        else:
            kept[channel] = found
    return Described(kept, frozenset(unknown))


def look_again(rt: Context) -> int:
    """Ask Slack again about the channels holding COEs that it described longest ago (or never),
    as many as the rate limit leaves room for; returns how many it described."""
    with Session(rt.engine) as session:
        due = store.due_for_a_look(
            session=session,
            checked_before=rt.now() - LOOK_AT_CHANNELS_AGAIN_AFTER,
            also=[rt.settings.digest_channel] if rt.settings.digest_channel else [],
            limit=CHANNEL_LOOKUPS,
        )
    return sum(1 for channel in due if _look(rt, channel) is not None)


def _look(rt: Context, channel_id: str) -> ChannelFacts | None:
    """Ask Slack about the channel and keep the answer; None when Slack did not answer."""
    try:
        found = rt.read().channel(channel_id)
    except LookupFailed as error:
        log.warning("conversations.info failed for %s: %s", channel_id, error)
        return None
    now = rt.now()
    with Session(rt.engine) as session:
        if found is not None:
            store.save_facts(session=session, described=[found], now=now)
        else:
            # Slack will not describe it to the bot (a private channel it left, or a deleted
            # one): nobody but its members may read it, if anyone.
            found = ChannelFacts(channel_id, private=True, ext_shared=False)
            store.change(
                session=session,
                channel_id=channel_id,
                private=True,
                ext_shared=False,
                checked_at=now,
                now=now,
            )
        session.commit()
    return found
