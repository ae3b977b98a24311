"""Thread replies that are conversation, not answers: thanks, agreeing, promises and deferrals,
not knowing, presence, reactions, questions and requests to someone.

Pure. Judged by a model of the reply's shape (bot/core/judgement), not by a list of phrases: a
cause ending in a tag question ("the cert expired, right?") and a short cause ("quota hit",
"NTP.") are answers.
"""

from __future__ import annotations

from bot.core.judgement.model import Question, model

# A reply starting with this is an aside, not an answer, whatever it says.
ASIDE_PREFIX = "//"


def is_chatter(text: str) -> bool:
    """Whether a thread reply is conversation rather than an answer to the open why."""
    stripped = text.strip()
    if not stripped or stripped.startswith(ASIDE_PREFIX):
        return True
    return model(Question.CHATTER).says(stripped)
