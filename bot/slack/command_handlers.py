"""The worker's side of the `/coe` slash command: start a review, list, export, close."""

from __future__ import annotations

from typing import Any

from bot.core.commands import Export, ListActions, ListCoes, SetClosed, Start, parse_command
from bot.runtime.context import Runtime
from bot.slack import action_item_messages as item_views
from bot.slack import coe_list_messages as coe_views
from bot.slack import delivery, stored
from bot.use_cases import action_items, coe_list, review_controls, reviews
from bot.use_cases.reading import LookupFailed

# A list that leaves out what Slack did not say would look complete and be wrong.
UNLISTED = (
    "Slack did not tell me just now which channels you are in, so I cannot tell which COEs "
    "you may see. Please try again in a minute."
)


def run(rt: Runtime, command: dict[str, Any]) -> None:
    """Do what a stored `/coe` command asks."""
    try:
        _run(rt, command)
    except LookupFailed:
        stored.respond(rt, command, UNLISTED)


def _run(rt: Runtime, command: dict[str, Any]) -> None:
    match parse_command(command.get("text") or ""):
        case Start(problem):
            started = reviews.start_review(
                rt,
                team_id=command.get("team_id", ""),
                channel_id=command["channel_id"],
                user_id=command["user_id"],
                problem=problem,
            )
            if isinstance(started, str):
                stored.respond(rt, command, started)
                return
            delivery.deliver(rt, started.message_ids)
            reviews.after_start(rt, started)
        case ListActions() as query:
            listing = action_items.list_for(rt, asker_id=command["user_id"], query=query)
            answer = item_views.build_listing(listing)
            stored.respond(rt, command, answer["text"], answer.get("blocks"))
        case ListCoes(everyone):
            coes = coe_list.list_coes(
                rt, asker_id=command["user_id"], channel_id=command["channel_id"], everyone=everyone
            )
            for page in coe_views.build_pages(coes):
                stored.respond(rt, command, page["text"], page["blocks"])
        case Export(coe_id):
            _export(rt, command, coe_id)
        case SetClosed(coe_id, closed):
            done = review_controls.set_closed(
                rt, coe_id=coe_id, user_id=command["user_id"], closed=closed
            )
            stored.answer(rt, command, done)


def _export(rt: Runtime, command: dict[str, Any], coe_id: int | None) -> None:
    if coe_id is None:
        coe_id = review_controls.latest_in_channel(rt, command["channel_id"])
        if coe_id is None:
            stored.respond(
                rt, command, "This channel has no COE yet. Name one: `/coe export COE-12`."
            )
            return
    done = review_controls.export_to_thread(rt, coe_id=coe_id, user_id=command["user_id"])
    stored.answer(rt, command, done, f"Uploading COE-{coe_id} to its thread as a document.")
