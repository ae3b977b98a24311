"""The picture's colours: slate for the tree, red for a human error, amber for a weak spot."""

from __future__ import annotations

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
