"""The small Block Kit pieces every message builder uses: text objects, sections, buttons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Block = dict[str, Any]

# Slack's limits on a section's text and a header's.
SECTION_LIMIT = 3000
HEADER_LIMIT = 150


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str) -> Block:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(clip(text, HEADER_LIMIT))}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": plain(label),
        "action_id": str(action_id),
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def chunks(lines: Sequence[str], limit: int = SECTION_LIMIT) -> list[str]:
    """`lines` joined into as few texts of at most `limit` characters as they fit in.

    A line too long for a text of its own is clipped to `limit`.
    """
    joined: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            joined.append(current)
            candidate = line
        current = candidate
    return [*joined, current] if current else joined
