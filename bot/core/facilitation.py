"""The 5-Whys chain: its states, its transitions and how a thread reply is read.

Pure: no Slack, no database, no clock. The shell loads a `Chain`, applies one transition
and stores the result.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum

ASIDE_PREFIX = "//"

# Compared after `normalize`: lower case, no punctuation, apostrophes or emoji.
END_PHRASES = frozenset(
    {
        "done",
        "were done",
        "im done",
        "out of ideas",
        "were out of ideas",
        "we are out of ideas",
        "im out of ideas",
        "i am out of ideas",
        "no more ideas",
        "no more whys",
        "thats the root cause",
        "that is the root cause",
        "this is the root cause",
        "root cause found",
    }
)
UNDO_PHRASES = frozenset({"undo", "take back", "undo that"})

_ACTION = re.compile(r"^\s*action\s*(?:#\s*(?P<number>\d+))?\s*:\s*(?P<rest>.*)$", re.I | re.S)
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-']+:")
_BROADCAST = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")


class Status(StrEnum):
    ASKING = "asking"
    CHAIN_DONE = "chain_done"


@dataclass(frozen=True)
class Step:
    """One "why?" and, once someone replies, its answer."""

    number: int
    subject: str
    answer: str | None = None
    author: str | None = None
    answer_ts: str | None = None


@dataclass(frozen=True)
class Chain:
    problem: str
    status: Status
    steps: tuple[Step, ...]

    @property
    def open_step(self) -> Step | None:
        if self.status is Status.ASKING and self.steps and self.steps[-1].answer is None:
            return self.steps[-1]
        return None

    @property
    def answered(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.answer is not None)


class FacilitationError(Exception):
    """A reply that cannot change the chain; the message says why, for the person who sent it."""


# Replies ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    text: str


@dataclass(frozen=True)
class Aside:
    pass


@dataclass(frozen=True)
class EndChain:
    pass


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class ActionRequest:
    """An `action:` line; `why_number` is None when it addresses the latest why."""

    text: str
    why_number: int | None


Reply = Answer | Aside | EndChain | Undo | ActionRequest


def normalize(text: str) -> str:
    """Lower-case `text` and drop emoji, punctuation and apostrophes, for keyword matching."""
    text = _EMOJI_CODE.sub(" ", text.lower())
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category.startswith(("L", "N")):
            kept.append(char)
        elif char.isspace() or (category.startswith(("Z", "P", "S")) and char not in "'’`"):
            kept.append(" ")
    return " ".join("".join(kept).split())


def read_reply(text: str) -> Reply | None:
    """Classify a human reply in a COE thread; None when there is nothing in it to record."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.startswith(ASIDE_PREFIX):
        return Aside()
    action = _ACTION.match(stripped)
    if action:
        number = action.group("number")
        return ActionRequest(action.group("rest").strip(), int(number) if number else None)
    words = normalize(stripped)
    if words in END_PHRASES:
        return EndChain()
    if words in UNDO_PHRASES:
        return Undo()
    if not words:
        return None
    return Answer(stripped)


# Transitions -----------------------------------------------------------------------------------


def start(problem: str) -> Chain:
    """A new chain, asking why the problem happened."""
    return Chain(problem=problem, status=Status.ASKING, steps=(Step(1, problem),))


def record_answer(chain: Chain, text: str, author: str, answer_ts: str) -> Chain:
    """Record `text` as the answer to the open why and ask why about it next."""
    step = chain.open_step
    if step is None:
        raise FacilitationError(
            "This chain is already complete, so that reply was not recorded as an answer. "
            "Type `undo` to reopen it, or add an action item with `action: ...`."
        )
    answered = replace(step, answer=text, author=author, answer_ts=answer_ts)
    return replace(chain, steps=(*chain.steps[:-1], answered, Step(step.number + 1, text)))


def end_chain(chain: Chain) -> Chain:
    """Close the chain: the participants have run out of ideas."""
    if chain.status is not Status.ASKING:
        raise FacilitationError("This chain is already complete.")
    if not chain.answered:
        raise FacilitationError(
            "No answer has been recorded yet, so there is no chain to close. Answer Why #1 first."
        )
    return replace(chain, status=Status.CHAIN_DONE, steps=chain.answered)


def take_back(chain: Chain, answer_ts: str | None = None) -> Chain:
    """Undo the latest change: reopen a closed chain, or withdraw the latest answer.

    With `answer_ts` (a deleted message), only that answer is withdrawn, and only when it is the
    latest one: dropping an earlier answer would silently orphan the whys asked about it.
    """
    if chain.status is Status.CHAIN_DONE and answer_ts is None:
        last = chain.steps[-1]
        return replace(
            chain,
            status=Status.ASKING,
            steps=(*chain.steps, Step(last.number + 1, last.answer or "")),
        )
    answered = chain.answered
    if not answered:
        raise FacilitationError("There is no answer to take back yet.")
    latest = answered[-1]
    if answer_ts is not None and latest.answer_ts != answer_ts:
        if any(step.answer_ts == answer_ts for step in answered):
            raise FacilitationError(
                "That message was an earlier answer in the chain; later whys build on it, "
                "so it stays recorded. Only the latest answer can be taken back."
            )
        raise FacilitationError("That message is not an answer in this chain.")
    reopened = replace(latest, answer=None, author=None, answer_ts=None)
    return replace(chain, status=Status.ASKING, steps=(*answered[:-1], reopened))


def revise_answer(chain: Chain, answer_ts: str, text: str) -> Chain:
    """Apply an edit of an answer's message; the why asked about it quotes the new text."""
    steps = list(chain.steps)
    for index, step in enumerate(steps):
        if step.answer_ts == answer_ts:
            steps[index] = replace(step, answer=text)
            if index + 1 < len(steps):
                steps[index + 1] = replace(steps[index + 1], subject=text)
            return replace(chain, steps=tuple(steps))
    raise FacilitationError("That message is not an answer in this chain.")


def quote(text: str) -> str:
    """`text` as the bot repeats it: @here, @channel and @everyone no longer notify anyone."""
    return _BROADCAST.sub(lambda match: "@" + match.group(1), text)


def why_question(step: Step) -> str:
    """The question for `step`, quoting what it asks about."""
    return f'Why #{step.number}: why did "{quote(step.subject)}" happen?'
