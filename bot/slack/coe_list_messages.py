"""Block Kit for lists of COEs (`/coe list`): pure `build_*` functions with plain-text fallbacks."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.coe_list import CoeSummary, status_phrase
from bot.core.review_text import coe_key, thread_link
from bot.core.slack_text import neutralize
from bot.slack.blocks import chunks, clip, context, section
from bot.slack.messages import Message
from bot.use_cases.coe_list import CoeList

PROBLEM_LIMIT = 150
# The fallback is for notifications and screen readers; the blocks carry the list.
TEXT_LIMIT = 3000
# Slack takes about 12,000 characters of block text in a message; a page stays below that.
PAGE_TEXT = 11_000
# A response_url takes five answers within half an hour; one is left for anything after.
MAX_PAGES = 4


def coe_line(coe: CoeSummary, show_channel: bool = True) -> str:
    """`*COE-12* <problem>` and, below it, status, facilitator, open items, channel and links
    to its thread and canvas."""
    items = "1 open item" if coe.open_items == 1 else f"{coe.open_items} open items"
    parts = [status_phrase(coe), f"facilitator <@{coe.facilitator_id}>", items]
    if show_channel:
        parts.append(f"in <#{coe.channel_id}>")
    link = thread_link(coe.channel_id, coe.parent_ts, coe.permalink)
    if link:
        parts.append(f"<{link}|thread>")
    if coe.canvas_link:
        parts.append(f"<{coe.canvas_link}|canvas>")
    problem = clip(neutralize(coe.problem, {}), PROBLEM_LIMIT)
    return f"*{coe_key(coe.coe_id)}* {problem}\n" + " · ".join(parts)


def list_title(everyone: bool) -> str:
    return "COEs in your channels" if everyone else "COEs in this channel"


def build_pages(listing: CoeList) -> list[Message]:
    """The pages of the answer to `/coe list` or `/coe list all`."""
    title = list_title(listing.everyone)
    return build_coe_list(title, listing.coes, listing.total, show_channel=listing.everyone)


def build_coe_list(
    title: str, coes: Sequence[CoeSummary], total: int, show_channel: bool
) -> list[Message]:
    """The list as one message, or a few when it is long; what does not fit is counted."""
    if not coes:
        text = f"{title}: none yet. Start one with `/coe start <what went wrong>`."
        return [{"text": text, "blocks": [section(text)]}]
    pages = _paginate([coe_line(coe, show_channel) for coe in coes])
    left = total - sum(len(page) for page in pages)
    messages = []
    for number, lines in enumerate(pages, start=1):
        part = f", part {number} of {len(pages)}" if len(pages) > 1 else ""
        heading = f"{title} ({total}), open ones first{part}"
        blocks = [section(f"*{heading}*"), *(section(chunk) for chunk in chunks(lines))]
        more = f"…and {left} more not shown." if number == len(pages) and left > 0 else ""
        if more:
            blocks.append(context(more))
        listed = "\n".join([f"{heading}:", *(f"• {line}" for line in lines)]).replace("*", "")
        text = f"{clip(listed, TEXT_LIMIT - len(more) - 1)}\n{more}" if more else clip(listed)
        messages.append({"text": text, "blocks": blocks})
    return messages


def _paginate(lines: list[str]) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if pages[-1] and size + len(line) + 1 > PAGE_TEXT:
            if len(pages) == MAX_PAGES:
                break
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line) + 1
    return pages
