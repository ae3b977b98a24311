"""COEs and their why-steps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from bot.core.facilitation import Chain, Status, Step
from storage.db import one_of
from storage.models import Coe, CoeNote, WhyStep


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
    statement = _BY_THREAD_LOCKED if lock else _BY_THREAD
    values = {"channel_id": channel_id, "thread_ts": thread_ts}
    return session.exec(statement, params=values).first()


# Built once: every thread reply looks its COE up.
_BY_THREAD = select(Coe).where(
    Coe.channel_id == bindparam("channel_id"), Coe.parent_ts == bindparam("thread_ts")
)
_BY_THREAD_LOCKED = _BY_THREAD.with_for_update()


def list_coes(*, session: Session) -> Sequence[Coe]:
    return session.exec(select(Coe).order_by(col(Coe.id))).all()


def delete_coe(*, session: Session, coe_id: int) -> None:
    session.exec(delete(WhyStep).where(col(WhyStep.coe_id) == coe_id))  # type: ignore[call-overload]
    session.exec(delete(Coe).where(col(Coe.id) == coe_id))  # type: ignore[call-overload]


_STEP_TABLE = WhyStep.__table__  # type: ignore[attr-defined]
# Read and written with Core statements, built once: the ORM's load, change tracking and flush
# of these rows cost more than the rest of a reply's transaction.
_LOAD_STEPS = (
    select(_STEP_TABLE)
    .where(_STEP_TABLE.c.coe_id == bindparam("coe_id"))
    .order_by(_STEP_TABLE.c.number)
)
_INSERT_STEP = insert(_STEP_TABLE).returning(_STEP_TABLE.c.id)
_UPDATE_STEP = _STEP_TABLE.update().where(_STEP_TABLE.c.id == bindparam("step_id"))
_DELETE_STEPS = delete(_STEP_TABLE).where(_STEP_TABLE.c.id.in_(bindparam("ids", expanding=True)))


_COE_TABLE = Coe.__table__  # type: ignore[attr-defined]
_BUMP = (
    update(_COE_TABLE)
    .where(_COE_TABLE.c.id == bindparam("coe_id"), _COE_TABLE.c.version == bindparam("seen"))
    .values(
        version=bindparam("version"),
        status=bindparam("status"),
        ended_at=bindparam("ended_at", type_=_COE_TABLE.c.ended_at.type),
        whys_asked=bindparam("whys_asked"),
    )
)


@dataclass(frozen=True)
class StepRow:
    """A why-step as stored: its id, and the prompt posted for it, if any."""

    id: int
    prompt_ts: str | None


def load_steps(*, session: Session, coe_id: int) -> list[Row[Any]]:
    return list(session.execute(_LOAD_STEPS, {"coe_id": coe_id}))


def load_chain(*, session: Session, coe: Coe) -> Chain:
    rows = load_steps(session=session, coe_id=_id(coe))
    # Kept for `save_chain`, which would otherwise read them again; by version, so that rows
    # read before another transition committed are never taken for the current ones.
    session.info[_STEPS, _id(coe), coe.version] = rows
    numbers = {row.id: row.number for row in rows}
    steps = tuple(
        Step(
            row.number,
            row.subject,
            answer=row.answer,
            author=row.answer_author,
            answer_ts=row.answer_ts,
            parent=numbers.get(row.parent_id) if row.parent_id is not None else None,
            question=row.question,
            human_error=row.human_error,
            branch_done=row.branch_done,
            prompt_ts=row.prompt_ts,
            asked_ts=f"{row.asked_at.timestamp():.6f}",
        )
        for row in rows
    )
    return Chain(problem=coe.problem, status=Status(coe.status), steps=steps, asked=coe.whys_asked)


def save_chain(*, session: Session, coe: Coe, chain: Chain, now: datetime) -> dict[int, StepRow]:
    """Store `chain` as the COE's state, if nobody else changed it since `coe` was read.

    Returns the step rows by number. Raises `ConcurrentChange` when another transition won.
    Writes only the steps that changed.
    """
    loaded = session.info.pop((_STEPS, _id(coe), coe.version), None)
    values = {
        "version": coe.version + 1,
        "status": chain.status.value,
        "ended_at": now if chain.status is Status.CHAIN_DONE else None,
        "whys_asked": max(coe.whys_asked, chain.highest),
    }
    # A Core UPDATE, then the loaded COE told the new values: the ORM's bulk UPDATE, which
    # does both, costs several times as much.
    bumped = session.execute(_BUMP, {"coe_id": coe.id, "seen": coe.version, **values})
    if bumped.rowcount != 1:
        raise ConcurrentChange(_id(coe))
    for name, value in values.items():
        set_committed_value(coe, name, value)
    if loaded is None:
        loaded = load_steps(session=session, coe_id=_id(coe))
    old = {row.number: row._mapping for row in loaded}
    numbers = {step.number for step in chain.steps}
    gone = [old.pop(number)["id"] for number in list(old) if number not in numbers]
    ids = {number: row["id"] for number, row in old.items()}
    saved: dict[int, StepRow] = {}
    # A step is asked after its parent, so by number parents come first and have their ids.
    for step in sorted(chain.steps, key=lambda step: step.number):
        parent_id = ids.get(step.parent) if step.parent is not None else None
        row = old.get(step.number)
        columns = _step_columns(row, step, parent_id, now)
        if row is None:
            columns.update(coe_id=_id(coe), prompt_ts=None)
            ids[step.number] = int(session.execute(_INSERT_STEP, columns).scalar_one())
            saved[step.number] = StepRow(ids[step.number], None)
            continue
        changed = {name: value for name, value in columns.items() if row[name] != value}
        if changed:
            session.execute(_UPDATE_STEP.values(**changed), {"step_id": row["id"]})
        saved[step.number] = StepRow(row["id"], changed.get("prompt_ts", row["prompt_ts"]))
    # Last: a step taken out of the tree may be the parent of one that has just moved.
    if gone:
        session.execute(_DELETE_STEPS, {"ids": gone})
    return saved


def _step_columns(
    row: Mapping[str, Any] | None, step: Step, parent_id: int | None, now: datetime
) -> dict[str, Any]:
    """The columns of `step`'s row (`row` as stored, None if new): when it was asked and
    answered change only when what it asks or its answer does."""
    columns: dict[str, Any] = {
        "number": step.number,
        "parent_id": parent_id,
        "subject": step.subject,
        "question": step.question,
        "answer": step.answer,
        "answer_author": step.author,
        "answer_ts": step.answer_ts,
        "human_error": step.human_error,
        "branch_done": step.branch_done,
    }
    if row is None:
        columns["asked_at"] = now
    elif step.answer is None and (parent_id, step.subject, step.question) != (
        row["parent_id"],
        row["subject"],
        row["question"],
    ):
        # Another question now: its prompt has not been posted yet.
        columns.update(prompt_ts=None, asked_at=now)
    if (row["answer_ts"] if row is not None else None) != step.answer_ts:
        columns["answered_at"] = now if step.answer is not None else None
    return columns


def set_prompt_ts(*, session: Session | Connection, step_id: int, ts: str) -> None:
    session.execute(_SET_PROMPT_TS, {"step_id": step_id, "ts": ts})


_SET_PROMPT_TS = _UPDATE_STEP.values(prompt_ts=bindparam("ts"))


def mark_started(*, session: Session, coe: Coe, parent_ts: str) -> None:
    coe.parent_ts = parent_ts
    coe.status = Status.ASKING.value
    session.add(coe)
    session.flush()


def set_permalink(*, session: Session, coe_id: int, permalink: str) -> None:
    """Keep Slack's link to the parent; the COE's version stays, as nothing of its chain changed."""
    statement = _COE_TABLE.update().where(_COE_TABLE.c.id == coe_id)
    session.execute(statement.values(permalink=permalink))


_STEPS = "why_steps"


class ConcurrentChange(Exception):
    """Another transition of the same COE committed first; reload and try again."""


def _id(coe: Coe) -> int:
    assert coe.id is not None, "COE must be flushed before use"
    return coe.id


def add_note(
    *,
    session: Session,
    coe_id: int,
    kind: str,
    text: str,
    author_id: str,
    source_ts: str,
    now: datetime,
) -> bool:
    """Keep an impact or lesson line; False when that message was already kept."""
    try:
        with session.begin_nested():
            session.add(
                CoeNote(
                    coe_id=coe_id,
                    kind=kind,
                    text=text,
                    author_id=author_id,
                    source_ts=source_ts,
                    created_at=now,
                )
            )
    except IntegrityError:
        return False
    return True


def notes(*, session: Session, coe_id: int) -> list[CoeNote]:
    statement = select(CoeNote).where(CoeNote.coe_id == coe_id).order_by(col(CoeNote.id))
    return list(session.exec(statement).all())


def answer_in(*, session: Session, channel_id: str, answer_ts: str) -> int | None:
    """The COE in `channel_id` that took the message at `answer_ts` as an answer, if any."""
    statement = (
        select(WhyStep.coe_id)
        .join(Coe, col(Coe.id) == col(WhyStep.coe_id))
        .where(Coe.channel_id == channel_id, WhyStep.answer_ts == answer_ts)
    )
    return session.exec(statement).first()


def answer_times(*, session: Session, coe_id: int) -> dict[int, datetime]:
    """When each answered why of the COE was answered, by its number."""
    statement = select(WhyStep.number, WhyStep.answered_at).where(
        WhyStep.coe_id == coe_id, col(WhyStep.answered_at).is_not(None)
    )
    return {number: at for number, at in session.exec(statement).all() if at is not None}


def past_causes(*, session: Session, before_coe_id: int, limit: int = 500) -> dict[int, list[str]]:
    """The recorded answers of the `limit` COEs started before this one, by COE."""
    recent = select(Coe.id).where(col(Coe.id) < before_coe_id).order_by(col(Coe.id).desc())
    statement = (
        select(WhyStep.coe_id, WhyStep.answer)
        .where(col(WhyStep.coe_id).in_(recent.limit(limit)), col(WhyStep.answer).is_not(None))
        .order_by(col(WhyStep.coe_id), col(WhyStep.number))
    )
    causes: dict[int, list[str]] = {}
    for coe_id, answer in session.exec(statement).all():
        causes.setdefault(coe_id, []).append(answer)
    return causes


def set_closed(*, session: Session, coe: Coe, user_id: str | None, now: datetime | None) -> None:
    """Close the COE (with `now`), or reopen it (None)."""
    coe.closed_at, coe.closed_by = now, user_id
    session.add(coe)
    session.flush()


def latest_in_channel(*, session: Session, channel_id: str) -> int | None:
    statement = (
        select(Coe.id)
        .where(Coe.channel_id == channel_id, col(Coe.parent_ts).is_not(None))
        .order_by(col(Coe.id).desc())
    )
    return session.exec(statement).first()


def threads(
    *, session: Session, coe_ids: Sequence[int]
) -> dict[int, tuple[str, str | None, str | None]]:
    """Each COE's channel, parent ts and permalink: what a link to its thread is made of."""
    statement = select(Coe.id, Coe.channel_id, Coe.parent_ts, Coe.permalink).where(
        one_of(session, col(Coe.id), sorted(set(coe_ids)))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in session.exec(statement).all()}
