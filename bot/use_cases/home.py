"""Use case of the App Home: a person's open items and COEs, published through the outbox.

A change queues a fresh Home for the person in its own transaction; the view itself is built
when the outbox sends it (from `current`), from what is committed by then. So a
burst of changes costs one publish, and the Slack calls the view needs (whose channels, which
are private) are made by the sender, never inside a transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.core.action_items import ListedItem, list_order
from bot.core.coe_list import CoeSummary, open_first
from bot.use_cases import users, visibility
from bot.use_cases.context import Context
from storage import action_items as items_store
from storage import coe_summaries, inbox

# Slack refuses a Home view of more than 100 blocks. Two an item (its line and its buttons):
# the items take at most 60, and each list of COEs a handful.
ITEMS_SHOWN = 30
COES_SHOWN = 10


@dataclass(frozen=True)
class Home:
    """What one person's Home shows; each list is clipped, with its full count beside it."""

    items: Sequence[ListedItem]
    items_total: int
    facilitated: Sequence[CoeSummary]
    facilitated_total: int
    recent: Sequence[CoeSummary]
    recent_total: int


def queue_refresh(rt: Context, session: Session, user_id: str) -> int:
    """Queue a fresh Home for `user_id` in the caller's transaction; a pending one is reused.

    Left to the worker's next outbox pass rather than sent inline: the person who clicked or
    wrote is answered first.
    """
    return rt.say(session).publish_home(user_id)


def refresh(rt: Context, user_id: str) -> None:
    """Queue a fresh Home for `user_id`, in a transaction of its own."""
    with Session(rt.engine) as session:
        queue_refresh(rt, session, user_id)
        session.commit()


def keep_opened(rt: Context, body: dict[str, Any]) -> bool:
    """Store an `app_home_opened` event of the Home tab before it is acknowledged; no Slack call."""
    event = body.get("event") or {}
    event_id = body.get("event_id")
    if event.get("tab") != "home" or not event.get("user") or not event_id:
        return False
    with Session(rt.engine) as session:
        kept = inbox.keep(
            session=session,
            key=str(event_id),
            kind=inbox.RequestKind.HOME,
            payload=json.dumps(body),
            now=rt.now(),
        )
        session.commit()
    return kept


def process_opened(rt: Context, request: inbox.StoredRequest) -> None:
    """The worker's half of a Home opened: queue its publish, once per stored event."""
    with Session(rt.engine) as session:
        if inbox.claim(session=session, event_id=request.key, now=rt.now()):
            queue_refresh(rt, session, str(request.body["event"]["user"]))
        session.commit()


def current(rt: Context, user_id: str) -> tuple[Home, Mapping[str, str]]:
    """`user_id`'s Home as it stands, and the names of the people it mentions; calls Slack, so
    no transaction may be open."""
    reader = visibility.reader(rt, user_id)
    with Session(rt.engine) as session:
        items = _my_items(rt, session, user_id)
        items_total = items_store.count_open(session=session, owner_id=user_id)
        mine = coe_summaries.coe_channels(session=session, facilitator_id=user_id)
        held = coe_summaries.coe_channels(session=session)
    facilitated_in = visibility.visible_channels(rt, reader, mine)
    recent_in = visibility.visible_channels(rt, reader, reader.channels.intersection(held))
    with Session(rt.engine) as session:
        facilitated, facilitated_total = coe_summaries.summaries(
            session=session, channel_ids=facilitated_in, facilitator_id=user_id, limit=COES_SHOWN
        )
        recent, recent_total = coe_summaries.summaries(
            session=session, channel_ids=recent_in, limit=COES_SHOWN
        )
    home = Home(
        items=items,
        items_total=items_total,
        facilitated=open_first(facilitated),
        facilitated_total=facilitated_total,
        recent=open_first(recent),
        recent_total=recent_total,
    )
    with Session(rt.engine) as session:
        names = users.names_in(session, *(item.description for item in items))
    return home, names


def _my_items(rt: Context, session: Session, user_id: str) -> list[ListedItem]:
    """The person's open items, overdue first; theirs wherever they are, as in `/coe actions`."""
    rows = items_store.open_items(session=session, owner_id=user_id)
    today = users.today_of(rt, session, user_id)
    listed = [items_store.listed(item, today) for item, _ in rows]
    return list_order(listed)[:ITEMS_SHOWN]
