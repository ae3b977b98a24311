"""Action items and their change history."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.action_items import CREATED, ItemState, ItemStatus, ListedItem, NewItem
from bot.core.dates import days_overdue
from storage.db import one_of
from storage.models import ActionItem, ActionItemChange, Coe


def create_item(
    *,
    session: Session,
    coe_id: int,
    item: NewItem,
    created_by: str,
    now: datetime,
    source_ts: str | None,
) -> ActionItem | None:
    """Record the item and its "created" change; None when `source_ts` already made one."""
    row = ActionItem(
        coe_id=coe_id,
        why_number=item.why.number,
        text=item.description,
        owner_id=item.owner_id,
        due=item.due,
        priority=item.priority.value,
        kind=item.kind.value if item.kind else None,
        created_by=created_by,
        created_at=now,
        source_ts=source_ts,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    detail = {
        "owner": item.owner_id,
        "due": item.due.isoformat() if item.due else None,
        "why": item.why.number,
        "priority": item.priority.value,
        "kind": item.kind.value if item.kind else None,
    }
    record_change(
        session=session,
        item_id=_id(row),
        actor_id=created_by,
        change=CREATED,
        now=now,
        detail=json.dumps(detail),
    )
    return row


def get_item(*, session: Session, item_id: int, lock: bool = False) -> ActionItem | None:
    """With `lock`, hold the item's row until commit, so two clicks change it one at a time."""
    return session.get(ActionItem, item_id, with_for_update=lock, populate_existing=lock)


def state_of(item: ActionItem) -> ItemState:
    return ItemState(ItemStatus(item.status), item.snoozed_until, item.drop_reason)


def save_state(
    *,
    session: Session,
    item: ActionItem,
    state: ItemState,
    change: str,
    actor_id: str,
    now: datetime,
    detail: str | None = None,
) -> None:
    """Store the item's new state and the change that led to it, with who and when."""
    if state.status.value != item.status and state.status is not ItemStatus.OPEN:
        item.closed_at = now
    item.status = state.status.value
    item.snoozed_until = state.snoozed_until
    item.drop_reason = state.drop_reason
    session.add(item)
    record_change(
        session=session,
        item_id=_id(item),
        actor_id=actor_id,
        change=change,
        now=now,
        detail=detail,
    )


def record_change(
    *,
    session: Session,
    item_id: int,
    actor_id: str,
    change: str,
    now: datetime,
    detail: str | None = None,
) -> None:
    session.add(
        ActionItemChange(item_id=item_id, actor_id=actor_id, at=now, change=change, detail=detail)
    )
    session.flush()


def list_changes(*, session: Session, item_id: int) -> Sequence[ActionItemChange]:
    statement = (
        select(ActionItemChange)
        .where(ActionItemChange.item_id == item_id)
        .order_by(col(ActionItemChange.id))
    )
    return session.exec(statement).all()


def latest_undated(*, session: Session, coe_id: int, created_by: str) -> ActionItem | None:
    """The latest open item `created_by` added to the COE without a due date."""
    statement = (
        select(ActionItem)
        .where(
            ActionItem.coe_id == coe_id,
            ActionItem.created_by == created_by,
            ActionItem.status == "open",
            col(ActionItem.due).is_(None),
        )
        .order_by(col(ActionItem.id).desc())
        .with_for_update()
    )
    return session.exec(statement).first()


def set_due(*, session: Session, item: ActionItem, due: date, actor_id: str, now: datetime) -> None:
    """Give the item its due date, and keep who did it and when."""
    item.due = due
    session.add(item)
    record_change(
        session=session,
        item_id=_id(item),
        actor_id=actor_id,
        change="due",
        now=now,
        detail=due.isoformat(),
    )


def coe_changes(*, session: Session, coe_id: int) -> Sequence[ActionItemChange]:
    """Every change of the COE's action items, in the order they were made."""
    statement = (
        select(ActionItemChange)
        .join(ActionItem, col(ActionItem.id) == col(ActionItemChange.item_id))
        .where(ActionItem.coe_id == coe_id)
        .order_by(col(ActionItemChange.id))
    )
    return session.exec(statement).all()


def list_items(*, session: Session, coe_id: int) -> Sequence[ActionItem]:
    statement = select(ActionItem).where(ActionItem.coe_id == coe_id).order_by(col(ActionItem.id))
    return session.exec(statement).all()


def open_items(
    *,
    session: Session,
    owner_id: str | None = None,
    channel_ids: Collection[str] | None = None,
    or_owner: str | None = None,
    limit: int = 200,
) -> Sequence[tuple[ActionItem, Coe]]:
    """Open items (of everyone, or of one owner), earliest due first, with their COE.

    With `channel_ids`, only items of COEs held in those channels, or owned by `or_owner`.
    """
    statement = (
        select(ActionItem, Coe)
        .join(Coe, col(Coe.id) == col(ActionItem.coe_id))
        .where(*_open_filter(session, owner_id, channel_ids, or_owner))
        .order_by(col(ActionItem.due).asc().nulls_last(), col(ActionItem.id))
        .limit(limit)
    )
    return session.exec(statement).all()


def listed(item: ActionItem, today: date) -> ListedItem:
    """An open item as lists show it, `today` being its owner's calendar day."""
    assert item.id is not None
    return ListedItem(
        item_id=item.id,
        coe_id=item.coe_id,
        description=item.text,
        owner_id=item.owner_id,
        due=item.due,
        days_overdue=days_overdue(item.due, today),
        snoozed_until=item.snoozed_until,
    )


def count_open(
    *,
    session: Session,
    owner_id: str | None = None,
    channel_ids: Collection[str] | None = None,
    or_owner: str | None = None,
) -> int:
    statement = (
        select(func.count())
        .select_from(ActionItem)
        .join(Coe, col(Coe.id) == col(ActionItem.coe_id))
        .where(*_open_filter(session, owner_id, channel_ids, or_owner))
    )
    return int(session.exec(statement).one())


def open_item_channels(*, session: Session, owner_id: str | None = None) -> list[str]:
    """The channels of the COEs that have open items (of one owner, or of everyone)."""
    statement = (
        select(Coe.channel_id)
        .distinct()
        .join(ActionItem, col(ActionItem.coe_id) == col(Coe.id))
        .where(*_open_filter(session, owner_id, None, None))
    )
    return list(session.exec(statement).all())


def _open_filter(
    session: Session,
    owner_id: str | None,
    channel_ids: Collection[str] | None,
    or_owner: str | None,
) -> list[Any]:
    conditions: list[Any] = [col(ActionItem.status) == ItemStatus.OPEN.value]
    if owner_id is not None:
        conditions.append(col(ActionItem.owner_id) == owner_id)
    if channel_ids is not None:
        in_channels = one_of(session, col(Coe.channel_id), sorted(channel_ids))
        conditions.append(
            in_channels if or_owner is None else or_(in_channels, ActionItem.owner_id == or_owner)
        )
    return conditions


def _id(item: ActionItem) -> int:
    assert item.id is not None, "action item must be flushed before use"
    return item.id


def exists_from(*, session: Session, coe_id: int, source_ts: str) -> bool:
    """Whether the message at `source_ts` already made an item in this COE."""
    statement = select(ActionItem.id).where(
        ActionItem.coe_id == coe_id, ActionItem.source_ts == source_ts
    )
    return session.exec(statement).first() is not None
