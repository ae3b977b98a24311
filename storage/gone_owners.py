"""Open items whose owner Slack says is deactivated, and the once-only record of telling their
COE's facilitator about them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.core.action_items import ItemStatus
from storage.db import insert_rows
from storage.models import ActionItem, Coe, GoneOwnerNotice, SlackUser


@dataclass(frozen=True)
class GoneOwnersItem:
    item_id: int
    coe_id: int
    owner_id: str
    text: str
    due: date
    facilitator_id: str
    # The facilitator is deactivated too: the COE's thread is told instead.
    facilitator_gone: bool
    problem: str
    channel_id: str
    thread_ts: str | None


def untold(*, session: Session) -> list[GoneOwnersItem]:
    """Open items of deactivated owners that no facilitator was told about yet, by COE."""
    owner = aliased(SlackUser)
    facilitator = aliased(SlackUser)
    statement = (
        select(
            ActionItem.id,
            ActionItem.coe_id,
            ActionItem.owner_id,
            ActionItem.text,
            ActionItem.due,
            Coe.facilitator_id,
            col(facilitator.deleted).is_(True),
            Coe.problem,
            Coe.channel_id,
            Coe.parent_ts,
        )
        .join(Coe, col(Coe.id) == col(ActionItem.coe_id))
        .join(owner, col(owner.user_id) == col(ActionItem.owner_id))
        .outerjoin(facilitator, col(facilitator.user_id) == col(Coe.facilitator_id))
        .outerjoin(GoneOwnerNotice, col(GoneOwnerNotice.item_id) == col(ActionItem.id))
        .where(
            ActionItem.status == ItemStatus.OPEN.value,
            col(owner.deleted).is_(True),
            col(GoneOwnerNotice.item_id).is_(None),
        )
        .order_by(col(ActionItem.coe_id), col(ActionItem.owner_id), col(ActionItem.id))
    )
    return [
        GoneOwnersItem(*row[:6], bool(row[6]), *row[7:])
        for row in session.exec(statement).all()  # type: ignore[call-overload]
    ]


def record_told(*, session: Session, item_ids: Sequence[int], now: datetime) -> set[int]:
    """Record that these items' facilitator is being told; the ids this call recorded (another
    run may have recorded some first, and tells about those)."""
    if not item_ids:
        return set()
    table = GoneOwnerNotice.__table__  # type: ignore[attr-defined]
    rows = [{"item_id": item_id} for item_id in item_ids]
    insert, values = insert_rows(session, table, rows, same={"told_at": now})
    statement = insert.on_conflict_do_nothing(index_elements=["item_id"]).returning(table.c.item_id)
    return {item_id for (item_id,) in session.execute(statement, values)}
