"""Each COE's canvas: claimed once, live with Slack's id and link, or refused for good."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from storage.db import insert_for, one_of
from storage.models import CoeCanvas, OutboxMessage

CREATING, LIVE, REFUSED = "creating", "live", "refused"
_TABLE = CoeCanvas.__table__  # type: ignore[attr-defined]


def claim(*, session: Session, coe_id: int, now: datetime) -> bool:
    """Claim the creation of the COE's canvas: True for the one caller that gets it.

    Against a concurrent claim it waits for the other transaction and then gets nothing,
    instead of failing the transaction as a plain INSERT would.
    """
    statement = (
        insert_for(session, _TABLE)
        .values(coe_id=coe_id, state=CREATING, dirty=False, created_at=now)
        .on_conflict_do_nothing(index_elements=["coe_id"])
        .returning(_TABLE.c.coe_id)
    )
    return session.execute(statement).first() is not None


def claim_stale(*, session: Session, coe_id: int, now: datetime, before: datetime) -> bool:
    """Claim again a creation claimed before `before` that never made a canvas."""
    statement = (
        update(_TABLE)
        .where(
            _TABLE.c.coe_id == coe_id,
            _TABLE.c.state == CREATING,
            _TABLE.c.created_at < before,
        )
        .values(created_at=now)
        .returning(_TABLE.c.coe_id)
    )
    return session.execute(statement).first() is not None


def get(*, session: Session, coe_id: int) -> CoeCanvas | None:
    return session.get(CoeCanvas, coe_id)


def changed(*, session: Session, coe_id: int) -> str | None:
    """The COE changed: a canvas still being created is marked to be edited once it is live.
    The canvas's state (None: the COE has none, which is all one reply costs until it has)."""
    state = session.execute(_STATE, {"canvas_of": coe_id}).scalar()
    if state != CREATING:
        return None if state is None else str(state)
    marked = session.execute(_MARK_DIRTY, {"canvas_of": coe_id}).first()
    # Made live meanwhile: then the caller edits it.
    return CREATING if marked else str(session.execute(_STATE, {"canvas_of": coe_id}).scalar())


_STATE = select(_TABLE.c.state).where(_TABLE.c.coe_id == bindparam("canvas_of"))
_MARK_DIRTY = (
    update(_TABLE)
    .where(_TABLE.c.coe_id == bindparam("canvas_of"), _TABLE.c.state == CREATING)
    .values(dirty=True)
    .returning(_TABLE.c.coe_id)
)


def set_live(
    *, session: Session, coe_id: int, canvas_id: str, link: str | None, now: datetime
) -> bool:
    """Record the canvas Slack created; whether the COE changed meanwhile (edit it now)."""
    row = session.exec(
        select(CoeCanvas).where(CoeCanvas.coe_id == coe_id).with_for_update()
    ).first()
    if row is None:
        return False
    dirty = row.dirty
    row.state, row.canvas_id, row.link, row.dirty, row.edited_at = LIVE, canvas_id, link, False, now
    session.add(row)
    session.flush()
    return dirty


def refuse(*, session: Session, coe_id: int, reason: str) -> bool:
    """Record that Slack refused the canvas; True only the first time, so it is said once."""
    statement = (
        update(_TABLE)
        .where(_TABLE.c.coe_id == coe_id, _TABLE.c.state != REFUSED)
        .values(state=REFUSED, reason=reason, dirty=False)
        .returning(_TABLE.c.coe_id)
    )
    return session.execute(statement).first() is not None


def mark_edited(*, session: Session, coe_id: int, now: datetime) -> None:
    session.execute(update(_TABLE).where(_TABLE.c.coe_id == coe_id).values(edited_at=now))


def links(*, session: Session, coe_ids: Sequence[int]) -> dict[int, str]:
    """The link of each of these COEs' live canvases."""
    if not coe_ids:
        return {}
    statement = select(CoeCanvas.coe_id, CoeCanvas.link).where(
        one_of(session, col(CoeCanvas.coe_id), coe_ids),
        CoeCanvas.state == LIVE,
        col(CoeCanvas.link).is_not(None),
    )
    return {coe_id: str(link) for coe_id, link in session.exec(statement).all()}


def sent_message(*, session: Session, message_id: int) -> tuple[str, str] | None:
    """A queued message Slack posted: its payload as queued, and its ts; None if not posted."""
    statement = select(OutboxMessage.payload, OutboxMessage.result_ts).where(
        OutboxMessage.id == message_id, OutboxMessage.status == "sent"
    )
    found = session.exec(statement).first()
    if found is None or not found[1]:
        return None
    return str(found[0]), str(found[1])
