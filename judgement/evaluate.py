"""Measures the bot's judgement on labelled sets, per field, through the bot's own functions.

    python -m judgement.evaluate judgement/heldout/round1.tsv [more.tsv ...] [--misses]

A thread reply is kept out of the tree unless `read_reply` takes it as an answer; an answer is
marked as human error when `blames_a_person` says so; an action item is marked as not a
mechanism when `is_weak_action` says so. `--misses` lists what was judged wrongly: use it on a
set only once its figures are taken, and never tune to the list.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from bot.core import replies
from bot.core.blame import blames_a_person
from bot.core.mechanisms import is_weak_action
from judgement.train import Example, read

ROWS = (
    ("chatter kept out", "chatter_out", "chatter"),
    ("answers lost", "answer_lost", "answer"),
    ("blame marked", "blame_hit", "blame"),
    ("causes marked", "cause_false", "cause"),
    ("weak marked", "weak_hit", "weak"),
    ("strong marked", "strong_false", "strong"),
)


def judge(example: Example, counts: Counter[str], misses: list[str]) -> None:
    """Count how `example` was judged; note it in `misses` when wrongly."""

    def count(name: str, total: str, hit: bool, wrong: bool) -> None:
        counts[total] += 1
        counts[name] += hit
        if wrong:
            misses.append(f"{name:12} {example.field:13} {example.text}")

    if example.task == "A":
        weak = is_weak_action(example.text)
        if example.label == "weak":
            count("weak_hit", "weak", weak, not weak)
        else:
            count("strong_false", "strong", weak, weak)
        return
    kept = isinstance(replies.read_reply(example.text), replies.Answer)
    if example.label == "chatter":
        count("chatter_out", "chatter", not kept, kept)
        return
    count("answer_lost", "answer", not kept, not kept)
    blamed = blames_a_person(example.text)
    if example.label == "blame":
        count("blame_hit", "blame", blamed, not blamed)
    else:
        count("cause_false", "cause", blamed, blamed)


def table(by_field: dict[str, Counter[str]]) -> str:
    fields = [*sorted(by_field), "all"]
    pooled: Counter[str] = Counter()
    for counts in by_field.values():
        pooled.update(counts)
    by_field = {**by_field, "all": pooled}
    lines = ["| | " + " | ".join(fields) + " |", "| --- |" + " --- |" * len(fields)]
    for title, name, total in ROWS:
        cells = [
            f"{100 * by_field[f][name] / by_field[f][total]:.1f}%" if by_field[f][total] else "—"
            for f in fields
        ]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines.append("| examples | " + " | ".join(str(_size(by_field[f])) for f in fields) + " |")
    return "\n".join(lines)


def _size(counts: Counter[str]) -> int:
    return counts["chatter"] + counts["answer"] + counts["weak"] + counts["strong"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="list what was judged wrongly")
    args = parser.parse_args()
    by_field: dict[str, Counter[str]] = {}
    misses: list[str] = []
    for path in args.sets:
        for example in read(path):
            judge(example, by_field.setdefault(example.field, Counter()), misses)
    print(table(by_field))
    if args.misses:
        print("\n".join(sorted(misses)))


if __name__ == "__main__":
    main()
