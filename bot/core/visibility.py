"""Who may see a COE and its action items: decided from its channel and what we know of the reader.

Pure: the use cases (bot/use_cases/visibility.py) find out which channels the reader is in and
what each channel is, and pass the answers in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelFacts:
    """What Slack says of a channel: who may read it beyond its members. None: Slack has not
    said (yet), which counts as the unsafe answer."""

    channel_id: str
    # Everyone in the workspace but guests may read a public channel.
    private: bool | None
    # Shared with another organisation (Slack Connect): people outside the workspace read it.
    ext_shared: bool | None = False
    archived: bool = False


@dataclass(frozen=True)
class Reader:
    """Whoever will read a list: a person, or the members of the channel a digest goes to."""

    # Channels the reader is in: their COEs are visible whatever the channel's privacy.
    channels: frozenset[str]
    # A guest sees no channel they are not in, public or not.
    guest: bool = False
    # A digest channel whose members may see COEs of private channels (COE_DIGEST_INCLUDE_PRIVATE).
    sees_private: bool = False


def person(channels: Iterable[str], guest: bool = False) -> Reader:
    """A person, who sees their own channels and, unless a guest, every public one."""
    return Reader(frozenset(channels), guest=guest)


def digest_channel(channel_id: str, include_private: bool, shared: bool = False) -> Reader:
    """The members of the channel a digest of every COE goes to. A channel `shared` with
    another organisation has readers from outside the workspace: it sees its own COEs only."""
    if shared:
        return Reader(frozenset({channel_id}), guest=True)
    return Reader(frozenset({channel_id}), sees_private=include_private)


def may_see(reader: Reader, channel_id: str, private: bool | None) -> bool:
    """Whether `reader` may see a COE held in `channel_id`.

    `private` is None when Slack would not say (the bot left the channel, or Slack failed):
    such a channel counts as private.
    """
    if channel_id in reader.channels:
        return True
    if reader.guest:
        return False
    return private is False or reader.sees_private


def privacy_matters(reader: Reader, channel_ids: Iterable[str]) -> list[str]:
    """The channels whose privacy decides `may_see` for this reader: the only ones to look up."""
    return sorted(
        {
            channel
            for channel in channel_ids
            if may_see(reader, channel, True) != may_see(reader, channel, False)
        }
    )


def visible(
    reader: Reader, channel_ids: Iterable[str], private: Mapping[str, bool | None]
) -> frozenset[str]:
    """Those of `channel_ids` whose COEs `reader` may see; `private` as in `may_see`."""
    return frozenset(
        channel for channel in channel_ids if may_see(reader, channel, private.get(channel))
    )


def names_other_channels(into: ChannelFacts | None) -> bool:
    """Whether a COE thread in `into`, and its document, may name COEs of the workspace's public
    channels, which everyone in the workspace may read. Not when people of another organisation
    read `into` (Slack Connect), nor while Slack has not said whether they do. Its own channel's
    COEs it may always name: whoever reads the thread reads them."""
    return into is not None and into.ext_shared is False
