"""COEs as lists show them: status, the why being asked, open action items; one query a list."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.action_items import ItemStatus
from bot.core.coe_list import CoeSummary
from bot.core.facilitation import Status
from storage.canvases import LIVE
from storage.db import one_of
from storage.models import ActionItem, Coe, CoeCanvas, WhyStep


def coe_channels(*, session: Session, facilitator_id: str | None = None) -> list[str]:
    """The channels that hold a COE (one facilitated by `facilitator_id`, when given)."""
    statement = select(Coe.channel_id).distinct().where(*_listed(session, None, facilitator_id))
    return list(session.exec(statement).all())


def summaries(
    *,
    session: Session,
    channel_ids: Collection[str] | None,
    facilitator_id: str | None = None,
    limit: int | None = 100,
    starting: bool = False,
) -> tuple[list[CoeSummary], int]:
    """COEs held in `channel_ids` (None: every channel), open ones first, then the newest; and
    how many there are. With `starting`, also those whose parent message is not posted yet."""
    where = _listed(session, channel_ids, facilitator_id, starting)
    open_items = (
        select(func.count())
        .where(
            col(ActionItem.coe_id) == col(Coe.id), col(ActionItem.status) == ItemStatus.OPEN.value
        )
        .scalar_subquery()
    )
    asking = (
        select(func.min(WhyStep.number))
        .where(col(WhyStep.coe_id) == col(Coe.id), col(WhyStep.answer).is_(None))
        .scalar_subquery()
    )
    canvas = (
        select(CoeCanvas.link)
        .where(col(CoeCanvas.coe_id) == col(Coe.id), col(CoeCanvas.state) == LIVE)
        .scalar_subquery()
    )
    statement = (
        select(Coe, open_items, asking, canvas)
        .where(*where)
        .order_by(col(Coe.closed_at).is_not(None), col(Coe.id).desc())
        .limit(limit)
    )
    rows = [
        CoeSummary(
            coe_id=_id(coe),
            channel_id=coe.channel_id,
            problem=coe.problem,
            facilitator_id=coe.facilitator_id,
            status=coe.status,
            asking_why=why if coe.status == Status.ASKING.value else None,
            closed=coe.closed_at is not None,
            open_items=int(count or 0),
            parent_ts=coe.parent_ts,
            permalink=coe.permalink,
            canvas_link=link,
        )
        for coe, count, why, link in session.exec(statement).all()  # type: ignore[call-overload]
    ]
    total = session.exec(select(func.count()).select_from(Coe).where(*where)).one()
    return rows, int(total)


def _listed(
    session: Session,
    channel_ids: Collection[str] | None,
    facilitator_id: str | None,
    starting: bool = False,
) -> list[Any]:
    where: list[Any] = [] if starting else [col(Coe.status) != Status.STARTING.value]
    if channel_ids is not None:
        where.append(one_of(session, col(Coe.channel_id), sorted(channel_ids)))
    if facilitator_id is not None:
        where.append(col(Coe.facilitator_id) == facilitator_id)
    return where


def _id(coe: Coe) -> int:
    assert coe.id is not None
    return coe.id
