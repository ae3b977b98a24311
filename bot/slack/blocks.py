"""The small Block Kit pieces every message builder uses, and Slack's limits on what they hold.

Size is a budget: every builder clips what it puts in a block to the block's limit, and splits
what does not fit in one message with `split_messages` (or `Size` for its own paging).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from bot.core.slack_text import clip

Block = dict[str, Any]

# Slack's limits. Over them, Slack refuses the whole call (`invalid_blocks`, `msg_too_long`,
# `msg_blocks_too_long`).
MESSAGE_BLOCKS = 50
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
OPTION_LIMIT = 75
OPTIONS_MAX = 100
# All the text in one message's blocks together (Slack says "about 12,000 characters").
BLOCK_TEXT_LIMIT = 12_000
# What the builders aim for, a little under Slack's figure.
BLOCK_TEXT_BUDGET = 11_000
# The `text` fallback the builders send: notifications and screen readers need no more.
FALLBACK_LIMIT = 3000


def plain(text: str) -> Block:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(clip(text, HEADER_LIMIT))}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(clip(text))}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(clip(text))]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": plain(clip(label, BUTTON_LIMIT)),
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


# The budget ----------------------------------------------------------------------------------


class Size(NamedTuple):
    """What some blocks take of a message's budget: blocks, and characters of text.

    A named tuple, not a dataclass: paging a digest adds up tens of thousands of them.
    """

    blocks: int = 0
    chars: int = 0

    def __add__(self, other: Size) -> Size:  # type: ignore[override]
        return Size(self.blocks + other.blocks, self.chars + other.chars)

    def fits(self, max_blocks: int = MESSAGE_BLOCKS, max_chars: int = BLOCK_TEXT_BUDGET) -> bool:
        return self.blocks <= max_blocks and self.chars <= max_chars

    def fits_with(self, other: Size) -> bool:
        """Whether this and `other` together fit one message, without making their sum."""
        return (
            self.blocks + other.blocks <= MESSAGE_BLOCKS
            and self.chars + other.chars <= BLOCK_TEXT_BUDGET
        )


def size_of(blocks: Sequence[Block]) -> Size:
    return Size(len(blocks), text_length(blocks))


def section_size(block: Block) -> Size:
    """What one `section` block takes, without walking it."""
    return Size(1, len(block["text"]["text"]))


def text_length(value: Any) -> int:
    """The characters of text in blocks, the way Slack counts them towards its budget."""
    # A loop over a stack, not recursion: a digest measures every row of every channel's.
    total, stack = 0, [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if key == "text" and isinstance(item, str):
                    total += len(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)
    return total


def split_messages(
    groups: Iterable[Sequence[Block]],
    max_blocks: int = MESSAGE_BLOCKS,
    max_chars: int = BLOCK_TEXT_BUDGET,
) -> list[list[Block]]:
    """Groups of blocks, in order, packed into as few messages as fit Slack's budget.

    A group (an item and its buttons) always stays in one message. Each group must fit a message
    of its own, which clipped blocks do: at most 3,000 characters each.
    """
    messages: list[list[Block]] = []
    current: list[Block] = []
    used = Size()
    for group in groups:
        size = size_of(group)
        if current and not (used + size).fits(max_blocks, max_chars):
            messages.append(current)
            current, used = [], Size()
        current.extend(group)
        used += size
    if current:
        messages.append(current)
    return messages


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A message: its blocks and a fallback text clipped for notifications."""
    return {"text": clip(text, FALLBACK_LIMIT), "blocks": blocks}
