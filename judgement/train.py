"""Trains the three judgement models on judgement/data/*.tsv and writes them into the package.

    python -m judgement.train            # train, validate across writers, write the models
    python -m judgement.train --check    # validate only

Each training file is one writer's. Validation holds out one writer at a time and trains on
the others: a model is only as good as it is on a writer it has not read. The threshold of each
model is chosen on those held-out scores, then every model is trained on all the data.

Files named `pairs_*` are contrastive on purpose (minimal pairs that change only who acted, and
the tables the earlier word-list rules were tuned on): they teach, but they are no sample of
how people write, so thresholds are chosen on the other writers alone.
Logistic regression by AdaGrad over hashed features (bot/core/judgement/features.py): plain
Python, deterministic, seconds to train.
"""

from __future__ import annotations

import argparse
import math
import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.judgement.features import features
from bot.core.judgement.model import BUCKETS, MODELS_FILE, Model, Question, buckets, encode

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
PACKAGE = ROOT.parent / "bot" / "core" / "judgement"
EPOCHS = 30
L2 = 1e-3
RATE = 0.5
# The largest share of the other kind a threshold may call yes, on held-out writers: the
# targets allow 3%, and a new writer is further from the data than the held-out ones. An
# answer taken for chatter is lost to the tree, worse than chatter taken for an answer (a :x:
# takes that back), so chatter gets the smaller share.
MOST_FALSE_ALARMS = {Question.CHATTER: 0.01, Question.BLAME: 0.02, Question.WEAK: 0.02}


@dataclass(frozen=True)
class Example:
    task: str  # R (a reply) or A (an action item)
    field: str
    label: str
    text: str


def read(path: Path) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            task, field, label, text = line.split("\t")
            examples.append(Example(task, field, label, text))
    return examples


def labelled(question: Question, examples: Sequence[Example]) -> list[tuple[str, bool]]:
    """The examples a question is trained on, each with its answer."""
    if question is Question.CHATTER:
        return [(e.text, e.label == "chatter") for e in examples if e.task == "R"]
    if question is Question.BLAME:
        return [
            (e.text, e.label == "blame") for e in examples if e.task == "R" and e.label != "chatter"
        ]
    return [(e.text, e.label == "weak") for e in examples if e.task == "A"]


def train(pairs: Sequence[tuple[str, bool]], seed: int = 1) -> Model:
    rows = [(sorted(buckets(features(text))), 1.0 if yes else 0.0) for text, yes in pairs]
    weights = array("d", bytes(8 * BUCKETS))
    squares = array("d", [1e-8]) * BUCKETS
    bias, bias_square = 0.0, 1e-8
    order = list(range(len(rows)))
    shuffle = random.Random(seed)
    for _ in range(EPOCHS):
        shuffle.shuffle(order)
        for index in order:
            found, target = rows[index]
            score = bias + sum(weights[at] for at in found)
            error = 1 / (1 + math.exp(-max(-30.0, min(30.0, score)))) - target
            for at in found:
                gradient = error + L2 * weights[at]
                squares[at] += gradient * gradient
                weights[at] -= RATE * gradient / math.sqrt(squares[at])
            bias_square += error * error
            bias -= RATE * error / math.sqrt(bias_square)
    return Model.from_floats(weights, bias, 0.0)


def threshold(scored: Sequence[tuple[float, bool]], most_false: float) -> float:
    """The threshold that catches the most yeses while calling at most `most_false` of the
    noes yes."""
    noes = sorted((score for score, yes in scored if not yes), reverse=True)
    allowed = int(most_false * len(noes))
    return noes[allowed] if allowed < len(noes) else 0.0


def rates(scored: Sequence[tuple[float, bool]], at: float) -> tuple[float, float]:
    yes = [score for score, truth in scored if truth]
    no = [score for score, truth in scored if not truth]
    return sum(s > at for s in yes) / len(yes), sum(s > at for s in no) / len(no)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="validate only; write nothing")
    args = parser.parse_args()
    writers = {path.stem: read(path) for path in sorted(DATA.glob("*.tsv"))}
    every = [example for examples in writers.values() for example in examples]
    models = {}
    natural = {name: rows for name, rows in writers.items() if not name.startswith("pairs_")}
    for question in Question:
        scored: list[tuple[float, bool]] = []
        for name, examples in natural.items():
            others = [e for other, rows in writers.items() if other != name for e in rows]
            held_out = train(labelled(question, others))
            scored += [(held_out.score(text), yes) for text, yes in labelled(question, examples)]
        chosen = threshold(scored, MOST_FALSE_ALARMS[question])
        caught, false = rates(scored, chosen)
        at_half, false_at_half = rates(scored, 0.0)
        print(
            f"{question.value:8} held-out writers ({len(natural)}): {100 * caught:5.1f}% caught, "
            f"{100 * false:4.1f}% false alarms at threshold {chosen:.2f} "
            f"(at 0: {100 * at_half:5.1f}% / {100 * false_at_half:4.1f}%)"
        )
        final = train(labelled(question, every))
        models[question] = Model(final.weights, final.scale, final.bias, chosen)
    if not args.check:
        (PACKAGE / MODELS_FILE).write_bytes(encode(models))
        print(f"wrote {MODELS_FILE}: {len(every)} examples from {len(writers)} writers")


if __name__ == "__main__":
    main()
