"""Reading a tree picture back from its PNG: its colours, its boxes and their lines of text.

Tests read the picture as a person would, so they hold whatever the layout does inside. Boxes
are found by their edge colours: Pillow draws rectangles without anti-aliasing, so an edge is
made of pixels of exactly its colour. Only a legend swatch (small) and the human error tag
(filled) share one, so a box is what is drawn hollow and wide in an edge colour.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageChops

from bot.core.picture import (
    HUMAN_ERROR_RED,
    MAX_HEIGHT,
    MAX_WIDTH,
    MIN_FONT_SIZE,
    WEAK_SPOT_AMBER,
)
from bot.core.picture.palette import BOX_EDGE, Colour
from bot.core.picture.style import BOX_WIDTH_EM

EDGES = (BOX_EDGE, HUMAN_ERROR_RED, WEAK_SPOT_AMBER)
# Narrower than any box drawn at full size, far wider than a legend swatch.
MIN_BOX_WIDTH = BOX_WIDTH_EM * MIN_FONT_SIZE // 2
# Clear of a box's edge (at most 4 pixels wide) and its rounded corners (at most 8 pixels),
# and short of its text, which starts at least 7 pixels inside it.
INSET = (10, 5)


def picture(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert 1 <= image.width <= MAX_WIDTH
    assert 1 <= image.height <= MAX_HEIGHT
    return image.convert("RGB")


def colours(image: Image.Image) -> set[Colour]:
    found = image.getcolors(maxcolors=image.width * image.height)
    assert found is not None
    return {colour for _count, colour in found}


@dataclass(frozen=True)
class Outline:
    """A hollow shape drawn in one colour; its bounds are inclusive, as Pillow draws them."""

    edge: Colour
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left


def outlines(image: Image.Image, edge: Colour) -> list[Outline]:
    """The hollow shapes drawn in `edge`, such as boxes and legend swatches, but not tags,
    which are filled."""
    found = []
    for runs in _components(_runs(_exactly(image, edge))):
        left, right = min(run[1] for run in runs), max(run[2] for run in runs)
        top, bottom = runs[0][0], max(run[0] for run in runs)
        pixels = sum(last - first + 1 for _, first, last in runs)
        if pixels < (right - left + 1) * (bottom - top + 1) // 2:
            found.append(Outline(edge, left, top, right, bottom))
    return found


def boxes(image: Image.Image) -> list[Outline]:
    """The whys' boxes in reading order: down each column, the columns left to right."""
    found = [it for edge in EDGES for it in outlines(image, edge) if it.width >= MIN_BOX_WIDTH]
    columns: list[list[Outline]] = []
    # Boxes in one column overlap across, however far their whys are indented.
    for box in sorted(found, key=lambda it: it.left):
        if columns and box.left <= max(it.right for it in columns[-1]):
            columns[-1].append(box)
        else:
            columns.append([box])
    return [box for column in columns for box in sorted(column, key=lambda it: it.top)]


def font_size(found: list[Outline]) -> int:
    """The body font size the boxes were drawn at, from their width: BOX_WIDTH_EM em."""
    widths = {box.width for box in found}
    assert len(widths) == 1, widths
    size, rest = divmod(widths.pop(), BOX_WIDTH_EM)
    assert rest == 0
    return size


def text_lines(image: Image.Image, box: Outline, background: Colour) -> int:
    """How many lines of text are drawn inside `box`: bands of rows with ink on `background`."""
    across, down = INSET
    inside = image.crop((box.left + across, box.top + down, box.right - across, box.bottom - down))
    plain = Image.new("RGB", inside.size, background)
    ink = ImageChops.difference(inside, plain).convert("L").point(lambda v: 255 if v > 64 else 0)
    data, width = ink.tobytes(), ink.width
    inked = [any(data[y * width : (y + 1) * width]) for y in range(ink.height)]
    return sum(1 for y, row in enumerate(inked) if row and (y == 0 or not inked[y - 1]))


def _exactly(image: Image.Image, colour: Colour) -> Image.Image:
    """A mask of the pixels of exactly `colour`."""
    bands = [
        band.point(lambda v, wanted=wanted: 255 if v == wanted else 0)
        for band, wanted in zip(image.split(), colour, strict=True)
    ]
    return ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])


def _runs(mask: Image.Image) -> list[tuple[int, int, int]]:
    """Each row's runs of set pixels, as (row, first, last), top to bottom and left to right."""
    runs = []
    width = mask.width
    for match in re.finditer(rb"[^\x00]+", mask.tobytes()):
        start, end = match.span()
        while start < end:
            row, first = divmod(start, width)
            stop = min(end, (row + 1) * width)
            runs.append((row, first, first + stop - start - 1))
            start = stop
    return runs


def _components(runs: list[tuple[int, int, int]]) -> list[list[tuple[int, int, int]]]:
    """The runs grouped into shapes: runs in rows next to each other that touch, corners too."""
    parent = list(range(len(runs)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    previous: list[int] = []
    current: list[int] = []
    for index, (row, first, last) in enumerate(runs):
        if current and runs[current[0]][0] != row:
            previous = current if runs[current[0]][0] == row - 1 else []
            current = []
        current.append(index)
        for above in previous:
            if runs[above][1] <= last + 1 and first <= runs[above][2] + 1:
                parent[root(above)] = root(index)
    groups: dict[int, list[tuple[int, int, int]]] = {}
    for index, run in enumerate(runs):
        groups.setdefault(root(index), []).append(run)
    return list(groups.values())


def band(image: Image.Image, fill: Colour) -> Outline:
    """The bounds of everything drawn in `fill`, such as the problem's band."""
    bounds = _exactly(image, fill).getbbox()
    assert bounds is not None
    left, top, right, bottom = bounds
    return Outline(fill, left, top, right - 1, bottom - 1)
