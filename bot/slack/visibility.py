"""What Slack says about who may see a COE: the reader's channels, guests, private channels.

Gathers the facts for bot/core/visibility.py and keeps them in memory for a few minutes. It
calls Slack, so it runs in the worker, never before an ack and never inside a transaction.
Whatever Slack cannot tell is taken the safe way: a channel of unknown privacy is private, a
person whose channels are unknown is in none, a person Slack cannot describe is a guest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.core import visibility as core
from bot.core.visibility import Reader
from bot.runtime.context import Runtime
from bot.runtime.tuning import GUEST_TTL, MEMBERSHIP_TTL, PRIVACY_TTL

log = logging.getLogger(__name__)

PAGE_SIZE = 200
# 10,000 channels; a person in more is taken to be in these only.
MAX_PAGES = 50


def reader(rt: Runtime, user_id: str) -> Reader:
    """The person `user_id` as a reader: the channels they are in, and whether they are a guest."""
    return core.person(_channels_of(rt, user_id), guest=_is_guest(rt, user_id))


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


# Slack ---------------------------------------------------------------------------------------


def _channels_of(rt: Runtime, user_id: str) -> frozenset[str]:
    key = ("channels", user_id)
    cached = rt.cache.get(key)
    if cached is not None and cached.fresh(rt.now()):
        return frozenset(cached.value)
    try:
        found = _list_channels(rt, user_id)
    except (SlackApiError, OSError) as error:
        log.warning("users.conversations failed for %s: %s", user_id, _code(error))
        return frozenset(cached.value) if cached is not None else frozenset()
    now = rt.now()
    for channel in found:
        # users.conversations describes each channel: no conversations.info needed for these.
        rt.cache.put(("private", channel["id"]), _private(channel), now=now, ttl=PRIVACY_TTL)
    channels = frozenset(str(channel["id"]) for channel in found)
    rt.cache.put(key, channels, now=now, ttl=MEMBERSHIP_TTL)
    return channels


def _list_channels(rt: Runtime, user_id: str) -> list[dict[str, Any]]:
    """Every channel `user_id` is in that the bot may know of, page by page.

    With a bot token Slack lists the private channels the bot is in too, the only ones whose
    COEs it holds.
    """
    found: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MAX_PAGES):
        response = rt.slack.users_conversations(
            user=user_id, types="public_channel,private_channel", limit=PAGE_SIZE, cursor=cursor
        )
        found += response.get("channels") or []
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return found
    log.warning("%s is in more than %s channels; the rest are left out", user_id, len(found))
    return found


def _is_private(rt: Runtime, channel_id: str) -> bool | None:
    key = ("private", channel_id)
    cached = rt.cache.get(key)
    if cached is not None and cached.fresh(rt.now()):
        return bool(cached.value) if cached.value is not None else None
    try:
        response = rt.slack.conversations_info(channel=channel_id)
    except (SlackApiError, OSError) as error:
        code = _code(error)
        if code == "channel_not_found":
            # A private channel the bot has left, or a deleted one: nobody's to see here.
            rt.cache.put(key, None, now=rt.now(), ttl=PRIVACY_TTL)
            return None
        log.warning("conversations.info failed for %s: %s", channel_id, code)
        return cached.value if cached is not None else None
    private = _private(response.get("channel") or {})
    rt.cache.put(key, private, now=rt.now(), ttl=PRIVACY_TTL)
    return private


def _is_guest(rt: Runtime, user_id: str) -> bool:
    key = ("guest", user_id)
    cached = rt.cache.get(key)
    if cached is not None and cached.fresh(rt.now()):
        return bool(cached.value)
    try:
        user = rt.slack.users_info(user=user_id).get("user") or {}
    except (SlackApiError, OSError) as error:
        log.warning("users.info failed for %s: %s", user_id, _code(error))
        return bool(cached.value) if cached is not None else True
    return note_guest(rt, user_id, user)


def note_guest(rt: Runtime, user_id: str, user: dict[str, Any]) -> bool:
    """Remember from a users.info answer whether `user_id` is a guest; returns it."""
    guest = bool(user.get("is_restricted") or user.get("is_ultra_restricted"))
    rt.cache.put(("guest", user_id), guest, now=rt.now(), ttl=GUEST_TTL)
    return guest


def _private(channel: dict[str, Any]) -> bool:
    # Channel ids do not tell: private channels made since 2021 start with C, like public ones.
    return any(channel.get(flag) for flag in ("is_private", "is_group", "is_mpim", "is_im"))


def _code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return repr(error)
