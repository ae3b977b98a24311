"""Where everything goes: the font size and number of columns, and each box's place.

Bounds: at most MAX_WIDTH x MAX_HEIGHT pixels, with text at least MIN_FONT_SIZE pixels high at
full size. Slack shows a picture inside a message scaled down to a few hundred pixels each way
and opens it at full size on a click; of the font sizes and column counts that fit the bounds,
the layout takes the one whose text is largest when the picture is shrunk to PREVIEW_SIZE. Up
to a dozen whys, the text is then at least 12 pixels high in the message itself; thirty whys
read once the picture is opened on a laptop's screen. A bigger tree takes the smallest text
and, if it still does not fit, is scaled down when drawn.

The whys flow into columns like a newspaper's, in outline order, with the tallest column as
short as it can be. Whys with siblings are indented one step under their parent; a deep tree
shares a fixed budget of indentation among its levels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.core.picture.boxes import Box, boxes, sketch
from bot.core.picture.content import Content, Note, Row
from bot.core.picture.style import Style
from bot.core.picture.text import wrap

MAX_WIDTH = 1600
MAX_HEIGHT = 1200
# Body text sizes tried, largest first; the smallest fits any thirty whys in the bounds.
FONT_SIZES = (24, 22, 20, 18, 16, 14)
MIN_FONT_SIZE = FONT_SIZES[-1]
# Roughly the box Slack's desktop client fits a picture into inside a message.
PREVIEW_SIZE = (720, 480)
MAX_COLUMNS = 5
# Lines of answer per box: three hold a typical why; two only when a tree fits no other way.
ANSWER_LINES = (3, 2)
PROBLEM_LINES = 3
INDENT_EM = 1.75
# Boxes are wrapped at this size to choose a layout: a box is BOX_WIDTH_EM wide at every size,
# so its line count hardly changes. Only the layout chosen is wrapped at its own size.
REFERENCE_SIZE = 16
# A deep branching tree shares this much indentation among its levels, down to a floor at
# which rails side by side can still be told apart.
INDENT_BUDGET_EM = 4
MIN_INDENT_EM = 0.5


@dataclass(frozen=True)
class Placed:
    row: Row
    box: Box
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
class Layout:
    style: Style
    content: Content
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
    placed: tuple[Placed, ...]
    legend: tuple[tuple[tuple[Note, int], ...], ...]  # lines of notes and their widths
    legend_top: int

    def column_x(self, column: int) -> int:
        return self.style.margin + column * (self.column_width + self.style.gutter)


def best_layout(content: Content) -> Layout:
    """Of the layouts within the bounds, the one whose text is largest in Slack's preview."""
    for answer_lines in ANSWER_LINES:
        layout = _best_within_bounds(content, answer_lines)
        if layout is not None:
            return layout
    # Too many whys for the bounds: the layout nearest their shape, to be scaled down.
    style = Style.of(MIN_FONT_SIZE, ANSWER_LINES[-1])
    measured = boxes(content, style)
    one_column = _layout(content, measured, style, 1)
    assert one_column is not None
    share = one_column.height * MAX_WIDTH / (MAX_HEIGHT * one_column.width)
    guess = max(1, round(math.sqrt(share)))
    layouts = [
        layout
        for columns in range(max(1, guess - 1), guess + 2)
        if (layout := _layout(content, measured, style, columns)) is not None
    ]
    return max(layouts, key=lambda it: min(MAX_WIDTH / it.width, MAX_HEIGHT / it.height))


def _best_within_bounds(content: Content, answer_lines: int) -> Layout | None:
    reference = boxes(content, Style.of(REFERENCE_SIZE, answer_lines))
    candidates: list[tuple[float, int, int]] = []
    for size in FONT_SIZES:
        style = Style.of(size, answer_lines)
        sketches = [sketch(box, style) for box in reference]
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
        style = Style.of(size, answer_lines)
        layout = _layout(content, boxes(content, style), style, -fewer)
        if layout is not None and _within_bounds(layout):
            return layout
    return None


def _within_bounds(layout: Layout) -> bool:
    return layout.width <= MAX_WIDTH and layout.height <= MAX_HEIGHT


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
    content: Content,
    measured: list[Box],
    style: Style,
    columns: int,
    problem_length: float | None = None,
) -> Layout | None:
    """The rows in `columns` columns, or None when fewer columns hold them as well. Given the
    problem's length on one line, a sketch: the problem's lines are counted, roughly, and
    neither it nor the title is wrapped."""
    assignment = _columns([box.height for box in measured], style.gap, columns)
    if (max(assignment) + 1 if assignment else 1) < columns:
        return None
    deepest = max((row.level for row in content.rows), default=0)
    step = _indent_step(deepest, style)
    column_width = deepest * step + style.box_width
    width = 2 * style.margin + columns * column_width + (columns - 1) * style.gutter
    inner = width - 2 * style.margin
    title, problem, top = _heading(content, style, inner, problem_length)
    problem_bottom = top + 2 * style.pad + style.small_line + style.line * max(1, len(problem))
    # Room above the first boxes for the arrow from the problem, and "↑ from #n" notes.
    column_top = problem_bottom + style.gap + (style.small_line if columns > 1 else style.gap)
    lefts = [style.margin + column * (column_width + style.gutter) for column in range(columns)]
    placed, column_bottom = _place(content, measured, assignment, lefts, step, column_top, style)
    legend = _legend(content, style, inner)
    legend_top = column_bottom + 2 * style.gap
    height = column_bottom + style.margin
    if legend:
        height = legend_top + len(legend) * style.small_line + style.margin
    return Layout(
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
        placed=placed,
        legend=tuple(tuple(line) for line in legend),
        legend_top=legend_top,
    )


def _indent_step(deepest: int, style: Style) -> int:
    """Pixels per level of indentation: a deep tree shares INDENT_BUDGET_EM among its levels, so
    its columns stay narrow enough to sit side by side."""
    step = round(style.size * INDENT_EM)
    if deepest:
        shared = INDENT_BUDGET_EM * style.size // deepest
        step = min(step, max(shared, round(style.size * MIN_INDENT_EM)))
    return step


def _heading(
    content: Content, style: Style, inner: int, problem_length: float | None
) -> tuple[str | None, list[str], int]:
    """The title's line, the problem's lines and the top of the problem's band. A sketch, given
    `problem_length`, wraps neither: only how many lines they take matters to its size."""
    sketching = problem_length is not None
    top = style.margin
    title = None
    if content.title is not None and content.title.text:
        title = "" if sketching else wrap(content.title, style.title, inner, 1)[0]
        top += style.title_line
    if problem_length is None:
        problem = wrap(content.problem, style.regular, inner - 2 * style.pad, PROBLEM_LINES)
    else:
        # A line breaks between words, so it holds a little less than its width.
        count = math.ceil(problem_length * 1.1 / (inner - 2 * style.pad))
        problem = [""] * min(PROBLEM_LINES, count)
    return title, problem, top


def _place(
    content: Content,
    measured: list[Box],
    assignment: list[int],
    lefts: list[int],
    step: int,
    top: int,
    style: Style,
) -> tuple[tuple[Placed, ...], int]:
    """Each box below the one before it in its column, indented by its level; and the bottom
    of the longest column."""
    placed = []
    bottoms = [top] * len(lefts)
    for row, box, column in zip(content.rows, measured, assignment, strict=True):
        x = lefts[column] + row.level * step
        placed.append(Placed(row, box, column, x, bottoms[column]))
        bottoms[column] += box.height + style.gap
    return tuple(placed), max(bottoms) - style.gap if content.rows else top


def _legend(content: Content, style: Style, inner: int) -> list[list[tuple[Note, int]]]:
    """The legend's notes, as many to a line as fit in `inner` pixels, each with its width."""
    legend: list[list[tuple[Note, int]]] = []
    used = 0
    for note in content.legend:
        item = round(style.small_regular.getlength(note.text)) + style.small + style.pad
        if legend and used + 2 * style.pad + item <= inner:
            used += 2 * style.pad + item
        else:
            legend.append([])
            used = item
        legend[-1].append((note, item))
    return legend
