"""How a review is named and quoted in plain words: its key, its status, answers taken back.

Plain text with Slack's mrkdwn at most; Block Kit is built from it in `bot/slack`.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.facilitation import Chain, Status, Step
from bot.core.slack_text import clip, neutralize

Names = Mapping[str, str]
NO_NAMES: Names = {}

# Quotes of answers in prompts are clipped; the full text stays stored and goes into the document.
QUOTE_LIMIT = 500


def coe_key(coe_id: int) -> str:
    return f"COE-{coe_id}"


def status_line(chain: Chain) -> str:
    if chain.status is Status.CHAIN_DONE:
        return f"chain complete ({len(chain.answered)} whys), collecting action items"
    if chain.status is Status.OFFERING:
        return f"out of ideas after {len(chain.answered)} whys, other angles offered"
    step = chain.open_step
    return f"asking why #{step.number}" if step else "starting"


def short(text: str, limit: int = QUOTE_LIMIT, names: Names = NO_NAMES) -> str:
    """User text quoted by the bot: clipped, and no longer able to notify anyone."""
    return neutralize(clip(text, limit), names)


def took_back(answer: str, names: Names = NO_NAMES) -> str:
    return f"Took back “{short(answer, names=names)}”."


def back_to(step: Step, names: Names = NO_NAMES) -> str:
    return f"Back to #{step.number}, “{short(step.answer or '', names=names)}”."


def thread_link(channel_id: str, parent_ts: str | None, permalink: str | None) -> str | None:
    """The link to a COE's thread: Slack's permalink, else one made from the parent's ts.

    None while the parent message is not posted.
    """
    if permalink:
        return permalink
    if not parent_ts:
        return None
    return f"https://slack.com/archives/{channel_id}/p{parent_ts.replace('.', '')}"
