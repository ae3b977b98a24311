"""Action items that ask people to try harder, and those that build a mechanism.

Pure. People will always make mistakes, so an item whose effect depends on people remembering
or trying harder (remind, retrain, brief, coach, discuss, emphasise, raise awareness, be
careful, a poster, an email, a page of advice) changes little; an item that changes a system, a
tool, a check, an alarm, a default, a physical design or requires a second approval works
whoever is careless. Judged by a model of the item's shape (bot/core/judgement), not by its
words: "require a scanner-enforced second check" shares words with weak items and is not one.
"""

from __future__ import annotations

from bot.core.judgement.model import Question, model

WEAK_ACTION_ADVICE = (
    "This action item depends on people remembering or trying harder, which is not a "
    "mechanism: people will always make mistakes. Mechanisms work anyway: an alarm, a check "
    "the tool enforces, a safer default, a guard rail or permission limit, a physical design "
    "that makes the mistake hard to make, or a required second approval."
)


def is_weak_action(text: str) -> bool:
    """Whether an action item asks people to try harder instead of building a mechanism."""
    return model(Question.WEAK).says(text)
