"""The tree of causes as a PNG picture, for a Slack thread beside the chain and for the terminal.

Pure: the problem and the whys in, PNG bytes out; the same input gives the same bytes.

The picture is an indented outline that flows into columns, read like a newspaper: the problem
in a dark band across the top, then each why as a box with its number and answer. Whys with
siblings hang from their parent's rail, one step to the right; an only child continues straight
below its parent, so a chain of thirty whys stays one box wide. A why whose parent is in an
earlier column says so ("↑ from #7"). Columns keep any shape of tree, a chain thirty deep,
thirty siblings or anything between, inside the same bounds.

Bounds: at most MAX_WIDTH x MAX_HEIGHT pixels, with text at least MIN_FONT_SIZE pixels high at
full size. Slack shows a picture inside a message scaled down to a few hundred pixels each way
and opens it at full size on a click; of the font sizes and column counts that fit the bounds,
the layout takes the one whose text is largest when the picture is shrunk to PREVIEW_SIZE. Up
to a dozen whys, the text is then at least 12 pixels high in the message itself; thirty whys
read once the picture is opened on a laptop's screen. A bigger tree takes the smallest text
and, if it still does not fit, is scaled down; beyond MAX_WHYS the rest are left out and
counted at the bottom.

Text is drawn with DejaVu Sans Condensed, shipped in bot/core/fonts with its licence (Pillow's
own default font covers Latin only). Which characters it can draw is read from the font's own
character map: a run of characters it has no glyph for (emoji, CJK) is drawn as one replacement
mark, and controls and format characters are dropped. Where Pillow has libraqm (its wheels do,
given FriBiDi), right-to-left text is ordered and shaped properly and a right-to-left answer is
aligned right; without it, letters are drawn in stored order. Either way the output depends
only on the input and the installed Pillow.
"""

from __future__ import annotations

import bisect
import functools
import io
import math
import struct
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "HUMAN_ERROR_RED",
    "MAX_HEIGHT",
    "MAX_WHYS",
    "MAX_WIDTH",
    "MIN_FONT_SIZE",
    "PREVIEW_SIZE",
    "WEAK_SPOT_AMBER",
    "PictureNode",
    "render_tree_png",
]

MAX_WIDTH = 1600
MAX_HEIGHT = 1200
# Body text sizes tried, largest first; the smallest fits any thirty whys in the bounds.
FONT_SIZES = (24, 22, 20, 18, 16, 14)
MIN_FONT_SIZE = FONT_SIZES[-1]
# Roughly the box Slack's desktop client fits a picture into inside a message.
PREVIEW_SIZE = (720, 480)
MAX_COLUMNS = 5
# Drawing more would only make a picture too small to read and too big to hold in memory.
MAX_WHYS = 60
# Lines of answer per box: three hold a typical why; two only when a tree fits no other way.
ANSWER_LINES = (3, 2)
PROBLEM_LINES = 3
BOX_WIDTH_EM = 16
INDENT_EM = 1.75
# Boxes are wrapped at this size to choose a layout: a box is BOX_WIDTH_EM wide at every size,
# so its line count hardly changes. Only the layout chosen is wrapped at its own size.
REFERENCE_SIZE = 16
# A deep branching tree shares this much indentation among its levels, down to a floor at
# which rails side by side can still be told apart.
INDENT_BUDGET_EM = 4
MIN_INDENT_EM = 0.5
# Text is cut before wrapping: three lines never hold this many characters.
TEXT_LIMIT = 1000
# Stacked combining marks beyond this would spill into the line above.
MAX_MARKS = 2
ELLIPSIS = "…"

Colour = tuple[int, int, int]
PAPER: Colour = (255, 255, 255)
INK: Colour = (17, 24, 39)
MUTED: Colour = (71, 85, 105)
CONNECTOR: Colour = (148, 163, 184)
BOX_FILL: Colour = (241, 245, 249)
BOX_EDGE: Colour = (100, 116, 139)
NUMBER_INK: Colour = (30, 58, 138)
PROBLEM_FILL: Colour = (30, 41, 59)
PROBLEM_INK: Colour = (248, 250, 252)
PROBLEM_LABEL_INK: Colour = (148, 163, 184)
HUMAN_ERROR_RED: Colour = (220, 38, 38)
HUMAN_ERROR_FILL: Colour = (254, 226, 226)
WEAK_SPOT_AMBER: Colour = (217, 119, 6)
WEAK_SPOT_FILL: Colour = (254, 243, 199)
WEAK_SPOT_TAG_FILL: Colour = (251, 191, 36)

REGULAR = "DejaVuSansCondensed.ttf"
BOLD = "DejaVuSansCondensed-Bold.ttf"
HUMAN_ERROR_TAG = "human error"
WEAK_SPOT_TAG = "no action item yet"
HUMAN_ERROR_LEGEND = "Human error: the answer stops at a person"
WEAK_SPOT_LEGEND = "Weak spot: a root cause no action item addresses yet"


@dataclass(frozen=True)
class PictureNode:
    """One why: its number, its answer, its marks and the whys asked about it."""

    number: int
    text: str
    human_error: bool = False
    unaddressed: bool = False
    edge_label: str | None = None
    children: tuple[PictureNode, ...] = ()


def render_tree_png(
    problem: str, roots: Sequence[PictureNode], *, title: str | None = None
) -> bytes:
    """The tree of causes as a PNG: the problem on top, each why a box with number and answer."""
    rows, left_out = _outline(roots)
    content = _Content.of(problem, title, rows, left_out)
    image = _draw(_best_layout(content))
    if image.width > MAX_WIDTH or image.height > MAX_HEIGHT:
        scale = min(MAX_WIDTH / image.width, MAX_HEIGHT / image.height)
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Level 3 takes a third less time than the default 6 for a tenth more bytes.
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


# Fonts, and what they can draw.


class _Coverage:
    """The code points a font's character map gives a glyph, as sorted inclusive ranges."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def __contains__(self, code: int) -> bool:
        at = bisect.bisect_right(self._starts, code) - 1
        return at >= 0 and code <= self._ends[at]

    @classmethod
    def of(cls, font: bytes) -> _Coverage:
        """Read the Unicode character map of a TrueType font (format 12, else format 4)."""
        tables = {}
        for index in range(_u16(font, 4)):
            tag, _checksum, offset, _length = struct.unpack_from(">4sIII", font, 12 + 16 * index)
            tables[tag] = offset
        cmap = tables[b"cmap"]
        subtables = {}
        for index in range(_u16(font, cmap + 2)):
            platform, encoding, offset = struct.unpack_from(">HHI", font, cmap + 4 + 8 * index)
            subtables[(platform, encoding)] = cmap + offset
        for key in ((3, 10), (0, 4), (0, 6)):
            if key in subtables and _u16(font, subtables[key]) == 12:
                return cls(_format_12(font, subtables[key]))
        for key in ((3, 1), (0, 3), (0, 1), (0, 0)):
            if key in subtables and _u16(font, subtables[key]) == 4:
                return cls(_format_4(font, subtables[key]))
        return cls([])


def _u16(data: bytes, offset: int) -> int:
    return int(struct.unpack_from(">H", data, offset)[0])


def _format_12(font: bytes, at: int) -> Iterator[tuple[int, int]]:
    (groups,) = struct.unpack_from(">I", font, at + 12)
    for index in range(groups):
        start, end, glyph = struct.unpack_from(">III", font, at + 16 + 12 * index)
        if glyph == 0:
            start += 1  # glyph 0 is the "missing" box: a code point mapped to it has no glyph
        if start <= end:
            yield start, end


def _format_4(font: bytes, at: int) -> Iterator[tuple[int, int]]:
    segments = _u16(font, at + 6) // 2
    ends = at + 14
    starts = ends + 2 * segments + 2  # after the padding word
    deltas = starts + 2 * segments
    range_offsets = deltas + 2 * segments
    for index in range(segments):
        end, start = _u16(font, ends + 2 * index), _u16(font, starts + 2 * index)
        delta = _u16(font, deltas + 2 * index)
        offset_at = range_offsets + 2 * index
        range_offset = _u16(font, offset_at)
        for code in range(start, min(end, 0xFFFE) + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                glyph = _u16(font, offset_at + range_offset + 2 * (code - start))
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                yield code, code


def _font_file(name: str) -> Traversable:
    return resources.files("bot.core").joinpath("fonts", name)


@functools.cache
def _coverage(name: str) -> _Coverage:
    return _Coverage.of(_font_file(name).read_bytes())


@functools.lru_cache(maxsize=32)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    source = _font_file(name)
    if isinstance(source, Path):
        # From a file FreeType reads the glyphs it draws; from bytes each size keeps a copy.
        return ImageFont.truetype(str(source), size)
    return ImageFont.truetype(io.BytesIO(source.read_bytes()), size)


@dataclass(frozen=True)
class _Text:
    """User text as a font can draw it on one line, and how to lay it out."""

    text: str
    cut: bool  # longer than TEXT_LIMIT, so it goes on past whatever is shown
    rtl: bool  # its first strong character is right-to-left

    @classmethod
    def of(cls, text: str, font_name: str) -> _Text:
        coverage = _coverage(font_name)
        replacement = "\ufffd" if 0xFFFD in coverage else "?"
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
                if attached and marks < MAX_MARKS and ord(char) in coverage:
                    kept.append(char)
                    marks += 1
            elif ord(char) in coverage:
                kept.append(char)
                marks, replaced = 0, False
            elif not replaced:
                # One mark a run: an emoji can be several code points, a flag or a family more.
                kept.append(replacement)
                marks, replaced = 0, True
        drawable = " ".join("".join(kept).split())
        return cls(drawable, len(text) > TEXT_LIMIT, _right_to_left(drawable))


def _right_to_left(text: str) -> bool:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def _direction(font: ImageFont.FreeTypeFont, rtl: bool) -> str | None:
    """The direction to give Pillow: only libraqm takes one, and only it reorders."""
    if font.layout_engine != ImageFont.Layout.RAQM:
        return None
    return "rtl" if rtl else "ltr"


def _wrap(text: _Text, font: ImageFont.FreeTypeFont, width: float, max_lines: int) -> list[str]:
    """`text` in at most `max_lines` lines of `width` pixels, with an ellipsis if it goes on."""
    direction = _direction(font, text.rtl)

    def length(part: str) -> float:
        return font.getlength(part, direction=direction)

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


# What to draw: the rows of the outline and their text.


@dataclass(frozen=True)
class _Row:
    node: PictureNode
    level: int  # indentation steps from the column's left edge
    parent: int | None  # the parent's row; None under the problem
    hangs: bool  # from its parent's rail beside siblings; otherwise straight below the parent


def _outline(roots: Sequence[PictureNode]) -> tuple[list[_Row], int]:
    """The whys parents first, with their indentation, up to MAX_WHYS; and how many are left out."""
    rows: list[_Row] = []
    several = len(roots) > 1
    pending = [(root, int(several), None, several) for root in reversed(roots)]
    # A stack rather than recursion: a chain of any depth is drawn, not refused.
    while pending and len(rows) < MAX_WHYS:
        node, level, parent, hangs = pending.pop()
        rows.append(_Row(node, level, parent, hangs))
        here = len(rows) - 1
        several = len(node.children) > 1
        child_level = level + 1 if several else level
        pending.extend((child, child_level, here, several) for child in reversed(node.children))
    left_out = sum(_count(node) for node, *_ in pending)
    return rows, left_out


def _count(node: PictureNode) -> int:
    total, pending = 0, [node]
    while pending:
        total += 1
        pending.extend(pending.pop().children)
    return total


@dataclass(frozen=True)
class _Content:
    problem: _Text
    title: _Text | None
    rows: tuple[_Row, ...]
    answers: tuple[_Text, ...]
    labels: tuple[_Text | None, ...]
    legend: tuple[_Note, ...]

    @classmethod
    def of(cls, problem: str, title: str | None, rows: list[_Row], left_out: int) -> _Content:
        nodes = [row.node for row in rows]
        legend = []
        if any(node.human_error for node in nodes):
            legend.append(_Note(HUMAN_ERROR_LEGEND, (HUMAN_ERROR_RED, HUMAN_ERROR_FILL)))
        if any(node.unaddressed for node in nodes):
            legend.append(_Note(WEAK_SPOT_LEGEND, (WEAK_SPOT_AMBER, WEAK_SPOT_FILL)))
        if left_out:
            legend.append(_Note(f"{left_out} more whys are not drawn", None))
        return cls(
            problem=_Text.of(problem, REGULAR),
            title=_Text.of(title, BOLD) if title else None,
            rows=tuple(rows),
            answers=tuple(_Text.of(node.text, REGULAR) for node in nodes),
            labels=tuple(
                _Text.of(node.edge_label, REGULAR) if node.edge_label else None for node in nodes
            ),
            legend=tuple(legend),
        )


@dataclass(frozen=True)
class _Note:
    """A line of the legend, and the edge and fill of its swatch if it has one."""

    text: str
    swatch: tuple[Colour, Colour] | None


# Sizes, all derived from the body font size.


@dataclass(frozen=True)
class _Style:
    size: int
    answer_lines: int
    small: int
    line: int
    small_line: int
    title_line: int
    pad: int
    gap: int
    margin: int
    gutter: int
    box_width: int
    radius: int
    stroke: int

    @classmethod
    def of(cls, size: int, answer_lines: int = ANSWER_LINES[0]) -> _Style:
        small = max(12, round(size * 0.8))
        return cls(
            size=size,
            answer_lines=answer_lines,
            small=small,
            line=round(size * 1.3),
            small_line=round(small * 1.35),
            title_line=round(size * 1.25 * 1.4),
            pad=round(size * 0.5),
            gap=round(size * 0.6),
            margin=size,
            gutter=round(size * 1.5),
            box_width=BOX_WIDTH_EM * size,
            radius=max(4, size // 3),
            stroke=max(2, size // 8),
        )

    @property
    def regular(self) -> ImageFont.FreeTypeFont:
        return _font(REGULAR, self.size)

    @property
    def bold(self) -> ImageFont.FreeTypeFont:
        return _font(BOLD, self.size)

    @property
    def small_regular(self) -> ImageFont.FreeTypeFont:
        return _font(REGULAR, self.small)

    @property
    def small_bold(self) -> ImageFont.FreeTypeFont:
        return _font(BOLD, self.small)

    @property
    def title(self) -> ImageFont.FreeTypeFont:
        return _font(BOLD, round(self.size * 1.25))


@dataclass(frozen=True)
class _Tag:
    text: str
    fill: Colour
    ink: Colour
    width: int


@dataclass(frozen=True)
class _Box:
    """One row measured: its edge label, header lines, answer lines and height."""

    label: str | None
    header: tuple[tuple[str | _Tag, ...], ...]
    answer: tuple[str, ...]
    rtl: bool
    label_rtl: bool
    label_height: int
    box_height: int

    @property
    def height(self) -> int:
        return self.label_height + self.box_height


def _box(node: PictureNode, answer: _Text, label: _Text | None, style: _Style) -> _Box:
    inner = style.box_width - 2 * style.pad
    label_lines = _wrap(label, style.small_regular, inner, 1) if label else []
    number = f"#{node.number}"
    tags = []
    if node.human_error:
        tags.append((HUMAN_ERROR_TAG, HUMAN_ERROR_RED, PAPER))
    if node.unaddressed:
        tags.append((WEAK_SPOT_TAG, WEAK_SPOT_TAG_FILL, INK))
    header: list[list[str | _Tag]] = [[number]]
    used = style.bold.getlength(number)
    for text, fill, ink in tags:
        width = round(style.small_bold.getlength(text)) + style.pad
        if used + style.pad + width > inner:
            header.append([])
            used = -style.pad
        header[-1].append(_Tag(text, fill, ink, width))
        used += style.pad + width
    lines = _wrap(answer, style.regular, inner, style.answer_lines)
    return _Box(
        label=label_lines[0] if label_lines else None,
        header=tuple(tuple(items) for items in header),
        answer=tuple(lines),
        rtl=answer.rtl,
        label_rtl=label is not None and label.rtl,
        label_height=style.small_line if label_lines else 0,
        box_height=2 * style.pad + style.line * (len(header) + len(lines)),
    )


# Placing the rows in columns.


@dataclass(frozen=True)
class _Placed:
    row: _Row
    box: _Box
    column: int
    x: int
    top: int  # of the edge label, or of the box when there is none

    @property
    def box_top(self) -> int:
        return self.top + self.box.label_height

    @property
    def box_bottom(self) -> int:
        return self.box_top + self.box.box_height


@dataclass(frozen=True)
class _Layout:
    style: _Style
    content: _Content
    width: int
    height: int
    step: int
    column_width: int
    title: str | None
    problem: tuple[str, ...]
    problem_top: int
    problem_bottom: int
    column_top: int
    column_bottom: int
    placed: tuple[_Placed, ...]
    legend: tuple[tuple[tuple[_Note, int], ...], ...]  # lines of notes and their widths
    legend_top: int

    def column_x(self, column: int) -> int:
        return self.style.margin + column * (self.column_width + self.style.gutter)


def _best_layout(content: _Content) -> _Layout:
    """Of the layouts within the bounds, the one whose text is largest in Slack's preview."""
    for answer_lines in ANSWER_LINES:
        layout = _best_within_bounds(content, answer_lines)
        if layout is not None:
            return layout
    # Too many whys for the bounds: the layout nearest their shape, to be scaled down.
    style = _Style.of(MIN_FONT_SIZE, ANSWER_LINES[-1])
    boxes = _boxes(content, style)
    one_column = _layout(content, boxes, style, 1)
    assert one_column is not None
    share = one_column.height * MAX_WIDTH / (MAX_HEIGHT * one_column.width)
    guess = max(1, round(math.sqrt(share)))
    layouts = [
        layout
        for columns in range(max(1, guess - 1), guess + 2)
        if (layout := _layout(content, boxes, style, columns)) is not None
    ]
    return max(layouts, key=lambda it: min(MAX_WIDTH / it.width, MAX_HEIGHT / it.height))


def _best_within_bounds(content: _Content, answer_lines: int) -> _Layout | None:
    reference = _boxes(content, _Style.of(REFERENCE_SIZE, answer_lines))
    candidates: list[tuple[float, int, int]] = []
    for size in FONT_SIZES:
        style = _Style.of(size, answer_lines)
        sketches = [_sketch(box, style) for box in reference]
        problem = content.problem.text
        problem_length = style.regular.getlength(problem) if problem else 0.0
        for columns in range(1, MAX_COLUMNS + 1):
            layout = _layout(content, sketches, style, columns, problem_length)
            if layout is None:
                break
            if _within_bounds(layout):
                shrink = min(1.0, PREVIEW_SIZE[0] / layout.width, PREVIEW_SIZE[1] / layout.height)
                # Ties go to the larger font, then to fewer columns.
                candidates.append((size * shrink, size, -columns))
    for _score, size, fewer in sorted(candidates, reverse=True):
        style = _Style.of(size, answer_lines)
        layout = _layout(content, _boxes(content, style), style, -fewer)
        if layout is not None and _within_bounds(layout):
            return layout
    return None


def _within_bounds(layout: _Layout) -> bool:
    return layout.width <= MAX_WIDTH and layout.height <= MAX_HEIGHT


def _sketch(box: _Box, style: _Style) -> _Box:
    """A box wrapped at another size, with the height it would have at `style`'s."""
    return replace(
        box,
        label_height=style.small_line if box.label is not None else 0,
        box_height=2 * style.pad + style.line * (len(box.header) + len(box.answer)),
    )


def _boxes(content: _Content, style: _Style) -> list[_Box]:
    return [
        _box(row.node, answer, label, style)
        for row, answer, label in zip(content.rows, content.answers, content.labels, strict=True)
    ]


def _columns(heights: list[int], gap: int, columns: int) -> list[int]:
    """The column of each row, in order, with the tallest column as short as it can be."""
    if not heights:
        return []

    def fill(capacity: int) -> list[int] | None:
        assigned, column, used = [], 0, 0
        for height in heights:
            if used and used + gap + height > capacity:
                column, used = column + 1, height
            else:
                used = used + gap + height if used else height
            if column == columns:
                return None
            assigned.append(column)
        return assigned

    low, high = max(heights), sum(heights) + gap * (len(heights) - 1)
    while low < high:
        middle = (low + high) // 2
        if fill(middle) is None:
            low = middle + 1
        else:
            high = middle
    return fill(low) or []


def _layout(
    content: _Content,
    boxes: list[_Box],
    style: _Style,
    columns: int,
    problem_length: float | None = None,
) -> _Layout | None:
    """The rows in `columns` columns, or None when fewer columns hold them as well. Given the
    problem's length on one line, a sketch: the problem's lines are counted, roughly, and
    neither it nor the title is wrapped."""
    sketch = problem_length is not None
    assignment = _columns([box.height for box in boxes], style.gap, columns)
    if (max(assignment) + 1 if assignment else 1) < columns:
        return None
    deepest = max((row.level for row in content.rows), default=0)
    step = round(style.size * INDENT_EM)
    if deepest:
        shared = INDENT_BUDGET_EM * style.size // deepest
        step = min(step, max(shared, round(style.size * MIN_INDENT_EM)))
    column_width = deepest * step + style.box_width
    width = 2 * style.margin + columns * column_width + (columns - 1) * style.gutter
    inner = width - 2 * style.margin

    top = style.margin
    title = None
    if content.title is not None and content.title.text:
        title = "" if sketch else _wrap(content.title, style.title, inner, 1)[0]
        top += style.title_line
    if problem_length is None:
        problem = _wrap(content.problem, style.regular, inner - 2 * style.pad, PROBLEM_LINES)
    else:
        # A line breaks between words, so it holds a little less than its width.
        count = math.ceil(problem_length * 1.1 / (inner - 2 * style.pad))
        problem = [""] * min(PROBLEM_LINES, count)
    problem_bottom = top + 2 * style.pad + style.small_line + style.line * max(1, len(problem))
    # Room above the first boxes for the arrow from the problem, and "↑ from #n" notes.
    column_top = problem_bottom + style.gap + (style.small_line if columns > 1 else style.gap)

    placed = []
    bottoms = [column_top] * columns
    for row, box, column in zip(content.rows, boxes, assignment, strict=True):
        x = style.margin + column * (column_width + style.gutter) + row.level * step
        placed.append(_Placed(row, box, column, x, bottoms[column]))
        bottoms[column] += box.height + style.gap
    column_bottom = max(bottoms) - style.gap if content.rows else column_top

    legend: list[list[tuple[_Note, int]]] = []
    used = 0
    for note in content.legend:
        item = round(style.small_regular.getlength(note.text)) + style.small + style.pad
        if legend and used + 2 * style.pad + item <= inner:
            used += 2 * style.pad + item
        else:
            legend.append([])
            used = item
        legend[-1].append((note, item))
    legend_top = column_bottom + 2 * style.gap
    height = column_bottom + style.margin
    if legend:
        height = legend_top + len(legend) * style.small_line + style.margin

    return _Layout(
        style=style,
        content=content,
        width=width,
        height=height,
        step=step,
        column_width=column_width,
        title=title,
        problem=tuple(problem),
        problem_top=top,
        problem_bottom=problem_bottom,
        column_top=column_top,
        column_bottom=column_bottom,
        placed=tuple(placed),
        legend=tuple(tuple(line) for line in legend),
        legend_top=legend_top,
    )


# Drawing.


def _draw(layout: _Layout) -> Image.Image:
    style = layout.style
    image = Image.new("RGB", (layout.width, layout.height), PAPER)
    draw = ImageDraw.Draw(image)
    left, right = style.margin, layout.width - style.margin

    if layout.title is not None:
        rtl = layout.content.title is not None and layout.content.title.rtl
        _line(draw, (left, style.margin), layout.title, style.title, style.title_line, INK, rtl)
    draw.rounded_rectangle(
        (left, layout.problem_top, right, layout.problem_bottom), style.radius, fill=PROBLEM_FILL
    )
    top = layout.problem_top + style.pad
    _line(
        draw,
        (left + style.pad, top),
        "PROBLEM",
        style.small_bold,
        style.small_line,
        PROBLEM_LABEL_INK,
    )
    top += style.small_line
    rtl = layout.content.problem.rtl
    for text in layout.problem:
        at = (right - style.pad, top) if rtl else (left + style.pad, top)
        _line(draw, at, text, style.regular, style.line, PROBLEM_INK, rtl, end=rtl)
        top += style.line

    _draw_connectors(draw, layout)
    for placed in layout.placed:
        _draw_box(draw, layout, placed)

    for index, items in enumerate(layout.legend):
        x = left
        top = layout.legend_top + index * style.small_line
        for note, width in items:
            if note.swatch is not None:
                edge, fill = note.swatch
                swatch_top = top + (style.small_line - style.small) // 2
                swatch = (x, swatch_top, x + style.small, swatch_top + style.small)
                draw.rounded_rectangle(swatch, 3, fill=fill, outline=edge, width=2)
            text_x = x + style.small + style.pad // 2
            _line(draw, (text_x, top), note.text, style.small_regular, style.small_line, MUTED)
            x += width + 2 * style.pad
    return image


def _line(
    draw: ImageDraw.ImageDraw,
    at: tuple[int, int],
    text: str,
    font: ImageFont.FreeTypeFont,
    height: int,
    ink: Colour,
    rtl: bool = False,
    end: bool = False,
) -> None:
    """One line of text in a line box `height` high, starting at `at` (ending there if `end`)."""
    ascent, descent = font.getmetrics()
    baseline = at[1] + (height - ascent - descent) // 2 + ascent
    anchor = "rs" if end else "ls"
    direction = _direction(font, rtl)
    draw.text((at[0], baseline), text, font=font, fill=ink, anchor=anchor, direction=direction)


def _draw_box(draw: ImageDraw.ImageDraw, layout: _Layout, placed: _Placed) -> None:
    style = layout.style
    node, box = placed.row.node, placed.box
    if box.label is not None:
        # Beside the parent's arrow when the why continues straight below it.
        indent = style.pad if placed.row.hangs else layout.step // 2 + style.pad
        at = (placed.x + indent, placed.top)
        _line(draw, at, box.label, style.small_regular, style.small_line, MUTED, box.label_rtl)
    if node.human_error:
        edge, fill, stroke = HUMAN_ERROR_RED, HUMAN_ERROR_FILL, style.stroke + 1
    elif node.unaddressed:
        edge, fill, stroke = WEAK_SPOT_AMBER, WEAK_SPOT_FILL, style.stroke + 1
    else:
        edge, fill, stroke = BOX_EDGE, BOX_FILL, max(1, style.stroke - 1)
    left, right = placed.x, placed.x + style.box_width
    draw.rounded_rectangle(
        (left, placed.box_top, right, placed.box_bottom),
        style.radius,
        fill=fill,
        outline=edge,
        width=stroke,
    )
    top = placed.box_top + style.pad
    for items in box.header:
        x = left + style.pad
        for item in items:
            if isinstance(item, str):
                _line(draw, (x, top), item, style.bold, style.line, NUMBER_INK)
                x += round(style.bold.getlength(item)) + style.pad
                continue
            pill_top = top + (style.line - style.small_line) // 2
            pill = (x, pill_top, x + item.width, pill_top + style.small_line)
            draw.rounded_rectangle(pill, style.small_line // 2, fill=item.fill)
            at = (x + style.pad // 2, pill_top)
            _line(draw, at, item.text, style.small_bold, style.small_line, item.ink)
            x += item.width + style.pad
        top += style.line
    for text in box.answer:
        at = (right - style.pad, top) if box.rtl else (left + style.pad, top)
        _line(draw, at, text, style.regular, style.line, INK, box.rtl, end=box.rtl)
        top += style.line


def _draw_connectors(draw: ImageDraw.ImageDraw, layout: _Layout) -> None:
    """A rail from each parent with several children, a stub and arrow to each of them; a
    straight arrow down to an only child; across a column break, the rest in the next column."""
    style = layout.style
    width = style.stroke
    placed = layout.placed

    def down(x: int, column: int, top: int, to_column: int, bottom: int) -> None:
        """A line `x` from the left of `column`, from `top` there to `bottom` in `to_column`."""
        for at in range(column, to_column + 1):
            start = top if at == column else layout.column_top
            end = bottom if at == to_column else layout.column_bottom + style.gap // 2
            x_here = layout.column_x(at) + x
            if end > start:
                draw.line((x_here, start, x_here, end), fill=CONNECTOR, width=width)

    for child in placed:
        row = child.row
        if row.parent is None:
            column, top, rail = 0, layout.problem_bottom, layout.step // 2
            source = "the problem"
        else:
            parent = placed[row.parent]
            column, top = parent.column, parent.box_bottom
            rail = parent.x - layout.column_x(parent.column) + layout.step // 2
            source = f"#{parent.row.node.number}"
        if row.hangs:
            stub = child.box_top + style.pad + style.line // 2
            down(rail, column, top, child.column, stub)
            draw.line((layout.column_x(child.column) + rail, stub, child.x, stub), CONNECTOR, width)
            _arrowhead(draw, (child.x, stub), "right", style)
        else:
            down(rail, column, top, child.column, child.box_top)
            _arrowhead(draw, (layout.column_x(child.column) + rail, child.box_top), "down", style)
        if child.column != column and child.top == layout.column_top:
            at = (
                layout.column_x(child.column) + rail + style.pad,
                child.top - style.small_line - style.gap // 2,
            )
            _line(draw, at, f"↑ from {source}", style.small_regular, style.small_line, MUTED)


def _arrowhead(
    draw: ImageDraw.ImageDraw, tip: tuple[int, int], direction: str, style: _Style
) -> None:
    size = max(5, style.size // 3)
    half = size // 2 + 1
    x, y = tip
    if direction == "right":
        points = [(x, y), (x - size, y - half), (x - size, y + half)]
    else:
        points = [(x, y), (x - half, y - size), (x + half, y - size)]
    draw.polygon(points, fill=CONNECTOR)
