"""Which characters a font can draw, read from its TrueType character map.

Pillow gives no way to ask whether a font has a glyph for a character: drawn without one, it
shows the font's "missing" box. Reading the map lets text be cleaned before it is measured.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Iterable, Iterator


class Coverage:
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
    def of(cls, font: bytes) -> Coverage:
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
