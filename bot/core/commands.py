"""What the text after `/coe` asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

USAGE = (
    "*Usage*\n"
    "• `/coe start <what went wrong>` opens a 5-Whys review in this channel, "
    "e.g. `/coe start Checkout was down for 40 minutes`\n"
    "• `/coe actions` lists your open action items; `/coe actions @someone` theirs; "
    "`/coe actions all` everyone's, overdue first\n"
    "• `/coe list` lists this channel's COEs; `/coe list all` those of every channel you are in\n"
    "• `/coe help` shows this message"
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
class Invalid:
    reason: str


Command = Start | ListActions | ListCoes | Help | Invalid


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
