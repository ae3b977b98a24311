"""How a human reply in a COE thread is read: an answer, a keyword, or conversation.

Pure: no Slack, no database, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core import chatter
from bot.core.chatter import ASIDE_PREFIX

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
EXPORT_PHRASES = frozenset({"export", "export the coe", "export coe"})

_ACTION = re.compile(r"^\s*action\s*(?:#\s*(?P<number>\d+))?\s*:\s*(?P<rest>.*)$", re.I | re.S)
_WHY = re.compile(r"^\s*(?:#\s*(?P<number>\d+)\s+)?why\s*:\s*(?P<rest>.*)$", re.I | re.S)
_ANSWER = re.compile(r"^\s*answer\s*:\s*(?P<rest>.*)$", re.I | re.S)
# "due friday" sets the date of an action item recorded without one; "due to ..." is a cause.
_DUE = re.compile(r"^\s*due\s*:?\s+(?!to\b)(?P<rest>\S.{0,60})$", re.I | re.S)
_ALSO = re.compile(r"^\s*(?:#\s*(?P<number>\d+)\s+)?also\s*:\s*(?P<rest>.*)$", re.I | re.S)
_NOTE = re.compile(r"^\s*(?P<kind>impact|lesson|timeline)\s*:\s*(?P<rest>.*)$", re.I | re.S)
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-']+:")


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


@dataclass(frozen=True)
class AskWhy:
    """`why: <question>`: the wording of the open question; `#n why:` a question about
    answer #n, `#0 why:` about the problem itself."""

    question: str
    about: int | None = None


@dataclass(frozen=True)
class AlsoCause:
    """`also: <cause>` beside the latest answer, or `#2 also: <cause>` beside answer #2."""

    text: str
    beside: int | None


@dataclass(frozen=True)
class Note:
    """`impact: …`, `lesson: …` or `timeline: <time> <what happened>`, for the COE document."""

    kind: str
    text: str


@dataclass(frozen=True)
class DueDate:
    """`due <date>`: the date of the writer's latest action item recorded without one."""

    phrase: str


@dataclass(frozen=True)
class Export:
    pass


Reply = (
    Answer | Aside | EndChain | Undo | ActionRequest | AskWhy | AlsoCause | Note | Export | DueDate
)


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
    """Classify a human reply in a COE thread; None when there is nothing in it to record.

    Chatter (thanks, +1, a question, a request to someone) is None: not an answer.
    """
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.startswith(ASIDE_PREFIX):
        return Aside()
    keyword = _keyword(stripped)
    if keyword is not None:
        return keyword
    words = normalize(stripped)
    if words in END_PHRASES:
        return EndChain()
    if words in UNDO_PHRASES:
        return Undo()
    if words in EXPORT_PHRASES:
        return Export()
    if not words or chatter.is_chatter(stripped):
        return None
    return Answer(stripped)


def _keyword(text: str) -> Reply | None:
    if action := _ACTION.match(text):
        number = action.group("number")
        return ActionRequest(action.group("rest").strip(), int(number) if number else None)
    if (why := _WHY.match(text)) and why.group("rest").strip():
        number = why.group("number")
        question = why.group("rest").strip()
        return AskWhy(question[:1].upper() + question[1:], int(number) if number else None)
    if (answer := _ANSWER.match(text)) and answer.group("rest").strip():
        return Answer(answer.group("rest").strip())
    if due := _DUE.match(text):
        return DueDate(due.group("rest").strip())
    if (also := _ALSO.match(text)) and also.group("rest").strip():
        number = also.group("number")
        return AlsoCause(also.group("rest").strip(), int(number) if number else None)
    if (note := _NOTE.match(text)) and note.group("rest").strip():
        return Note(note.group("kind").lower(), note.group("rest").strip())
    return None
