"""`coe-bot try`: the same facilitation in a terminal, for trying the bot without Slack.

Reads lines from standard input (a person typing, or a pipe), answers on standard output, and
keeps the COE in the database like one held in Slack, so `coe-bot list` and `export` see it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

from sqlmodel import Session

from bot.core import action_items as items
from bot.core import facilitation as core
from bot.core import replies
from bot.core.action_items import ActionItemError, Person
from bot.core.angles import ANGLE_QUESTIONS
from bot.core.facilitation import Chain, FacilitationError
from bot.core.mechanisms import WEAK_ACTION_ADVICE, is_weak_action
from bot.runtime.context import Runtime
from bot.use_cases import documents
from storage import action_items, coes

CHANNEL = "terminal"
HELP = (
    "Answer each why in a line of its own. Also: `// aside`, `why: <question>`, "
    "`also: <cause>`, `#2 also: <cause>`, `undo`, `action: <what> due <date>`, "
    "`impact: …`, `lesson: …`, and `done` when this branch has no more whys."
)


@dataclass
class Review:
    """Where one terminal review stands: its COE row id and a clock of message ts."""

    coe_id: int
    ticks: int = 0

    def ts(self) -> str:
        """A Slack-like ts for each line, in order, so the core reads them as Slack's."""
        self.ticks += 1
        return f"{self.coe_id}.{self.ticks:06d}"


def run(rt: Runtime, lines: TextIO, out: Callable[[str], None], user: str) -> int:
    """Facilitate one review from `lines`; prints the document at the end."""
    reader = _lines(lines, out)
    out("What went wrong? Describe the problem in one line.")
    problem = next(reader, "").strip()
    if not problem:
        out("No problem statement, so there is nothing to review.")
        return 1
    review = _open(rt, problem, user)
    out(f"COE-{review.coe_id}: {problem}\n{HELP}")
    chain = _save(rt, review, core.start(problem))
    _ask(out, chain)
    for line in reader:
        if not line.strip():
            continue
        chain = _apply(rt, review, chain, line.strip(), user, out)
        if chain.status is core.Status.CHAIN_DONE:
            break
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=review.coe_id)
        assert coe is not None
        # Run by whoever runs the bot, on its own database: every channel's COEs are theirs.
        out(documents.markdown(session, coe=coe, everywhere=True))
    return 0


def _lines(stream: TextIO, out: Callable[[str], None]) -> Iterator[str]:
    while True:
        if stream.isatty():
            out("> ")
        line = stream.readline()
        if not line:
            return
        yield line.rstrip("\n")


def _open(rt: Runtime, problem: str, user: str) -> Review:
    with Session(rt.engine) as session:
        coe = coes.create_coe(
            session=session,
            team_id="",
            channel_id=CHANNEL,
            problem=problem,
            facilitator_id=user,
            now=rt.now(),
        )
        coe_id = coe.id
        assert coe_id is not None
        # A thread of its own: the terminal review's id stands in for Slack's parent ts.
        coes.mark_started(session=session, coe=coe, parent_ts=f"terminal-{coe_id}")
        session.commit()
    return Review(coe_id)


def _load(rt: Runtime, coe_id: int) -> Chain:
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        assert coe is not None
        return coes.load_chain(session=session, coe=coe)


def _apply(
    rt: Runtime, review: Review, chain: Chain, line: str, user: str, out: Callable[[str], None]
) -> Chain:
    reply = replies.read_reply(line)
    ts = review.ts()
    try:
        new = core.apply(chain, reply, user, ts)
        match reply:
            case _ if new is not None:
                if isinstance(reply, replies.AlsoCause):
                    out(f"Recorded “{reply.text}” as another cause; I'll come back to it.")
            case replies.Note(kind, text):
                _note(rt, review, kind, text, user, ts)
                out(f"Kept as {kind}.")
                return chain
            case replies.ActionRequest() as request:
                _action(rt, review, chain, request, user, ts, out)
                return chain
            case replies.Answer() if chain.status is core.Status.OFFERING:
                return _pick_angle(rt, review, chain, line, out)
            case _:
                return chain
    except (FacilitationError, ActionItemError) as error:
        out(str(error))
        return chain
    assert new is not None
    new = _save(rt, review, new)
    if _asking(new) != _asking(chain) or new.status is not chain.status:
        _ask(out, new)
    return new


def _asking(chain: Chain) -> str | None:
    return core.why_question(chain.open_step) if chain.open_step else None


def _pick_angle(
    rt: Runtime, review: Review, chain: Chain, line: str, out: Callable[[str], None]
) -> Chain:
    angles = core.missing_angles(chain)
    if not line.isdigit() or not 1 <= int(line) <= len(angles):
        out(f"Type a number from 1 to {len(angles)}, or `done`.")
        return chain
    new = _save(rt, review, core.ask_angle(chain, angles[int(line) - 1]))
    _ask(out, new)
    return new


def _save(rt: Runtime, review: Review, chain: Chain) -> Chain:
    """Store the chain; its open why counts as asked now, so the next line answers it."""
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=review.coe_id, lock=True)
        assert coe is not None
        rows = coes.save_chain(session=session, coe=coe, chain=chain, now=rt.now())
        step = chain.open_step
        if step is not None and rows[step.number].prompt_ts is None:
            coes.set_prompt_ts(session=session, step_id=_row_id(rows, step.number), ts=review.ts())
        session.commit()
    return _load(rt, review.coe_id)


def _row_id(rows: dict[int, coes.StepRow], number: int) -> int:
    row_id = rows[number].id
    assert row_id is not None
    return row_id


def _ask(out: Callable[[str], None], chain: Chain) -> None:
    if chain.status is core.Status.OFFERING:
        angles = core.missing_angles(chain)
        out("Before we close the chain, nothing so far covers these angles:")
        for number, angle in enumerate(angles, start=1):
            out(f"  {number}. {ANGLE_QUESTIONS[angle]}")
        out("Type a number to explore one, or `done` to finish.")
        return
    step = chain.open_step
    if step is not None:
        out(core.why_question(step))


def _note(rt: Runtime, review: Review, kind: str, text: str, user: str, ts: str) -> None:
    with Session(rt.engine) as session:
        coes.add_note(
            session=session,
            coe_id=review.coe_id,
            kind=kind,
            text=text,
            author_id=user,
            source_ts=ts,
            now=rt.now(),
        )
        session.commit()


def _action(
    rt: Runtime,
    review: Review,
    chain: Chain,
    request: replies.ActionRequest,
    user: str,
    ts: str,
    out: Callable[[str], None],
) -> None:
    draft = items.parse_action(request.text)
    owner = Person(draft.owner_id or user, str(rt.settings.timezone))
    item = items.plan_item(draft, request.why_number, owner, chain, rt.now())
    with Session(rt.engine) as session:
        action_items.create_item(
            session=session,
            coe_id=review.coe_id,
            item=item,
            created_by=user,
            now=rt.now(),
            source_ts=ts,
        )
        session.commit()
    out(f"Action item: “{item.description}”, due {item.due.isoformat()}.")
    if is_weak_action(item.description):
        out(WEAK_ACTION_ADVICE)
