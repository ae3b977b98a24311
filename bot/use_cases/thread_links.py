"""Links to COE threads, for every place that names a COE."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from bot.core.review_text import thread_link
from storage import coes


def thread_links(session: Session, coe_ids: Sequence[int]) -> dict[int, str]:
    """A link to each COE's thread: Slack's permalink, else one made from the parent's ts."""
    links = {}
    for coe_id, (channel_id, parent_ts, permalink) in coes.threads(
        session=session, coe_ids=coe_ids
    ).items():
        link = thread_link(channel_id, parent_ts, permalink)
        if link:
            links[coe_id] = link
    return links
