"""Corrections of what a review recorded: a reply the team says was no answer (a :x:), and an
edited answer. `undo` and a deleted message are `take_back` in bot/core/facilitation.py.

Pure: no Slack, no database, no clock.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core import blame
from bot.core.facilitation import (
    Chain,
    FacilitationError,
    Status,
    Step,
    default_follow_up,
    done,
    next_question,
    next_unexplored,
    take_back,
)


def withdraw(chain: Chain, answer_ts: str) -> Chain:
    """A reply the team says was no answer (a `:x:` on it): out of the tree, as if never taken.

    The latest answer goes as `undo` takes it back, and its question is asked again. An earlier
    one leaves its place to what was answered about it: people answer the question in front of
    them, so the first answer given to "why did <it> happen?" answered its question, and the
    others are causes beside that one.
    """
    target = next((step for step in chain.answered if step.answer_ts == answer_ts), None)
    if target is None:
        raise FacilitationError("That message is not an answer in this chain.")
    if target is chain.latest_answer:
        return take_back(chain, answer_ts=answer_ts)
    below = sorted(chain.children(target.number), key=lambda step: step.number)
    answered = [step for step in below if step.answer is not None]
    gone = {step.number for step in below if step.answer is None} | {target.number}
    moved: dict[int, Step] = {}
    if answered:
        first, *beside = answered
        gone = (gone - {target.number}) | {first.number}
        moved[target.number] = replace(
            target,
            answer=first.answer,
            author=first.author,
            answer_ts=first.answer_ts,
            human_error=first.human_error,
            branch_done=first.branch_done,
        )
        for step in chain.steps:
            if step.parent == first.number:
                moved[step.number] = replace(step, parent=target.number)
        for step in beside:
            moved[step.number] = replace(
                step, parent=target.parent, subject=target.subject, question=target.question
            )
    steps = tuple(moved.get(step.number, step) for step in chain.steps if step.number not in gone)
    kept = replace(chain, steps=steps, asked=chain.highest)
    if kept.status is not Status.ASKING or kept.open_step is not None:
        return kept
    unexplored = next_unexplored(kept)
    if unexplored is None:
        return done(kept)
    return replace(kept, steps=(*steps, next_question(kept, unexplored)))


def revise_answer(chain: Chain, answer_ts: str, text: str) -> Chain:
    """Apply an edit of an answer's message; the whys asked about it quote the new text."""
    target = next((step for step in chain.steps if step.answer_ts == answer_ts), None)
    if target is None:
        raise FacilitationError("That message is not an answer in this chain.")
    revised = replace(target, answer=text, human_error=blame.blames_a_person(text))
    steps = []
    for step in chain.steps:
        if step.number == target.number:
            step = revised
        elif step.parent == target.number:
            step = replace(step, subject=text)
            if step.answer is None and step.question == default_follow_up(
                replace(target, number=step.number)
            ):
                step = replace(
                    step, question=default_follow_up(replace(revised, number=step.number))
                )
        steps.append(step)
    return replace(chain, steps=tuple(steps))
