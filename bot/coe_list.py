"""Use case of `/coe list`: the COEs of a channel, or of every channel the asker is in."""

from __future__ import annotations

from sqlmodel import Session

from bot import visibility
from bot.core.coe_list import open_first
from bot.runtime import Runtime
from bot.slack import coe_list_messages as views
from bot.slack.messages import Message
from storage import coe_summaries

# More than fit in the pages of one answer: the rest are counted, not listed.
LISTED = 100


def list_coes(rt: Runtime, *, asker_id: str, channel_id: str, everyone: bool) -> list[Message]:
    """The pages of the answer to `/coe list` (this channel) or `/coe list all`."""
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
    title = views.list_title(everyone)
    return views.build_coe_list(title, open_first(coes), total, show_channel=everyone)
