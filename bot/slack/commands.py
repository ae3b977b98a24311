"""The `/coe` slash command."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot import action_items, reviews
from bot.core.commands import USAGE, Help, Invalid, ListActions, Start, parse_command
from bot.runtime import Runtime

IN_A_DM = (
    "A COE review runs in the incident's channel, where the team can join in. "
    "Run `/coe start <what went wrong>` there (and `/invite` me if I'm not in it yet)."
)


def register(app: App, rt: Runtime) -> None:
    def acknowledge(ack: Ack, command: dict[str, Any]) -> None:
        """Answer at once what needs no Slack call or database; the rest runs after the ack."""
        match parse_command(command.get("text") or ""):
            case Help():
                ack(text=USAGE)
            case Invalid(reason):
                ack(text=f"{reason}\n\n{USAGE}")
            case Start() if _is_direct_message(command):
                ack(text=IN_A_DM)
            case _:
                ack()

    def run(command: dict[str, Any], respond: Respond) -> None:
        match parse_command(command.get("text") or ""):
            case Start(problem) if not _is_direct_message(command):
                error = reviews.start_review(
                    rt,
                    team_id=command.get("team_id", ""),
                    channel_id=command["channel_id"],
                    user_id=command["user_id"],
                    problem=problem,
                )
                if error:
                    respond(text=error, response_type="ephemeral")
            case ListActions() as query:
                respond(**list_actions(rt, command["user_id"], query))

    app.command("/coe")(ack=acknowledge, lazy=[run])


def list_actions(rt: Runtime, user_id: str, query: ListActions) -> dict[str, Any]:
    listing = action_items.list_for(rt, asker_id=user_id, query=query)
    return {**listing, "response_type": "ephemeral"}


def _is_direct_message(command: dict[str, Any]) -> bool:
    channel_id = str(command.get("channel_id", ""))
    return channel_id.startswith("D") or command.get("channel_name") in ("directmessage", "mpdm")
