"""The layout drawn with Pillow: the problem band, the boxes, the rails and arrows between them,
the legend; scaled into the bounds if need be, and encoded as PNG."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from bot.core.picture.boxes import Tag
from bot.core.picture.content import Content, PictureNode, outline
from bot.core.picture.layout import MAX_HEIGHT, MAX_WIDTH, Layout, Placed, best_layout
from bot.core.picture.palette import (
    BOX_EDGE,
    BOX_FILL,
    CONNECTOR,
    HUMAN_ERROR_FILL,
    HUMAN_ERROR_RED,
    INK,
    MUTED,
    NUMBER_INK,
    PAPER,
    PROBLEM_FILL,
    PROBLEM_INK,
    PROBLEM_LABEL_INK,
    WEAK_SPOT_AMBER,
    WEAK_SPOT_FILL,
    Colour,
)
from bot.core.picture.style import Style
from bot.core.picture.text import direction


def render_tree_png(
    problem: str, roots: Sequence[PictureNode], *, title: str | None = None
) -> bytes:
    """The tree of causes as a PNG: the problem on top, each why a box with number and answer."""
    rows, left_out = outline(roots)
    content = Content.of(problem, title, rows, left_out)
    image = _draw(best_layout(content))
    if image.width > MAX_WIDTH or image.height > MAX_HEIGHT:
        scale = min(MAX_WIDTH / image.width, MAX_HEIGHT / image.height)
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Level 3 takes a third less time than the default 6 for a tenth more bytes.
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


def _draw(layout: Layout) -> Image.Image:
    image = Image.new("RGB", (layout.width, layout.height), PAPER)
    draw = ImageDraw.Draw(image)
    _draw_heading(draw, layout)
    _draw_connectors(draw, layout)
    for placed in layout.placed:
        _draw_box(draw, layout, placed)
    _draw_legend(draw, layout)
    return image


def _draw_heading(draw: ImageDraw.ImageDraw, layout: Layout) -> None:
    """The title, if any, and the problem in its dark band."""
    style = layout.style
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


def _draw_legend(draw: ImageDraw.ImageDraw, layout: Layout) -> None:
    style = layout.style
    for index, items in enumerate(layout.legend):
        x = style.margin
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
    along = direction(font, rtl)
    draw.text((at[0], baseline), text, font=font, fill=ink, anchor=anchor, direction=along)


def _draw_box(draw: ImageDraw.ImageDraw, layout: Layout, placed: Placed) -> None:
    style = layout.style
    box = placed.box
    if box.label is not None:
        # Beside the parent's arrow when the why continues straight below it.
        indent = style.pad if placed.row.hangs else layout.step // 2 + style.pad
        at = (placed.x + indent, placed.top)
        _line(draw, at, box.label, style.small_regular, style.small_line, MUTED, box.label_rtl)
    edge, fill, stroke = _box_colours(placed.row.node, style)
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
        _draw_header_line(draw, style, items, (left + style.pad, top))
        top += style.line
    for text in box.answer:
        at = (right - style.pad, top) if box.rtl else (left + style.pad, top)
        _line(draw, at, text, style.regular, style.line, INK, box.rtl, end=box.rtl)
        top += style.line


def _box_colours(node: PictureNode, style: Style) -> tuple[Colour, Colour, int]:
    """Edge, fill and edge width: a marked why stands out, a human error before a weak spot."""
    if node.human_error:
        return HUMAN_ERROR_RED, HUMAN_ERROR_FILL, style.stroke + 1
    if node.unaddressed:
        return WEAK_SPOT_AMBER, WEAK_SPOT_FILL, style.stroke + 1
    return BOX_EDGE, BOX_FILL, max(1, style.stroke - 1)


def _draw_header_line(
    draw: ImageDraw.ImageDraw, style: Style, items: tuple[str | Tag, ...], at: tuple[int, int]
) -> None:
    """The why's number, or its mark tags as pills, along one line of the box's header."""
    x, top = at
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


def _draw_connectors(draw: ImageDraw.ImageDraw, layout: Layout) -> None:
    """A rail from each parent with several children, a stub and arrow to each of them; a
    straight arrow down to an only child; across a column break, the rest in the next column."""
    for child in layout.placed:
        _draw_connector(draw, layout, child)


def _draw_connector(draw: ImageDraw.ImageDraw, layout: Layout, child: Placed) -> None:
    style = layout.style
    row = child.row
    if row.parent is None:
        column, top, rail = 0, layout.problem_bottom, layout.step // 2
        source = "the problem"
    else:
        parent = layout.placed[row.parent]
        column, top = parent.column, parent.box_bottom
        rail = parent.x - layout.column_x(parent.column) + layout.step // 2
        source = f"#{parent.row.node.number}"
    rail_x = layout.column_x(child.column) + rail
    if row.hangs:
        stub = child.box_top + style.pad + style.line // 2
        _draw_rail(draw, layout, rail, (column, top), (child.column, stub))
        draw.line((rail_x, stub, child.x, stub), CONNECTOR, style.stroke)
        _arrowhead(draw, (child.x, stub), "right", style)
    else:
        _draw_rail(draw, layout, rail, (column, top), (child.column, child.box_top))
        _arrowhead(draw, (rail_x, child.box_top), "down", style)
    if child.column != column and child.top == layout.column_top:
        # The parent is out of sight at the foot of an earlier column.
        at = (rail_x + style.pad, child.top - style.small_line - style.gap // 2)
        _line(draw, at, f"↑ from {source}", style.small_regular, style.small_line, MUTED)


def _draw_rail(
    draw: ImageDraw.ImageDraw,
    layout: Layout,
    x: int,
    start: tuple[int, int],
    end: tuple[int, int],
) -> None:
    """A line `x` from the left of each column, from `start` (column, top) down to `end`
    (column, bottom); through to the foot of a column the line continues in the next."""
    style = layout.style
    (first, top), (last, bottom) = start, end
    for column in range(first, last + 1):
        line_top = top if column == first else layout.column_top
        line_bottom = bottom if column == last else layout.column_bottom + style.gap // 2
        x_here = layout.column_x(column) + x
        if line_bottom > line_top:
            draw.line((x_here, line_top, x_here, line_bottom), fill=CONNECTOR, width=style.stroke)


def _arrowhead(
    draw: ImageDraw.ImageDraw, tip: tuple[int, int], pointing: str, style: Style
) -> None:
    size = max(5, style.size // 3)
    half = size // 2 + 1
    x, y = tip
    if pointing == "right":
        points = [(x, y), (x - size, y - half), (x - size, y + half)]
    else:
        points = [(x, y), (x - half, y - size), (x + half, y - size)]
    draw.polygon(points, fill=CONNECTOR)
