"""Sizes and fonts, all derived from the body font size, so one number scales the picture."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageFont

from bot.core.picture.text import BOLD, REGULAR, load_font

BOX_WIDTH_EM = 16


@dataclass(frozen=True)
class Style:
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
    def of(cls, size: int, answer_lines: int) -> Style:
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
        return load_font(REGULAR, self.size)

    @property
    def bold(self) -> ImageFont.FreeTypeFont:
        return load_font(BOLD, self.size)

    @property
    def small_regular(self) -> ImageFont.FreeTypeFont:
        return load_font(REGULAR, self.small)

    @property
    def small_bold(self) -> ImageFont.FreeTypeFont:
        return load_font(BOLD, self.small)

    @property
    def title(self) -> ImageFont.FreeTypeFont:
        return load_font(BOLD, round(self.size * 1.25))
