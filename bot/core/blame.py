"""Answers that stop at a person's mistake instead of a mechanism, and the question asked next.

Pure. An answer blames when it stops at a human action that went wrong, whoever acted (a role
of any field, a name, a pronoun, a team, the passive "the wrong flag was set") or implies
carelessness ("only checked the first page"); an answer that names a person neutrally as part
of a mechanism ("the checklist told the nurse to skip the scan at night") does not. Judged by a
model of the answer's shape (bot/core/judgement), not by a list of roles or words.
"""

from __future__ import annotations

from bot.core.judgement.model import Question, model
from bot.core.questions import QUOTE_LIMIT
from bot.core.slack_text import clip


def blames_a_person(text: str) -> bool:
    """Whether an answer stops at a person (human error as the cause) instead of a mechanism."""
    return model(Question.BLAME).says(text)


# After an answer that blames a person: the mechanism behind the mistake, never the person.
# By the why's number, so that a chain with several does not repeat itself.
MECHANISM_QUESTIONS = (
    "People will always make mistakes. What made it possible for “{answer}” to have this "
    "impact, and why did nothing catch it sooner?",
    "Anyone could slip like that. What in the way the work is set up let “{answer}” happen, "
    "and why did nothing stop it?",
    "Let's look past the person: what made “{answer}” possible, and what could have caught it "
    "before it mattered?",
)


def mechanism_question(answer: str, number: int = 0) -> str:
    """The question asked as why #`number` after `answer` blamed a person, quoting it."""
    template = MECHANISM_QUESTIONS[number % len(MECHANISM_QUESTIONS)]
    return template.format(answer=clip(" ".join(answer.split()), QUOTE_LIMIT))
