"""User text as the picture's font can draw it, and wrapped into lines of a given width.

Text is drawn with DejaVu Sans Condensed, shipped in fonts/ beside this module with its licence
(Pillow's own default font covers Latin only). Which characters it can draw is read from the
font's own character map: a run of characters it has no glyph for (emoji, CJK) is drawn as one
replacement mark, and controls and format characters are dropped. Where Pillow has libraqm (its
wheels do, given FriBiDi), right-to-left text is ordered and shaped properly and a right-to-left
answer is aligned right; without it, letters are drawn in stored order. Either way the output
depends only on the input and the installed Pillow.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from PIL import ImageFont

from bot.core.picture.cmap import Coverage

REGULAR = "DejaVuSansCondensed.ttf"
BOLD = "DejaVuSansCondensed-Bold.ttf"
# Text is cut before wrapping: three lines never hold this many characters.
TEXT_LIMIT = 1000
# Stacked combining marks beyond this would spill into the line above.
MAX_MARKS = 2
ELLIPSIS = "…"


def font_file(name: str) -> Traversable:
    return resources.files("bot.core.picture").joinpath("fonts", name)


@functools.cache
def coverage(name: str) -> Coverage:
    return Coverage.of(font_file(name).read_bytes())


@functools.lru_cache(maxsize=32)
def load_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    source = font_file(name)
    if isinstance(source, Path):
        # From a file FreeType reads the glyphs it draws; from bytes each size keeps a copy.
        return ImageFont.truetype(str(source), size)
    return ImageFont.truetype(io.BytesIO(source.read_bytes()), size)


@dataclass(frozen=True)
class Text:
    """User text as a font can draw it on one line, and how to lay it out."""

    text: str
    cut: bool  # longer than TEXT_LIMIT, so it goes on past whatever is shown
    rtl: bool  # its first strong character is right-to-left

    @classmethod
    def of(cls, text: str, font_name: str) -> Text:
        drawable = coverage(font_name)
        replacement = "\ufffd" if 0xFFFD in drawable else "?"
        kept: list[str] = []
        marks = 0
        replaced = False
        for char in unicodedata.normalize("NFC", text[:TEXT_LIMIT]):
            category = unicodedata.category(char)
            if char.isspace() or category in ("Zs", "Zl", "Zp"):
                kept.append(" ")
                marks, replaced = 0, False
            elif category in ("Cc", "Cf"):
                # No picture, and a stray bidi override would reorder the rest of the box.
                continue
            elif category[0] == "M":
                # A mark belongs to the character before it; on a replaced one it means nothing.
                attached = kept and kept[-1] != " " and not replaced
                if attached and marks < MAX_MARKS and ord(char) in drawable:
                    kept.append(char)
                    marks += 1
            elif ord(char) in drawable:
                kept.append(char)
                marks, replaced = 0, False
            elif not replaced:
                # One mark a run: an emoji can be several code points, a flag or a family more.
                kept.append(replacement)
                marks, replaced = 0, True
        line = " ".join("".join(kept).split())
        return cls(line, len(text) > TEXT_LIMIT, _right_to_left(line))


def _right_to_left(text: str) -> bool:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def direction(font: ImageFont.FreeTypeFont, rtl: bool) -> str | None:
    """The direction to give Pillow: only libraqm takes one, and only it reorders."""
    if font.layout_engine != ImageFont.Layout.RAQM:
        return None
    return "rtl" if rtl else "ltr"


def wrap(text: Text, font: ImageFont.FreeTypeFont, width: float, max_lines: int) -> list[str]:
    """`text` in at most `max_lines` lines of `width` pixels, with an ellipsis if it goes on."""
    along = direction(font, text.rtl)

    def length(part: str) -> float:
        return font.getlength(part, direction=along)

    words = text.text.split(" ") if text.text else []
    space = length(" ")
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    index = 0
    while index < len(words) and len(lines) < max_lines:
        word = words[index]
        # Each word is measured once and the widths added: measuring the line as it grows
        # would cost the square of its length.
        need = length(word) + (used + space if line else 0.0)
        if need <= width:
            line.append(word)
            used = need
            index += 1
        elif line:
            lines.append(" ".join(line))
            line, used = [], 0.0
        else:
            head, words[index] = _split_word(word, length, width)
            lines.append(head)
    if line:
        lines.append(" ".join(line))
    if lines and (text.cut or index < len(words)):
        last = lines[-1]
        while last and length(last.rstrip() + ELLIPSIS) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + ELLIPSIS
    return lines


def _split_word(word: str, length: Callable[[str], float], width: float) -> tuple[str, str]:
    """The longest start of a word too long for a line that fits in it, and the rest."""
    low, high = 1, len(word) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if length(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    cut = low
    while cut < len(word) and unicodedata.category(word[cut])[0] == "M":
        cut += 1  # a mark stays with its letter
    return word[:cut], word[cut:]
