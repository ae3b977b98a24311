"""COEs and their why-steps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from bot.core.facilitation import Chain, Status, Step
from storage.models import Coe, WhyStep


def create_coe(
    *,
    session: Session,
    team_id: str,
    channel_id: str,
    problem: str,
    facilitator_id: str,
    now: datetime,
) -> Coe:
    coe = Coe(
        team_id=team_id,
        channel_id=channel_id,
        problem=problem,
        facilitator_id=facilitator_id,
        created_at=now,
    )
    session.add(coe)
    session.flush()
    return coe


def get_coe(*, session: Session, coe_id: int, lock: bool = False) -> Coe | None:
    """With `lock`, hold the COE's row until commit, so its transitions run one at a time."""
    return session.get(Coe, coe_id, with_for_update=lock)


def find_coe_by_thread(
    *, session: Session, channel_id: str, thread_ts: str, lock: bool = False
) -> Coe | None:
    statement = select(Coe).where(Coe.channel_id == channel_id, Coe.parent_ts == thread_ts)
    return session.exec(statement.with_for_update() if lock else statement).first()


def list_coes(*, session: Session) -> Sequence[Coe]:
    return session.exec(select(Coe).order_by(col(Coe.id))).all()


def delete_coe(*, session: Session, coe_id: int) -> None:
    session.exec(delete(WhyStep).where(col(WhyStep.coe_id) == coe_id))  # type: ignore[call-overload]
    session.exec(delete(Coe).where(col(Coe.id) == coe_id))  # type: ignore[call-overload]


def load_steps(*, session: Session, coe_id: int) -> list[WhyStep]:
    statement = select(WhyStep).where(WhyStep.coe_id == coe_id).order_by(col(WhyStep.number))
    return list(session.exec(statement).all())


def load_chain(*, session: Session, coe: Coe) -> Chain:
    rows = load_steps(session=session, coe_id=_id(coe))
    # Kept for `save_chain`, which would otherwise read them again; by version, so that rows
    # read before another transition committed are never taken for the current ones.
    session.info[_STEPS, _id(coe), coe.version] = rows
    steps = tuple(
        Step(row.number, row.subject, row.answer, row.answer_author, row.answer_ts) for row in rows
    )
    return Chain(problem=coe.problem, status=Status(coe.status), steps=steps)


def save_chain(*, session: Session, coe: Coe, chain: Chain, now: datetime) -> dict[int, WhyStep]:
    """Store `chain` as the COE's state, if nobody else changed it since `coe` was read.

    Returns the step rows by number. Raises `ConcurrentChange` when another transition won.
    """
    loaded = session.info.pop((_STEPS, _id(coe), coe.version), None)
    bumped = session.exec(  # type: ignore[call-overload]
        update(Coe)
        .where(col(Coe.id) == coe.id, col(Coe.version) == coe.version)
        .values(
            version=coe.version + 1,
            status=chain.status.value,
            ended_at=now if chain.status is Status.CHAIN_DONE else None,
        )
    )
    if bumped.rowcount != 1:
        raise ConcurrentChange(_id(coe))
    if loaded is None:
        loaded = load_steps(session=session, coe_id=_id(coe))
    rows = {row.number: row for row in loaded}
    numbers = {step.number for step in chain.steps}
    for number in [number for number in rows if number not in numbers]:
        session.delete(rows.pop(number))
    for step in chain.steps:
        row = rows.get(step.number)
        if row is None:
            rows[step.number] = _new_step(session, coe, step, rows.get(step.number - 1), now)
        elif (row.subject, row.answer, row.answer_author, row.answer_ts) != (
            step.subject,
            step.answer,
            step.author,
            step.answer_ts,
        ):
            if row.answer_ts != step.answer_ts:
                row.answered_at = now if step.answer is not None else None
            row.subject, row.answer = step.subject, step.answer
            row.answer_author, row.answer_ts = step.author, step.answer_ts
            session.add(row)
    session.flush()
    return rows


def _new_step(
    session: Session, coe: Coe, step: Step, parent: WhyStep | None, now: datetime
) -> WhyStep:
    if parent is not None and parent.id is None:
        session.flush()
    row = WhyStep(
        coe_id=_id(coe),
        number=step.number,
        parent_id=parent.id if parent else None,
        subject=step.subject,
        answer=step.answer,
        answer_author=step.author,
        answer_ts=step.answer_ts,
        answered_at=now if step.answer is not None else None,
        asked_at=now,
    )
    session.add(row)
    return row


def set_prompt_ts(*, session: Session, step_id: int, ts: str) -> None:
    session.exec(  # type: ignore[call-overload]
        update(WhyStep).where(col(WhyStep.id) == step_id).values(prompt_ts=ts)
    )


def mark_started(*, session: Session, coe: Coe, parent_ts: str) -> None:
    coe.parent_ts = parent_ts
    coe.status = Status.ASKING.value
    session.add(coe)
    session.flush()


_STEPS = "why_steps"


class ConcurrentChange(Exception):
    """Another transition of the same COE committed first; reload and try again."""


def _id(coe: Coe) -> int:
    assert coe.id is not None, "COE must be flushed before use"
    return coe.id
