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


def get_coe(*, session: Session, coe_id: int) -> Coe | None:
    return session.get(Coe, coe_id)


def find_coe_by_thread(*, session: Session, channel_id: str, thread_ts: str) -> Coe | None:
    statement = select(Coe).where(Coe.channel_id == channel_id, Coe.parent_ts == thread_ts)
    return session.exec(statement).first()


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
    steps = tuple(
        Step(row.number, row.subject, row.answer, row.answer_author, row.answer_ts) for row in rows
    )
    return Chain(problem=coe.problem, status=Status(coe.status), steps=steps)


def save_chain(*, session: Session, coe: Coe, chain: Chain, now: datetime) -> dict[int, WhyStep]:
    """Store `chain` as the COE's state, if nobody else changed it since `coe` was read.

    Returns the step rows by number. Raises `ConcurrentChange` when another transition won.
    """
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
    rows = {row.number: row for row in load_steps(session=session, coe_id=_id(coe))}
    numbers = {step.number for step in chain.steps}
    for number, row in list(rows.items()):
        if number not in numbers:
            session.delete(row)
            del rows[number]
    session.flush()
    for step in chain.steps:
        row = rows.get(step.number)
        if row is None:
            parent = rows.get(step.number - 1)
            row = WhyStep(
                coe_id=_id(coe),
                number=step.number,
                parent_id=parent.id if parent else None,
                subject=step.subject,
                asked_at=now,
            )
            session.add(row)
            rows[step.number] = row
        elif row.subject != step.subject:
            row.subject = step.subject
        if row.answer_ts != step.answer_ts or row.answer != step.answer:
            row.answered_at = now if step.answer is not None else None
        row.answer, row.answer_author, row.answer_ts = step.answer, step.author, step.answer_ts
        session.add(row)
        session.flush()
    return rows


def set_prompt_ts(*, session: Session, step_id: int, ts: str) -> None:
    session.exec(  # type: ignore[call-overload]
        update(WhyStep).where(col(WhyStep.id) == step_id).values(prompt_ts=ts)
    )


def mark_started(*, session: Session, coe: Coe, parent_ts: str) -> None:
    coe.parent_ts = parent_ts
    coe.status = Status.ASKING.value
    session.add(coe)
    session.flush()


class ConcurrentChange(Exception):
    """Another transition of the same COE committed first; reload and try again."""


def _id(coe: Coe) -> int:
    assert coe.id is not None, "COE must be flushed before use"
    return coe.id
