"""Slack's message markup read back as text: mentions by name, links, and Slack's three entities.

Pure. `pieces` keeps links apart so a renderer can make them real links; `slack_to_plain` is the
same reading as one plain string, for a terminal or any place that shows text as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Slack escapes a literal `<` and `>` in message text as entities, so a bare `<` is always markup.
_TOKEN = re.compile(r"<([^<>\n]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]{1,31}:")
_BROADCASTS = frozenset({"here", "channel", "everyone"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class Piece:
    """A run of plain text, or a link (`url` set) whose text is `text`."""

    text: str
    url: str | None = None


def decode_entities(text: str) -> str:
    """`&amp; &lt; &gt;` as `& < >`, in one pass so `&amp;lt;` stays `&lt;`."""
    return _ENTITY.sub(lambda match: _ENTITIES[match.group(1)], text)


def pieces(text: str, names: Mapping[str, str]) -> list[Piece]:
    """`text` split into plain runs and links, every Slack token turned into what people read."""
    result: list[Piece] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            result.append(Piece(decode_entities(text[position : match.start()])))
        result.append(_read_token(match.group(1), match.group(0), names))
        position = match.end()
    if position < len(text):
        result.append(Piece(decode_entities(text[position:])))
    return _merged(result)


def slack_to_plain(text: str, names: Mapping[str, str]) -> str:
    """Slack markup as plain text: `<@U1>` → `@Dana`, `<https://x|docs>` → `docs (https://x)`."""
    return "".join(_plain(piece) for piece in pieces(text, names))


def _plain(piece: Piece) -> str:
    if piece.url is None:
        return piece.text
    return piece.text if piece.text == link_text(piece.url) else f"{piece.text} ({piece.url})"


def link_text(url: str) -> str:
    """What Slack shows for a bare link: `mailto:a@b.c` as `a@b.c`, web links as they are."""
    return url.removeprefix("mailto:")


def _read_token(body: str, whole: str, names: Mapping[str, str]) -> Piece:
    target, _, label = body.partition("|")
    label = decode_entities(label)
    if target.startswith("@"):
        user_id = target[1:]
        return Piece("@" + names.get(user_id, label.lstrip("@") or user_id))
    if target.startswith("#"):
        return Piece("#" + (label or target[1:]))
    if target.startswith("!"):
        return Piece(_special(target[1:], label))
    if _SCHEME.match(target):
        url = decode_entities(target)
        return Piece(label or link_text(url), url)
    # Not Slack markup (text that was never through Slack, such as `<script>`): keep it as typed.
    return Piece(decode_entities(whole))


def _special(command: str, label: str) -> str:
    """`<!here>`, `<!subteam^S1|@oncall>`, `<!date^…|fallback>` and friends."""
    if command in _BROADCASTS:
        return "@" + command
    if command.startswith("subteam^"):
        return "@" + (label.lstrip("@") or command.removeprefix("subteam^"))
    return label or command.split("^", 1)[0]


def _merged(result: list[Piece]) -> list[Piece]:
    """Neighbouring plain runs as one, so escaping sees a line start only at the real one."""
    merged: list[Piece] = []
    for piece in result:
        if merged and piece.url is None and merged[-1].url is None:
            merged[-1] = Piece(merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged
