"""What the text after `/coe` asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

USAGE = (
    "*Commands*\n"
    "• `/coe start <what went wrong>` opens a 5-Whys review in this channel, "
    "e.g. `/coe start Checkout was down for 40 minutes`\n"
    "• `/coe actions` lists your open action items; `/coe actions @someone` theirs; "
    "`/coe actions all` everyone's, overdue first\n"
    "• `/coe export COE-12` uploads the COE as a document to its thread "
    "(`/coe export`: this channel's latest)\n"
    "• `/coe close COE-12`, `/coe reopen COE-12`: the facilitator stops or resumes taking "
    "answers (action items are followed up either way)\n"
    "• `/coe list` lists this channel's COEs; `/coe list all` those of every channel you are in\n"
    "• `/coe help` shows this message\n"
    "*In a COE's thread*\n"
    "• Reply to answer the open why; the bot asks why about your answer next\n"
    '• `// …` an aside, not an answer (so are thanks, +1s, questions and "brb")\n'
    "• `answer: …` records as an answer what the bot would take for conversation\n"
    "• A :x: reaction on a reply the bot took as an answer takes it back\n"
    "• `why: <question>` rewords the open why; `#3 why: <question>` asks about answer #3; "
    "`#0 why: <question>` about the problem itself, as a new branch\n"
    "• `also: <cause>` adds a second cause beside the latest answer; "
    "`#2 also: <cause>` beside answer #2\n"
    "• `undo` takes back the latest answer\n"
    '• `done` (or "we\'re out of ideas") ends this branch; the bot goes back to the next\n'
    "• `action: <what> @owner due <date>` records an action item (`action #3: …` for why #3; "
    "`@me` is you; without a date, pick one on the confirmation or reply `due <date>`)\n"
    "• `impact: …` and `lesson: …` go into the document, and so does "
    "`timeline: <time> <what happened>` (e.g. `timeline: 14:05 paged the on-call`)\n"
    "• `export` uploads the document to the thread"
)

_MENTION = re.compile(r"^<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>$")


@dataclass(frozen=True)
class Start:
    problem: str


@dataclass(frozen=True)
class ListActions:
    """`owner_id` None with `everyone` False means the caller's own items."""

    owner_id: str | None = None
    everyone: bool = False


@dataclass(frozen=True)
class ListCoes:
    """This channel's COEs, or with `everyone` those of every channel the caller is in."""

    everyone: bool = False


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Export:
    """`coe_id` None: the channel's latest COE."""

    coe_id: int | None = None


@dataclass(frozen=True)
class SetClosed:
    coe_id: int
    closed: bool


@dataclass(frozen=True)
class Invalid:
    reason: str


Command = Start | ListActions | ListCoes | Help | Export | SetClosed | Invalid


def parse_command(text: str) -> Command:
    """Read `/coe` arguments; anything unreadable becomes `Invalid` with the reason."""
    verb, _, rest = text.strip().partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if verb in ("", "help"):
        return Help()
    if verb == "start":
        if not rest:
            return Invalid(
                "`/coe start` needs the problem statement, e.g. `/coe start Checkout was down`."
            )
        return Start(rest)
    if verb in ("actions", "action", "items"):
        return _list_actions(rest)
    if verb == "export":
        if not rest:
            return Export()
        coe_id = read_coe_id(rest)
        return Export(coe_id) if coe_id else Invalid(_NOT_AN_ID.format(verb="export", rest=rest))
    if verb in ("close", "reopen"):
        coe_id = read_coe_id(rest)
        if coe_id is None:
            return Invalid(_NOT_AN_ID.format(verb=verb, rest=rest))
        return SetClosed(coe_id, closed=verb == "close")
    if verb == "list":
        if rest.lower() in ("", "all"):
            return ListCoes(everyone=bool(rest))
        return Invalid(f"`/coe list {rest}`: use `/coe list` for this channel, or `/coe list all`.")
    return Invalid(f"I don't know `/coe {verb}`.")


def _list_actions(rest: str) -> Command:
    if not rest:
        return ListActions()
    if rest.lower() == "all":
        return ListActions(everyone=True)
    mention = _MENTION.match(rest)
    if mention:
        return ListActions(owner_id=mention.group("id"))
    return Invalid(f"`/coe actions {rest}`: name someone with an @mention, or use `all`.")


_COE_ID = re.compile(r"^(?:coe[-\s]?)?#?(?P<id>\d{1,9})$", re.I)
_NOT_AN_ID = "`/coe {verb} {rest}`: name the COE by its id, e.g. `/coe {verb} COE-12`."


def read_coe_id(text: str) -> int | None:
    """`COE-12`, `coe 12`, `#12` or `12` as 12; None for anything else."""
    match = _COE_ID.match(text.strip())
    return int(match.group("id")) if match else None
