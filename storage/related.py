"""The causes of earlier COEs that a COE's thread may name: of its own channel, and of the
workspace's public channels when everyone reading the thread may read those too."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models import Coe, SlackChannel, WhyStep


def past_causes(
    *, session: Session, before_coe_id: int, channel_id: str, public_too: bool, limit: int = 500
) -> dict[int, list[str]]:
    """The recorded answers of the `limit` latest COEs started before this one, by COE: those
    of `channel_id` and, with `public_too`, of channels Slack said are public."""
    public = col(SlackChannel.private).is_(False) if public_too else False
    recent = (
        select(Coe.id)
        .outerjoin(SlackChannel, col(SlackChannel.channel_id) == col(Coe.channel_id))
        .where(col(Coe.id) < before_coe_id, or_(Coe.channel_id == channel_id, public))
        .order_by(col(Coe.id).desc())
        .limit(limit)
    )
    statement = (
        select(WhyStep.coe_id, WhyStep.answer)
        .where(col(WhyStep.coe_id).in_(recent), col(WhyStep.answer).is_not(None))
        .order_by(col(WhyStep.coe_id), col(WhyStep.number))
    )
    causes: dict[int, list[str]] = {}
    for coe_id, answer in session.exec(statement).all():
        causes.setdefault(coe_id, []).append(answer)
    return causes
