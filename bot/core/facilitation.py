"""The 5-Whys review: a tree of causes, its transitions and how a thread reply is read.

Pure: no Slack, no database, no clock. The shell loads a `Chain`, applies one transition
and stores the result.

Each `Step` is one question and, once someone replies, its answer: a cause. A step asks about
its parent's answer (no parent: about the problem). The bot follows one branch at a time, down
to where the team runs out of ideas, then goes back to the next cause nobody has asked about.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bot.core import angles, blame
from bot.core.replies import AlsoCause, Answer, AskWhy, EndChain, Reply, Undo


class Status(StrEnum):
    STARTING = "starting"  # until the parent message exists in Slack
    ASKING = "asking"
    # The team ran out of ideas, and the bot offers the angles the tree does not cover yet.
    OFFERING = "offering"
    CHAIN_DONE = "chain_done"


@dataclass(frozen=True)
class Step:
    """One "why?" and, once someone replies, its answer."""

    number: int
    subject: str
    answer: str | None = None
    author: str | None = None
    answer_ts: str | None = None
    parent: int | None = None
    # The question as asked, when it is not the one made from the subject (`question_text`):
    # the team's own (`why:`), an offered angle's, or the mechanism question after a blame answer.
    question: str | None = None
    human_error: bool = False
    branch_done: bool = False
    # When the bot's question was posted (Slack ts); a reply written before it answered the
    # question before, so it is a second cause beside the first, not an answer to this one.
    prompt_ts: str | None = None
    # When the bot decided to ask it (as a Slack ts), for while its post is still on the way.
    asked_ts: str | None = None


@dataclass(frozen=True)
class Chain:
    problem: str
    status: Status
    steps: tuple[Step, ...]
    # The highest why number asked so far, including whys since dropped (a branch ended while
    # its why was open): "Why #7" names one question only, in the thread and in `action #7:`.
    asked: int = 0

    @property
    def highest(self) -> int:
        return max(self.asked, max((step.number for step in self.steps), default=0))

    @property
    def open_step(self) -> Step | None:
        if self.status is not Status.ASKING:
            return None
        return next((step for step in self.steps if step.answer is None), None)

    @property
    def answered(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.answer is not None)

    @property
    def latest_answer(self) -> Step | None:
        """The answer given last (by Slack ts), which `undo` and `also:` refer to."""
        answered = self.answered
        return max(answered, key=lambda step: _ts(step.answer_ts)) if answered else None

    def step(self, number: int) -> Step | None:
        return next((step for step in self.steps if step.number == number), None)

    def children(self, number: int | None) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.parent == number)


class FacilitationError(Exception):
    """A reply that cannot change the chain; the message says why, for the person who sent it."""


# Transitions -----------------------------------------------------------------------------------


def apply(chain: Chain, reply: Reply | None, author: str, ts: str) -> Chain | None:
    """The transition a reply asks for; None for a reply that does not change the chain.

    An answer once the team ran out of ideas is discussion, not an answer: None.
    """
    match reply:
        case Answer(text) if chain.open_step is not None:
            return record_answer(chain, text, author, ts)
        case AlsoCause(text, beside):
            return add_cause(chain, text, author, ts, beside)
        case AskWhy(question, about):
            return ask(chain, question, about)
        case EndChain():
            return end_branch(chain)
        case Undo():
            return take_back(chain)
    return None


def start(problem: str) -> Chain:
    """A new chain, asking why the problem happened."""
    return Chain(problem=problem, status=Status.ASKING, steps=(Step(1, problem),))


def record_answer(chain: Chain, text: str, author: str, answer_ts: str) -> Chain:
    """Record `text` as the answer to the open why and ask why about it next.

    A reply written before the open why was posted answered the question before it: it is a
    second cause beside that answer (see `is_second_cause`), recorded and explored later.
    """
    step = chain.open_step
    if step is None:
        raise FacilitationError(
            "This chain is already complete, so that reply was not recorded as an answer. "
            "Type `undo` to reopen it, or add an action item with `action: ...`."
        )
    if is_second_cause(chain, answer_ts):
        latest = chain.latest_answer
        assert latest is not None
        return add_cause(chain, text, author, answer_ts, beside=latest.number)
    answered = _answered(step, text, author, answer_ts)
    return _replace_step(chain, answered, next_question(chain, answered))


def is_second_cause(chain: Chain, answer_ts: str) -> bool:
    """Whether a reply was written before the open why was posted, while it asks about the
    latest answer: then it answered the question before.

    Until Slack has confirmed the post, the moment the bot decided to ask stands in for it; a
    reply written between that moment and the post still counts as an answer, as before.
    """
    step, latest = chain.open_step, chain.latest_answer
    if step is None or latest is None or step.parent != latest.number:
        return False
    if _ts(answer_ts) <= _ts(latest.answer_ts):
        return False
    asked = step.prompt_ts or step.asked_ts
    return asked is not None and _ts(answer_ts) < _ts(asked)


def add_cause(
    chain: Chain, text: str, author: str, answer_ts: str, beside: int | None = None
) -> Chain:
    """`also:`: another cause beside answer `beside` (default: the latest), to explore later."""
    target = chain.step(beside) if beside is not None else chain.latest_answer
    if target is None or target.answer is None:
        if beside is None:
            raise FacilitationError("There is no answer yet to add a cause beside.")
        raise FacilitationError(f"There is no answer #{beside} to add a cause beside.")
    cause = Step(
        _next_number(chain),
        target.subject,
        answer=text,
        author=author,
        answer_ts=answer_ts,
        parent=target.parent,
        question=target.question,
        human_error=blame.blames_a_person(text),
    )
    added = replace(chain, steps=(*chain.steps, cause))
    if chain.status is Status.ASKING:
        return added
    # After the team ran out of ideas, a new cause reopens the review to ask about it.
    return replace(added, status=Status.ASKING, steps=(*added.steps, next_question(added, cause)))


def ask(chain: Chain, question: str, about: int | None = None) -> Chain:
    """`why: <question>`: the open why takes this wording; with none open, a new branch about
    the problem. `#n why:` asks it about answer #n instead, and `#0 why:` about the problem
    itself; a why left open by that is dropped (its answer is asked about again later)."""
    if chain.status is Status.STARTING:
        raise FacilitationError("This COE has not started yet.")
    step = chain.open_step
    if about is None and step is not None:
        return _replace_step(chain, replace(step, question=question, prompt_ts=None))
    parent = None if about in (None, 0) else chain.step(about)
    if about not in (None, 0) and (parent is None or parent.answer is None):
        known = ", ".join(f"#{s.number}" for s in chain.answered) or "none yet"
        raise FacilitationError(
            f"There is no answer #{about} to ask about (answers so far: {known}). "
            "`#0 why: <question>` asks about the problem itself."
        )
    steps = tuple(s for s in chain.steps if s is not step)
    chain = replace(chain, asked=chain.highest)
    new = Step(
        _next_number(chain),
        parent.answer or "" if parent else chain.problem,
        parent=parent.number if parent else None,
        question=question,
    )
    return replace(chain, status=Status.ASKING, steps=(*steps, new))


def end_branch(chain: Chain, *, offer_angles: bool = True) -> Chain:
    """The team ran out of ideas here: mark the root cause and go back to the next branch.

    With no branch left, the chain is done; first, if the tree misses an angle of the incident
    (detection, blast radius, process), the bot offers those as new branches (`OFFERING`).
    """
    if chain.status is Status.OFFERING:
        return done(chain)
    if chain.status is not Status.ASKING:
        raise FacilitationError("This chain is already complete.")
    if not chain.answered:
        raise FacilitationError(
            "No answer has been recorded yet, so there is no chain to close. Answer Why #1 first."
        )
    step = chain.open_step
    steps = tuple(s for s in chain.steps if s is not step)
    if step is not None and step.parent is not None:
        steps = tuple(replace(s, branch_done=True) if s.number == step.parent else s for s in steps)
    closed = replace(chain, steps=steps, asked=chain.highest)
    unexplored = next_unexplored(closed)
    if unexplored is not None:
        # Numbered after the why just dropped: "Why #7" names one question only.
        return replace(closed, steps=(*steps, next_question(closed, unexplored)))
    if offer_angles and not angles_offered(closed) and missing_angles(closed):
        return replace(closed, status=Status.OFFERING)
    return done(closed)


def angles_offered(chain: Chain) -> bool:
    """Whether the team already took up an offered angle: then `done` ends the review."""
    offered = set(angles.ANGLE_QUESTIONS.values())
    return any(step.question in offered for step in chain.steps)


def ask_angle(chain: Chain, angle: angles.Angle) -> Chain:
    """A missing angle the team picked: its question as a new branch about the problem."""
    if chain.status is not Status.OFFERING:
        raise FacilitationError("The review is not offering other angles right now.")
    return ask(replace(chain, status=Status.ASKING), angles.ANGLE_QUESTIONS[angle], about=0)


def missing_angles(chain: Chain) -> list[angles.Angle]:
    """The angles of the incident that none of the team's answers covers yet.

    Judged on the answers alone: the bot's own questions (the mechanism question after a blame
    answer speaks of impact and of catching it sooner) say nothing about what the team found.
    """
    texts = [step.answer or "" for step in chain.answered]
    return [angle for angle in angles.missing_angles(texts) if angle is not angles.Angle.TRIGGER]


def next_unexplored(chain: Chain) -> Step | None:
    """The first answer nobody has asked about yet and whose branch is not finished."""
    asked_about = {step.parent for step in chain.steps}
    for step in chain.answered:
        if step.number not in asked_about and not step.branch_done:
            return step
    return None


def done(chain: Chain) -> Chain:
    """The chain complete: its answers, and no open why."""
    return replace(chain, status=Status.CHAIN_DONE, steps=chain.answered, asked=chain.highest)


def end_chain(chain: Chain) -> Chain:
    """Close the whole chain at once: the "out of ideas" of the summary's button."""
    if chain.status is Status.CHAIN_DONE:
        raise FacilitationError("This chain is already complete.")
    if not chain.answered:
        raise FacilitationError(
            "No answer has been recorded yet, so there is no chain to close. Answer Why #1 first."
        )
    return done(chain)


def take_back(chain: Chain, answer_ts: str | None = None) -> Chain:
    """Undo the latest change: reopen a finished chain, or withdraw the latest answer.

    With `answer_ts` (a deleted message), only that answer is withdrawn, and only when it is the
    latest one: dropping an earlier answer would silently orphan the whys asked about it.
    """
    latest = chain.latest_answer
    if chain.status in (Status.CHAIN_DONE, Status.OFFERING) and answer_ts is None:
        if latest is None:
            raise FacilitationError("There is no answer to take back yet.")
        reopened = replace(latest, branch_done=False)
        steps = tuple(reopened if s.number == latest.number else s for s in chain.steps)
        asking = replace(chain, status=Status.ASKING, steps=steps)
        return replace(asking, steps=(*steps, next_question(asking, reopened)))
    if latest is None:
        raise FacilitationError("There is no answer to take back yet.")
    if answer_ts is not None and latest.answer_ts != answer_ts:
        if any(step.answer_ts == answer_ts for step in chain.answered):
            raise FacilitationError(
                "That message was an earlier answer in the chain; later whys build on it, "
                "so it stays recorded. Only the latest answer can be taken back."
            )
        raise FacilitationError("That message is not an answer in this chain.")
    # The why asked about the latest answer goes; if another why is still open, the answer
    # was a second cause beside it and goes too, else its own why is asked again.
    steps = tuple(s for s in chain.steps if not (s.parent == latest.number and s.answer is None))
    still_open = any(s.answer is None for s in steps)
    if still_open:
        steps = tuple(s for s in steps if s.number != latest.number)
    else:
        cleared = replace(latest, answer=None, author=None, answer_ts=None, human_error=False)
        steps = tuple(cleared if s.number == latest.number else s for s in steps)
    return replace(chain, status=Status.ASKING, steps=steps, asked=chain.highest)


def next_question(chain: Chain, about: Step) -> Step:
    """The why to ask about answer `about`: for a human error, the mechanism behind it."""
    number = _next_number(chain, about)
    return Step(
        number,
        about.answer or "",
        parent=about.number,
        question=default_follow_up(replace(about, number=number)),
    )


def default_follow_up(step: Step) -> str | None:
    """The mechanism question asked as why #`step.number` after a blame answer, else None."""
    if not step.human_error:
        return None
    return blame.mechanism_question(step.answer or "", step.number)


def _answered(step: Step, text: str, author: str, answer_ts: str) -> Step:
    return replace(
        step,
        answer=text,
        author=author,
        answer_ts=answer_ts,
        human_error=blame.blames_a_person(text),
    )


def _replace_step(chain: Chain, step: Step, *added: Step) -> Chain:
    steps = tuple(step if s.number == step.number else s for s in chain.steps)
    return replace(chain, steps=(*steps, *added))


def _next_number(chain: Chain, *also: Step) -> int:
    return max(chain.highest, max((step.number for step in also), default=0)) + 1


def _ts(ts: str | None) -> Decimal:
    try:
        return Decimal(ts or "0")
    except InvalidOperation:
        return Decimal(0)


# Wording ---------------------------------------------------------------------------------------


def depth(chain: Chain, step: Step) -> int:
    """How far below the problem `step` hangs: 0 for a why about the problem."""
    level = 0
    parent = step.parent
    while parent is not None and (above := chain.step(parent)) is not None and level < 1000:
        level += 1
        parent = above.parent
    return level


def walk(chain: Chain) -> list[Step]:
    """The answered steps, parents before children, siblings in the order they were asked."""
    ordered: list[Step] = []

    def visit(parent: int | None) -> None:
        for step in sorted(chain.children(parent), key=lambda s: s.number):
            if step.answer is not None:
                ordered.append(step)
                visit(step.number)

    visit(None)
    return ordered


def root_causes(chain: Chain) -> tuple[Step, ...]:
    """The leaves of the tree: answers nobody found a further why for."""
    asked = {step.parent for step in chain.answered}
    return tuple(step for step in walk(chain) if step.number not in asked)
