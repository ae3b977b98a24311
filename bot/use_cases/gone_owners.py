"""Use case of owners Slack says are deactivated: they are reminded no more (the nudge sweep
leaves them out), and each COE's facilitator is told once which of their items to give to
someone else.

Safe to run at the same moment in two processes: each item told about is recorded (a
`gone_owner_notice` row, keyed by the item) in the transaction that queues the message.
"""

from __future__ import annotations

from itertools import groupby

from sqlmodel import Session

from bot.use_cases import users
from bot.use_cases.context import Context
from bot.use_cases.outgoing import GoneOwner, Sent
from bot.use_cases.thread_links import thread_links
from storage import gone_owners as store


def tell_facilitators(rt: Context) -> list[Sent]:
    """Tell each COE's facilitator of its open items whose owner is deactivated, once; what it
    queued."""
    with Session(rt.engine) as session:
        items = store.untold(session=session)
        told = store.record_told(
            session=session, item_ids=[item.item_id for item in items], now=rt.now()
        )
        items = [item for item in items if item.item_id in told]
        links = thread_links(session, sorted({item.coe_id for item in items}))
        names = users.names_in(session, *(text for i in items for text in (i.text, i.problem)))
        say, queued = rt.say(session), []
        for (coe_id, owner_id), group in groupby(items, lambda i: (i.coe_id, i.owner_id)):
            mine = list(group)
            first = mine[0]
            gone = GoneOwner(
                coe_id=coe_id,
                problem=first.problem,
                owner_id=owner_id,
                items=tuple((item.item_id, item.text, item.due) for item in mine),
                link=links.get(coe_id),
            )
            # A deactivated facilitator gets no direct message: the thread hears it instead.
            thread = (first.channel_id, first.thread_ts) if first.facilitator_gone else None
            message_id = say.owner_gone(gone, names, to=first.facilitator_id, thread=thread)
            what = (
                f"to {first.facilitator_id if thread is None else first.channel_id}: "
                f"{owner_id} is deactivated, {len(mine)} item(s) of COE-{coe_id} to give away"
            )
            queued.append(Sent(message_id, thread[0] if thread else first.facilitator_id, what))
        session.commit()
    return queued
