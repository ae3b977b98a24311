"""User text made safe for the COE document: escaped Markdown, and Mermaid node labels.

Pure. Whatever people typed in Slack ends up as literal text: it can start no heading, list,
emphasis, code span, link, HTML tag or table cell, and closes no Mermaid label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.core.slack_markup import LINK_SCHEMES, Piece, pieces

# Everything that means something inline in CommonMark or GFM tables; `#` too, since it also
# starts a heading and is escaped everywhere more simply than only at a line start.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
# Only at the start of a line: a list item (`-`, `+`, `1.`, `1)`) or a setext underline (`=`).
_BLOCK_START = re.compile(r"^(\d*)([-+=.)])")
_WHITESPACE = re.compile(r"\s+")
# Characters that could end a URL or a table cell in Markdown, percent-encoded in links.
_URL_UNSAFE = re.compile(r"[\s<>|`\"\\]")
# In a Mermaid label, besides letters, digits and spaces, only these stay as typed; anything
# else becomes an entity code (`#35;`), so no quote, bracket, arrow or directive survives.
_MERMAID_SAFE = re.compile(r"[\w .,!?'()\-/+=@$*]")


class Text:
    """Slack text and people in Markdown, people by name through `names`."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names

    def inline(self, text: str) -> str:
        """One line of escaped Markdown: Slack markup read, newlines as spaces, links kept."""
        return "".join(self._piece(piece) for piece in pieces(text, self.names)).strip()

    def line(self, text: str) -> str:
        """`inline`, for the start of a paragraph or list item: it cannot begin a nested list."""
        return _BLOCK_START.sub(r"\1\\\2", self.inline(text))

    def person(self, user_id: str) -> str:
        """A person's display name, or the user id when the name is unknown."""
        return escape_markdown(self.names.get(user_id, user_id)).strip()

    def link(self, label: str, url: str) -> str:
        """`[label](<url>)` for web and mail links; any other scheme only as text."""
        if url.partition(":")[0].lower() not in LINK_SCHEMES:
            return escape_markdown(f"{label} ({url})")
        return f"[{escape_markdown(label)}](<{safe_url(url)}>)"

    def _piece(self, piece: Piece) -> str:
        if piece.url is None:
            return escape_markdown(piece.text)
        return self.link(piece.text, piece.url)


def escape_markdown(text: str) -> str:
    """`text` as literal Markdown on one line: specials backslash-escaped, newlines as spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text))


def safe_url(url: str) -> str:
    """`url` with the characters that could end it in Markdown percent-encoded."""
    return _URL_UNSAFE.sub(lambda match: "".join(f"%{b:02X}" for b in match.group().encode()), url)


def table_row(cells: Sequence[str]) -> str:
    """One GFM table row of cells that are already escaped."""
    return "| " + " | ".join(cells) + " |"


def mermaid_label(plain: str, limit: int | None = None) -> str:
    """Plain text as the inside of a quoted Mermaid label `["…"]`: one line, nothing special."""
    text = _WHITESPACE.sub(" ", plain).strip()
    if limit is not None and len(text) > limit:
        cut = text[: limit - 1]
        # At a word boundary, unless that would lose most of the text.
        if " " in cut[limit // 2 :]:
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,;:") + "…"
    return "".join(_mermaid_char(char) for char in text)


def _mermaid_char(char: str) -> str:
    if char == '"':
        return "#quot;"
    if _MERMAID_SAFE.fullmatch(char) or not char.isascii():
        return char
    return f"#{ord(char)};"
