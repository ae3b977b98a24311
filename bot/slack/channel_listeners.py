"""Channel events: what Slack says a channel became is kept before the ack (one upsert, no
Slack call); what an event does not describe is looked up by the scheduled job soon after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.runtime.context import Runtime
from bot.runtime.worker import Notify
from bot.use_cases import channels
from bot.use_cases.channels import ChannelEvent

Event = dict[str, Any]


def _id(event: Event) -> str:
    # Renames carry the channel as an object; the other events carry its id.
    channel = event.get("channel")
    return str(channel.get("id") if isinstance(channel, dict) else channel)


# What each event says. `group_*` events are about private channels.
READERS: dict[str, Callable[[Event], ChannelEvent]] = {
    "channel_archive": lambda e: ChannelEvent(_id(e), archived=True),
    "channel_unarchive": lambda e: ChannelEvent(_id(e), archived=False),
    "group_archive": lambda e: ChannelEvent(_id(e), private=True, archived=True),
    "group_unarchive": lambda e: ChannelEvent(_id(e), private=True, archived=False),
    "channel_shared": lambda e: ChannelEvent(_id(e), ext_shared=True),
    "channel_unshared": lambda e: ChannelEvent(_id(e), ext_shared=bool(e.get("is_ext_shared"))),
    "channel_rename": lambda e: ChannelEvent(_id(e), look_again=True),
    "group_rename": lambda e: ChannelEvent(_id(e), private=True, look_again=True),
}
# Posted in the channel itself, so they come as messages (message.channels, message.groups).
CONVERSIONS = {"channel_convert_to_private": True, "channel_convert_to_public": False}


def register(app: App, rt: Runtime, notify: Notify) -> None:
    def keep(ack: Ack, event: Event) -> None:
        channels.note(rt, READERS[str(event["type"])](event))
        ack()

    def keep_conversion(ack: Ack, event: Event) -> None:
        channels.note(rt, ChannelEvent(_id(event), private=CONVERSIONS[event["subtype"]]))
        ack()

    def keep_join(ack: Ack, event: Event, context: BoltContext) -> None:
        # Sent for everyone who joins a channel the bot is in; only the bot's own joins matter.
        # Its channel_type does not tell a private channel from a public one since 2021.
        if event.get("user") == context.bot_user_id:
            channels.note(rt, ChannelEvent(_id(event), look_again=True))
        ack()

    for name in READERS:
        app.event(name)(keep)
    for subtype in CONVERSIONS:
        app.event({"type": "message", "subtype": subtype})(keep_conversion)
    app.event("member_joined_channel")(keep_join)
