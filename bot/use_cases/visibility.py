"""What Slack says about who may see a COE: the reader's channels, guests, private channels.

Gathers the facts for bot/core/visibility.py through the reading port and keeps them in memory
for a few minutes. It asks Slack, so it runs in the worker, never before an ack and never inside
a transaction. Whatever Slack cannot tell is taken the safe way: a channel of unknown privacy is
private, a person whose channels are unknown is in none, a person Slack cannot describe is a
guest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.core import visibility as core
from bot.core.visibility import Reader
from bot.runtime.context import Runtime
from bot.runtime.tuning import MEMBERSHIP_TTL, PRIVACY_TTL
from bot.use_cases import users
from bot.use_cases.reading import LookupFailed

log = logging.getLogger(__name__)


def reader(rt: Runtime, user_id: str) -> Reader:
    """The person `user_id` as a reader: the channels they are in, and whether they are a guest."""
    return core.person(_channels_of(rt, user_id), guest=users.is_guest(rt, user_id))


def digest_reader(rt: Runtime, channel_id: str) -> Reader:
    """The members of `channel_id`, where the digest of every COE goes."""
    return core.digest_channel(channel_id, rt.settings.digest_include_private)


def visible_channels(rt: Runtime, who: Reader, channel_ids: Iterable[str]) -> frozenset[str]:
    """Those of `channel_ids` whose COEs `who` may see; asks Slack only where privacy decides."""
    candidates = set(channel_ids)
    private = {
        channel: _is_private(rt, channel) for channel in core.privacy_matters(who, candidates)
    }
    return core.visible(who, candidates, private)


def may_see(rt: Runtime, user_id: str, channel_id: str) -> bool:
    """Whether `user_id` may see a COE held in `channel_id` (and its action items)."""
    return channel_id in visible_channels(rt, reader(rt, user_id), [channel_id])


def _channels_of(rt: Runtime, user_id: str) -> frozenset[str]:
    key = ("channels", user_id)
    cached = rt.cache.get(key)
    if cached is not None and cached.fresh(rt.now()):
        return frozenset(cached.value)
    try:
        found = rt.read().channels_of(user_id)
    except LookupFailed as error:
        log.warning("users.conversations failed for %s: %s", user_id, error)
        return frozenset(cached.value) if cached is not None else frozenset()
    now = rt.now()
    for channel in found:
        # users.conversations describes each channel: no conversations.info needed for these.
        rt.cache.put(("private", channel.channel_id), channel.private, now=now, ttl=PRIVACY_TTL)
    channels = frozenset(channel.channel_id for channel in found)
    rt.cache.put(key, channels, now=now, ttl=MEMBERSHIP_TTL)
    return channels


def _is_private(rt: Runtime, channel_id: str) -> bool | None:
    key = ("private", channel_id)
    cached = rt.cache.get(key)
    if cached is not None and cached.fresh(rt.now()):
        return bool(cached.value) if cached.value is not None else None
    try:
        found = rt.read().channel(channel_id)
    except LookupFailed as error:
        log.warning("conversations.info failed for %s: %s", channel_id, error)
        return cached.value if cached is not None else None
    # None: a private channel the bot has left, or a deleted one: nobody's to see here.
    private = found.private if found is not None else None
    rt.cache.put(key, private, now=rt.now(), ttl=PRIVACY_TTL)
    return private
