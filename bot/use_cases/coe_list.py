"""Use case of `/coe list`: the COEs of a channel, or of every channel the asker is in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from bot.core.coe_list import CoeSummary, open_first
from bot.use_cases import visibility
from bot.use_cases.context import Context
from storage import coe_summaries

# More than fit in the pages of one answer: the rest are counted, not listed.
LISTED = 100


@dataclass(frozen=True)
class CoeList:
    """`/coe list`: this channel's COEs or, with `everyone`, those of every channel the asker
    can see; open ones first, and how many in all."""

    everyone: bool
    coes: Sequence[CoeSummary]
    total: int


def list_coes(rt: Context, *, asker_id: str, channel_id: str, everyone: bool) -> CoeList:
    """`/coe list` (this channel) or `/coe list all`."""
    if everyone:
        reader = visibility.reader(rt, asker_id)
        with Session(rt.engine) as session:
            held = coe_summaries.coe_channels(session=session)
        shown = visibility.visible_channels(rt, reader, reader.channels.intersection(held))
    else:
        # Slack takes a command only from a channel its sender can read.
        shown = frozenset({channel_id})
    with Session(rt.engine) as session:
        coes, total = coe_summaries.summaries(session=session, channel_ids=shown, limit=LISTED)
    return CoeList(everyone, open_first(coes), total)
