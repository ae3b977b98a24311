"""Block Kit for the App Home: a person's open action items, their COEs, their channels' COEs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.action_items import ListedItem
from bot.core.coe_list import CoeSummary
from bot.core.review_text import NO_NAMES, Names
from bot.slack.action_item_messages import item_line
from bot.slack.blocks import Block, chunks, clip, context, header, section
from bot.slack.coe_list_messages import coe_line
from bot.slack.messages import item_status_buttons
from bot.use_cases.home import COES_SHOWN, ITEMS_SHOWN, Home


def build_home(home: Home, names: Names = NO_NAMES) -> dict[str, Any]:
    """The Home tab's view, within Slack's 100 blocks."""
    blocks = [
        *_items(home.items, home.items_total, names),
        {"type": "divider"},
        *_coes(
            "COEs you facilitate",
            home.facilitated,
            home.facilitated_total,
            "You facilitate no COE. Start one with `/coe start <what went wrong>` in the "
            "incident's channel.",
        ),
        {"type": "divider"},
        *_coes("Recent COEs in your channels", home.recent, home.recent_total, "None yet."),
    ]
    return {"type": "home", "blocks": blocks}


def _items(items: Sequence[ListedItem], total: int, names: Names) -> list[Block]:
    blocks = [header(f"Your open action items ({total})")]
    if not items:
        return [*blocks, section("Nothing open. :tada:")]
    shown = items[:ITEMS_SHOWN]
    for item in shown:
        blocks += [section(clip(item_line(item, names))), item_status_buttons(item.item_id)]
    if total > len(shown):
        blocks.append(context(f"…and {total - len(shown)} more: `/coe actions` lists them all."))
    return blocks


def _coes(title: str, coes: Sequence[CoeSummary], total: int, empty: str) -> list[Block]:
    blocks = [header(f"{title} ({total})")]
    if not coes:
        return [*blocks, section(empty)]
    shown = coes[:COES_SHOWN]
    blocks += [section(chunk) for chunk in chunks([coe_line(coe) for coe in shown])]
    if total > len(shown):
        blocks.append(context(f"…and {total - len(shown)} more: `/coe list all` lists them."))
    return blocks
