"""The three judgements, each a linear model over `features`, trained by judgement/train.py.

Pure, and small: each model is an array of weights indexed by a hash of the feature, with the
threshold chosen on held-out writers' examples (judgement/README.md has the figures).
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from bot.core.judgement.features import features

# Buckets per model: a feature's weight is found by its hash modulo this.
BUCKETS = 1 << 18
MODELS_FILE = "models.bin"


class Question(StrEnum):
    """What a model answers about a text."""

    CHATTER = "chatter"  # a thread reply that is conversation, not an answer
    BLAME = "blame"  # an answer that stops at a person's mistake
    WEAK = "weak"  # an action item that asks people to try harder


@dataclass(frozen=True)
class Model:
    """Weights by bucket, as whole numbers of `scale` (16 bits each, a quarter of the memory of
    the floats they were trained as)."""

    weights: array[int]
    scale: float
    bias: float
    threshold: float

    @classmethod
    def from_floats(cls, weights: Sequence[float], bias: float, threshold: float) -> Model:
        largest = max((abs(weight) for weight in weights), default=0.0) or 1.0
        scale = largest / 32767
        return cls(
            array("h", (round(weight / scale) for weight in weights)), scale, bias, threshold
        )

    def score(self, text: str) -> float:
        """The model's log-odds that the answer to its question is yes."""
        weights = self.weights
        return self.bias + self.scale * sum(weights[at] for at in buckets(features(text)))

    def says(self, text: str) -> bool:
        return self.score(text) > self.threshold

    def probability(self, text: str) -> float:
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, self.score(text)))))


def buckets(found: list[str]) -> set[int]:
    """Where each distinct feature's weight is: stable across processes and machines."""
    return {zlib.crc32(feature.encode()) % BUCKETS for feature in set(found)}


def model(question: Question) -> Model:
    return _models()[question]


@cache
def _models() -> dict[Question, Model]:
    data = resources.files(__package__).joinpath(MODELS_FILE).read_bytes()
    return decode(data)


# The file: per model its name, scale, bias, threshold and the length of its weights, then the
# weights as little-endian 16-bit integers, compressed (most buckets are empty): loaded with no
# object per weight.
_HEADER = struct.Struct("<16sdddI")


def encode(models: dict[Question, Model]) -> bytes:
    out = bytearray()
    for question, each in models.items():
        weights = array("h", each.weights)
        if sys.byteorder != "little":
            weights.byteswap()
        packed = zlib.compress(weights.tobytes(), 9)
        name = question.value.encode()
        out += _HEADER.pack(name, each.scale, each.bias, each.threshold, len(packed)) + packed
    return bytes(out)


def decode(data: bytes) -> dict[Question, Model]:
    models = {}
    at = 0
    while at < len(data):
        name, scale, bias, threshold, size = _HEADER.unpack_from(data, at)
        at += _HEADER.size
        weights = array("h")
        weights.frombytes(zlib.decompress(data[at : at + size]))
        if sys.byteorder != "little":
            weights.byteswap()
        at += size
        models[Question(name.rstrip(b"\0").decode())] = Model(weights, scale, bias, threshold)
    return models
