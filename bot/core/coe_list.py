"""A COE as a list shows it: where it stands, in a word, and which come first.

Pure: the shell loads the summaries, this decides what they say and their order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.facilitation import Status


@dataclass(frozen=True)
class CoeSummary:
    """One COE, as `/coe list` and the App Home show it."""

    coe_id: int
    channel_id: str
    problem: str
    facilitator_id: str
    status: str
    # The lowest-numbered why still unanswered, while the review is asking.
    asking_why: int | None
    closed: bool
    open_items: int
    parent_ts: str | None
    # Slack's link to the parent message; None until it is known.
    permalink: str | None = None
    # The COE's canvas, once Slack has made it.
    canvas_link: str | None = None


def status_phrase(coe: CoeSummary) -> str:
    """`closed`, `chain complete`, `other angles offered`, `asking why #n` or `starting`."""
    if coe.closed:
        return "closed"
    if coe.status == Status.CHAIN_DONE.value:
        return "chain complete"
    if coe.status == Status.OFFERING.value:
        return "other angles offered"
    if coe.status == Status.STARTING.value:
        return "starting"
    return f"asking why #{coe.asking_why}" if coe.asking_why is not None else "asking"


def open_first(coes: Iterable[CoeSummary]) -> list[CoeSummary]:
    """Open COEs before closed ones, the newest first within each."""
    return sorted(coes, key=lambda coe: (coe.closed, -coe.coe_id))
