"""Who may see a COE: the reader's channels (users.conversations, kept in memory for a few
minutes), whether they are a guest, and what each channel is (bot/use_cases/channels.py).

Gathers the facts for bot/core/visibility.py. It may ask Slack, so it runs in the worker, never
before an ack and never inside a transaction. Whatever Slack cannot tell is taken the safe way:
a channel of unknown privacy is private, a person Slack cannot describe is a guest. A person
whose channels Slack will not list, and were never listed, is a `LookupFailed`: an empty list
would say they may see nothing, which is not what anyone asked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.core import visibility as core
from bot.core.visibility import Reader
from bot.use_cases import channels, users
from bot.use_cases.context import Context
from bot.use_cases.limits import MEMBERSHIP_TTL
from bot.use_cases.reading import LookupFailed

log = logging.getLogger(__name__)


def reader(rt: Context, user_id: str) -> Reader:
    """The person `user_id` as a reader: the channels they are in, and whether they are a guest.

    Raises `LookupFailed` when Slack does not say which channels they are in.
    """
    return core.person(_channels_of(rt, user_id), guest=users.is_guest(rt, user_id))


def digest_reader(rt: Context, channel_id: str) -> tuple[Reader, bool]:
    """The members of `channel_id`, where the digest of every COE goes, and whether Slack has
    said who they are (shared with another organisation or not)."""
    known = channels.described(rt, [channel_id])
    facts = known.facts.get(channel_id)
    shared = facts is None or facts.ext_shared is not False
    reader = core.digest_channel(channel_id, rt.settings.digest_include_private, shared=shared)
    return reader, channel_id not in known.unknown


def sort_channels(
    rt: Context, who: Reader, channel_ids: Iterable[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """Those of `channel_ids` whose COEs `who` may see, and those whose privacy decides but
    Slack could not be asked about just now (not among the first)."""
    candidates = set(channel_ids)
    known = channels.described(rt, core.privacy_matters(who, candidates))
    private = {channel: facts.private for channel, facts in known.facts.items()}
    return core.visible(who, candidates, private), known.unknown


def visible_channels(rt: Context, who: Reader, channel_ids: Iterable[str]) -> frozenset[str]:
    """Those of `channel_ids` whose COEs `who` may see."""
    return sort_channels(rt, who, channel_ids)[0]


def may_see(rt: Context, user_id: str, channel_id: str) -> bool:
    """Whether `user_id` may see a COE held in `channel_id` (and its action items)."""
    return channel_id in visible_channels(rt, reader(rt, user_id), [channel_id])


def _channels_of(rt: Context, user_id: str) -> frozenset[str]:
    key = ("channels", user_id)
    cached = rt.cache.get(key)
    if cached is not None and cached.fresh(rt.now()):
        return frozenset(cached.value)
    try:
        found = rt.read().channels_of(user_id)
    except LookupFailed as error:
        log.warning("users.conversations failed for %s: %s", user_id, error)
        if cached is None:
            raise
        return frozenset(cached.value)
    listed = frozenset(channel.channel_id for channel in found)
    rt.cache.put(key, listed, now=rt.now(), ttl=MEMBERSHIP_TTL)
    return listed
