"""What the picture says: the whys in outline order, their text as the font can draw it, and
the legend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.picture.palette import (
    HUMAN_ERROR_FILL,
    HUMAN_ERROR_RED,
    WEAK_SPOT_AMBER,
    WEAK_SPOT_FILL,
    Colour,
)
from bot.core.picture.text import BOLD, REGULAR, Text

# Drawing more would only make a picture too small to read and too big to hold in memory.
MAX_WHYS = 60
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


@dataclass(frozen=True)
class Row:
    node: PictureNode
    level: int  # indentation steps from the column's left edge
    parent: int | None  # the parent's row; None under the problem
    hangs: bool  # from its parent's rail beside siblings; otherwise straight below the parent


def outline(roots: Sequence[PictureNode]) -> tuple[list[Row], int]:
    """The whys parents first, with their indentation, up to MAX_WHYS; and how many are left out."""
    rows: list[Row] = []
    several = len(roots) > 1
    pending = [(root, int(several), None, several) for root in reversed(roots)]
    # A stack rather than recursion: a chain of any depth is drawn, not refused.
    while pending and len(rows) < MAX_WHYS:
        node, level, parent, hangs = pending.pop()
        rows.append(Row(node, level, parent, hangs))
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
class Note:
    """A line of the legend, and the edge and fill of its swatch if it has one."""

    text: str
    swatch: tuple[Colour, Colour] | None


@dataclass(frozen=True)
class Content:
    problem: Text
    title: Text | None
    rows: tuple[Row, ...]
    answers: tuple[Text, ...]
    labels: tuple[Text | None, ...]
    legend: tuple[Note, ...]

    @classmethod
    def of(cls, problem: str, title: str | None, rows: list[Row], left_out: int) -> Content:
        nodes = [row.node for row in rows]
        legend = []
        if any(node.human_error for node in nodes):
            legend.append(Note(HUMAN_ERROR_LEGEND, (HUMAN_ERROR_RED, HUMAN_ERROR_FILL)))
        if any(node.unaddressed for node in nodes):
            legend.append(Note(WEAK_SPOT_LEGEND, (WEAK_SPOT_AMBER, WEAK_SPOT_FILL)))
        if left_out:
            legend.append(Note(f"{left_out} more whys are not drawn", None))
        return cls(
            problem=Text.of(problem, REGULAR),
            title=Text.of(title, BOLD) if title else None,
            rows=tuple(rows),
            answers=tuple(Text.of(node.text, REGULAR) for node in nodes),
            labels=tuple(
                Text.of(node.edge_label, REGULAR) if node.edge_label else None for node in nodes
            ),
            legend=tuple(legend),
        )
