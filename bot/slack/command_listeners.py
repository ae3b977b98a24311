"""The listener's side of the `/coe` slash command: answer in the ack what it can, keep the rest.

The worker's side is in command_handlers.py."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.core.commands import USAGE, Help, Invalid, ListCoes, Start, parse_command
from bot.runtime.context import Runtime
from bot.runtime.worker import Notify
from bot.slack.keep import keep
from storage.inbox import RequestKind

IN_A_DM = (
    "A COE review runs in the incident's channel, where the team can join in. "
    "Run `/coe start <what went wrong>` there (and `/invite` me if I'm not in it yet)."
)

LIST_IN_A_DM = "COEs are kept by channel: run `/coe list` in one, or `/coe list all` for yours."


def register(app: App, rt: Runtime, notify: Notify) -> None:
    def acknowledge(ack: Ack, body: dict[str, Any]) -> None:
        """Answer at once what needs neither Slack nor the database; keep the rest for later."""
        match parse_command(body.get("text") or ""):
            case Help():
                ack(text=USAGE)
            case Invalid(reason):
                ack(text=f"{reason}\n\n{USAGE}")
            case Start() if _is_direct_message(body):
                ack(text=IN_A_DM)
            case ListCoes(everyone=False) if _is_direct_message(body):
                ack(text=LIST_IN_A_DM)
            case _:
                keep(rt, notify, RequestKind.COMMAND, body)
                ack()

    app.command("/coe")(acknowledge)


def _is_direct_message(command: dict[str, Any]) -> bool:
    channel_id = str(command.get("channel_id", ""))
    return channel_id.startswith("D") or command.get("channel_name") in ("directmessage", "mpdm")
