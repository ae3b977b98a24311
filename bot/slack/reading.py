"""`Reading` in Slack: users.info, users.conversations, conversations.info, chat.getPermalink.

Made on the runtime's reading client, which retries a call Slack rate limited after the time it
says (`Retry-After`) and one that never got an answer: a read changes nothing in Slack, so asking
again is always safe. Whatever still fails is `LookupFailed`.
"""

from __future__ import annotations

import http.client
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.visibility import ChannelFacts
from bot.runtime.context import Runtime
from bot.use_cases.reading import LookupFailed, SlackPerson

log = logging.getLogger(__name__)

SLACKBOT = "USLACKBOT"
PAGE_SIZE = 200
# 10,000 channels; a person in more is taken to be in these only.
MAX_PAGES = 50
# Slack's answers for an id it will not describe to the bot: no such thing, as far as it knows.
NO_SUCH_USER = frozenset({"user_not_found", "user_not_visible"})
NO_SUCH_CHANNEL = frozenset({"channel_not_found"})
_FAILURES = (SlackClientError, OSError, http.client.HTTPException)


class SlackReading:
    """What the bot reads from Slack, on the runtime's reading client."""

    def __init__(self, rt: Runtime) -> None:
        self._slack: WebClient = rt.slack_reads or rt.slack

    def person(self, user_id: str) -> SlackPerson | None:
        try:
            info = self._slack.users_info(user=user_id).get("user") or {}
        except _FAILURES as error:
            if _code(error) in NO_SUCH_USER:
                return None
            raise LookupFailed(_code(error)) from error
        return SlackPerson(
            user_id=user_id,
            name=display_name(info),
            tz=str(info.get("tz") or "UTC"),
            is_bot=bool(info.get("is_bot")) or user_id == SLACKBOT,
            deleted=bool(info.get("deleted")),
            guest=bool(info.get("is_restricted") or info.get("is_ultra_restricted")),
        )

    def channels_of(self, user_id: str) -> list[ChannelFacts]:
        # With a bot token Slack lists the private channels the bot is in too, the only ones
        # whose COEs it holds.
        found: list[ChannelFacts] = []
        cursor = None
        for _ in range(MAX_PAGES):
            try:
                response = self._slack.users_conversations(
                    user=user_id,
                    types="public_channel,private_channel",
                    limit=PAGE_SIZE,
                    cursor=cursor,
                )
            except _FAILURES as error:
                raise LookupFailed(_code(error)) from error
            found += [facts(channel) for channel in response.get("channels") or []]
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return found
        log.warning("%s is in more than %s channels; the rest are left out", user_id, len(found))
        return found

    def channel(self, channel_id: str) -> ChannelFacts | None:
        try:
            response = self._slack.conversations_info(channel=channel_id)
        except _FAILURES as error:
            if _code(error) in NO_SUCH_CHANNEL:
                return None
            raise LookupFailed(_code(error)) from error
        return facts(response.get("channel") or {"id": channel_id})

    def permalink(self, channel_id: str, ts: str) -> str:
        try:
            response = self._slack.chat_getPermalink(channel=channel_id, message_ts=ts)
        except _FAILURES as error:
            raise LookupFailed(_code(error)) from error
        return str(response["permalink"])


def facts(channel: dict[str, Any]) -> ChannelFacts:
    """A channel as conversations.info and users.conversations describe it."""
    return ChannelFacts(
        channel_id=str(channel["id"]),
        # Channel ids do not tell: private channels made since 2021 start with C, like public ones.
        private=any(channel.get(flag) for flag in ("is_private", "is_group", "is_mpim", "is_im")),
        ext_shared=bool(channel.get("is_ext_shared") or channel.get("is_pending_ext_shared")),
        archived=bool(channel.get("is_archived")),
    )


def display_name(info: dict[str, Any]) -> str | None:
    """How Slack shows a user: the display name, else the full name, else the username."""
    profile = info.get("profile") or {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        info.get("real_name"),
        info.get("name"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None


def _code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return type(error).__name__ if not str(error) else f"{type(error).__name__}: {error}"
