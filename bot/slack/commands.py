"""The `/coe` slash command."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import action_items, reviews
from bot.core.commands import USAGE, Help, Invalid, ListActions, Start, parse_command
from bot.runtime import Runtime
from bot.slack import stored

IN_A_DM = (
    "A COE review runs in the incident's channel, where the team can join in. "
    "Run `/coe start <what went wrong>` there (and `/invite` me if I'm not in it yet)."
)


def register(app: App, rt: Runtime) -> None:
    def acknowledge(ack: Ack, body: dict[str, Any]) -> None:
        """Answer at once what needs neither Slack nor the database; keep the rest for later."""
        match parse_command(body.get("text") or ""):
            case Help():
                ack(text=USAGE)
            case Invalid(reason):
                ack(text=f"{reason}\n\n{USAGE}")
            case Start() if _is_direct_message(body):
                ack(text=IN_A_DM)
            case _:
                stored.keep(rt, "command", body)
                ack()

    app.command("/coe")(acknowledge)


def run(rt: Runtime, command: dict[str, Any]) -> None:
    """The worker's half: start a review or list action items."""
    match parse_command(command.get("text") or ""):
        case Start(problem):
            error = reviews.start_review(
                rt,
                team_id=command.get("team_id", ""),
                channel_id=command["channel_id"],
                user_id=command["user_id"],
                problem=problem,
            )
            if error:
                stored.respond(rt, command, error)
        case ListActions() as query:
            listing = action_items.list_for(rt, asker_id=command["user_id"], query=query)
            stored.respond(rt, command, listing["text"], listing.get("blocks"))


def _is_direct_message(command: dict[str, Any]) -> bool:
    channel_id = str(command.get("channel_id", ""))
    return channel_id.startswith("D") or command.get("channel_name") in ("directmessage", "mpdm")
