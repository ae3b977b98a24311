"""One why measured at a style: its edge label, its number and mark tags, its answer wrapped."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.picture.content import Content, PictureNode
from bot.core.picture.palette import (
    HUMAN_ERROR_RED,
    INK,
    PAPER,
    WEAK_SPOT_TAG_FILL,
    Colour,
)
from bot.core.picture.style import Style
from bot.core.picture.text import Text, wrap

HUMAN_ERROR_TAG = "human error"
WEAK_SPOT_TAG = "no action item yet"


@dataclass(frozen=True)
class Tag:
    text: str
    fill: Colour
    ink: Colour
    width: int


@dataclass(frozen=True)
class Box:
    """One row measured: its edge label, header lines, answer lines and height."""

    label: str | None
    header: tuple[tuple[str | Tag, ...], ...]
    answer: tuple[str, ...]
    rtl: bool
    label_rtl: bool
    label_height: int
    box_height: int

    @property
    def height(self) -> int:
        return self.label_height + self.box_height


def boxes(content: Content, style: Style) -> list[Box]:
    return [
        box(row.node, answer, label, style)
        for row, answer, label in zip(content.rows, content.answers, content.labels, strict=True)
    ]


def box(node: PictureNode, answer: Text, label: Text | None, style: Style) -> Box:
    inner = style.box_width - 2 * style.pad
    label_lines = wrap(label, style.small_regular, inner, 1) if label else []
    number = f"#{node.number}"
    tags = []
    if node.human_error:
        tags.append((HUMAN_ERROR_TAG, HUMAN_ERROR_RED, PAPER))
    if node.unaddressed:
        tags.append((WEAK_SPOT_TAG, WEAK_SPOT_TAG_FILL, INK))
    header: list[list[str | Tag]] = [[number]]
    used = style.bold.getlength(number)
    for text, fill, ink in tags:
        width = round(style.small_bold.getlength(text)) + style.pad
        if used + style.pad + width > inner:
            header.append([])
            used = -style.pad
        header[-1].append(Tag(text, fill, ink, width))
        used += style.pad + width
    lines = wrap(answer, style.regular, inner, style.answer_lines)
    return Box(
        label=label_lines[0] if label_lines else None,
        header=tuple(tuple(items) for items in header),
        answer=tuple(lines),
        rtl=answer.rtl,
        label_rtl=label is not None and label.rtl,
        label_height=style.small_line if label_lines else 0,
        box_height=2 * style.pad + style.line * (len(header) + len(lines)),
    )


def sketch(box: Box, style: Style) -> Box:
    """A box wrapped at another size, with the height it would have at `style`'s."""
    return replace(
        box,
        label_height=style.small_line if box.label is not None else 0,
        box_height=2 * style.pad + style.line * (len(box.header) + len(box.answer)),
    )
