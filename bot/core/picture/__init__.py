"""The tree of causes as a PNG picture, for a Slack thread beside the chain and for the terminal.

Pure: the problem and the whys in, PNG bytes out; the same input gives the same bytes.

The picture is an indented outline that flows into columns, read like a newspaper: the problem
in a dark band across the top, then each why as a box with its number and answer. Whys with
siblings hang from their parent's rail, one step to the right; an only child continues straight
below its parent, so a chain of thirty whys stays one box wide. A why whose parent is in an
earlier column says so ("↑ from #7"). Columns keep any shape of tree, a chain thirty deep,
thirty siblings or anything between, inside the same bounds: at most MAX_WIDTH x MAX_HEIGHT
pixels, with text at least MIN_FONT_SIZE pixels high unless the tree is too big for them.
Beyond MAX_WHYS the rest are left out and counted at the bottom.

Made in steps, a module each: content (the whys as an outline, and the legend), text (fonts,
and user text cleaned and wrapped; cmap reads which characters a font has), style (every size
from the body font size), boxes (each why measured), layout (font size, columns and places),
draw (the pixels and the PNG); palette holds the colours.
"""

from bot.core.picture.content import MAX_WHYS, PictureNode
from bot.core.picture.draw import render_tree_png
from bot.core.picture.layout import MAX_HEIGHT, MAX_WIDTH, MIN_FONT_SIZE, PREVIEW_SIZE
from bot.core.picture.palette import HUMAN_ERROR_RED, WEAK_SPOT_AMBER

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
