"""The next why, in the answer's own words where its shape allows, as the seed asks them.

Pure. "All the servers were turned off." gives "Why were all the servers turned off?"; "There
were no alarms on X" gives "Why were there no alarms on X?"; "A deploy halved the pool" gives
"Why did a deploy halve the pool?". An answer whose shape is not one of these (a fragment, a
list, several sentences, a long paragraph) gets a short question with the answer quoted under
it, worded a little differently each time so that a long chain does not read like a form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.judgement import lexicon
from bot.core.slack_text import clip

if TYPE_CHECKING:
    # What a why is; the chain imports this module's wording (blame's quotes), not the reverse.
    from bot.core.facilitation import Step

# How much of an answer a question quotes, restated or under it.
QUOTE_LIMIT = 150


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# When an answer cannot be restated, one of these asks about it; by the why's number.
FOLLOW_UPS = (
    "Why did that happen?",
    "What made that possible?",
    "And why was that?",
    "What led to that?",
    "Why was that the case?",
)
_BE = {"is", "are", "was", "were"}
_HAVE = {"has": "does", "have": "do", "had": "did"}
_DO = {"do", "does", "did"}
_MODALS = {"can", "could", "will", "would", "should", "must", "may", "might", "shall"}
_NEGATED = re.compile(
    r"^(is|are|was|were|has|have|had|do|does|did|ca|can|could|wo|would|should|must|need)n[’']?t$",
    re.I,
)
_PLURAL_SUBJECTS = {"we", "they", "you", "i"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "our", "their", "its", "my"}
_QUANTIFIERS = _words(
    "one two three four five six seven eight nine ten many several few both all each every any most"
)
# Words a subject cannot end with: "the two" needs its noun ("the two syringes look alike").
_FUNCTION_WORDS = (
    _words(
        "as of in on at by for to from with without into onto over under about after before and"
        " or but so than then if when while because like per via vs"
    )
    | _QUANTIFIERS
)
# "it's the cron job" is "it is the cron job".
_CONTRACTED_IS = re.compile(r"^(it|that|there|here|what)(?:[’']s|s)\b", re.I)
# Openings that say the reply is an answer, not part of what it says.
_LEAD_INS = re.compile(
    r"^(?:(?:because|bc|b/c|cause|coz|cuz|since|well|so|i think|i guess|probably|basically"
    r"|tbh|imo|honestly)[\s,:]+)+",
    re.I,
)
_WORD = re.compile(r"\S+")
# "..., right?" at the end of a cause: the cause is what comes before it.
_TAG_QUESTION = re.compile(
    r"[,\s]+(?:right|no|yes|yeah|correct|eh|innit|ok|true|isn[’']?t it|wasn[’']?t it|"
    r"didn[’']?t it|don[’']?t you think|no\?? ?)\s*[?？]+\s*$",
    re.I,
)
# A second clause ("..., and there was no UI"): restating the first would drop it.
# So is "…, they're next to each other": a second sentence after a comma.
_SECOND_CLAUSE = re.compile(
    r",\s*(?:and|but|so|because|which|while|then|plus)\b|;|,\s+\S+\s+\S+", re.I
)
# Words that start a second clause, when a verb of its own follows them.
_AND = {"and", "but", "or", "plus", "so", "because", "since", "cos", "cuz", "bc"}
_TRAILING = " \t.!;:…,"


@dataclass(frozen=True)
class Question:
    """A question about an answer; `quote` is the answer, clipped, when the question does not
    restate it."""

    text: str
    quote: str | None = None


def about_problem(problem: str) -> Question:
    """Why #1. A problem written as a question is asked as it stands."""
    stripped = problem.strip()
    if stripped.endswith(("?", "？")):
        return Question(_capitalised(stripped))
    restated = restate(stripped)
    return Question(restated) if restated else Question(FOLLOW_UPS[0], clip(stripped, QUOTE_LIMIT))


def about_answer(answer: str, number: int) -> Question:
    """The why asked about `answer` as why #`number`."""
    restated = restate(answer)
    if restated:
        return Question(restated)
    return Question(FOLLOW_UPS[number % len(FOLLOW_UPS)], clip(answer.strip(), QUOTE_LIMIT))


def restate(answer: str) -> str | None:
    """`answer` turned into a why question in its own words, or None if its shape does not
    allow it."""
    text = _TAG_QUESTION.sub("", _LEAD_INS.sub("", answer.strip())).rstrip(_TRAILING)
    if not text or len(text) > QUOTE_LIMIT or "\n" in text or re.search(r"[.!?;]\s", text):
        return None
    if _SECOND_CLAUSE.search(text) or text.endswith(("?", "？")):
        return None
    words = _WORD.findall(_CONTRACTED_IS.sub(r"\1 is", text))
    for at, word in enumerate(words):
        question = _question_at(words, at, word.lower())
        if question is not None:
            return question
    return None


def _question_at(words: list[str], at: int, verb: str) -> str | None:
    """The question if `words[at]` is the answer's verb, with a subject before it."""
    subject, rest = words[:at], words[at + 1 :]
    if not _is_subject(subject) or verb in _DETERMINERS:
        return None
    if _second_finite_clause(rest):
        return None  # "…die and that model doesn't chirp": one question cannot ask both
    who = _subject_text(subject)
    after = " ".join(rest)
    if verb in _BE or verb in _MODALS or verb in _DO or _NEGATED.match(verb):
        if not rest:
            return None
        return _join("Why", _auxiliary(verb), who, after)
    if verb in _HAVE:
        participle = next((w for w in rest if w.lower() not in ("not", "never", "already")), "")
        if lexicon.past_base(participle.lower().strip(",")) and participle.lower() != "had":
            return _join("Why", verb, who, after)  # "has changed": the perfect
        return _join("Why", _HAVE[verb], who, "have", after)  # "has no alarm": possession
    if len(subject) == 1 and not _names_something(subject[0]):
        return None  # "quota hit", "cert expired": a headline, not a subject and a verb
    base = lexicon.past_base(verb)
    if base is not None:
        return _join("Why did", who, base, after)
    base = lexicon.present_base(verb)
    if base is not None and lexicon.is_noun(verb) and lexicon.is_adjective(subject[-1].lower()):
        return None  # "the cheaper bolts", "the front steps": a noun, not a verb
    if base is not None and subject[-1].lower() not in _PLURAL_SUBJECTS:
        return _join("Why does", who, base, after)
    if lexicon.is_verb(verb) and _plural(subject[-1]):
        return _join("Why do", who, verb, after)
    return None


def _second_finite_clause(rest: list[str]) -> bool:
    """Whether what follows the verb goes on, after "and", "so", "because" or the like, with a
    verb of its own."""
    lowered = [word.lower() for word in rest]
    starts = [at for at, word in enumerate(lowered) if word in _AND]
    return bool(starts) and any(_finite(word) for word in lowered[starts[0] + 1 :])


def _auxiliary_verb(word: str) -> bool:
    return (
        word in _BE
        or word in _MODALS
        or word in _HAVE
        or word in _DO
        or _NEGATED.match(word) is not None
    )


def _verb_form(word: str) -> bool:
    return lexicon.past_base(word) is not None or lexicon.present_base(word) is not None


def _finite(word: str) -> bool:
    return (
        _auxiliary_verb(word)
        or lexicon.past_base(word) is not None
        or (lexicon.present_base(word) is not None and not lexicon.is_noun(word))
    )


def _auxiliary(word: str) -> str:
    """ "didnt" as "didn't", "cant" as "can't"; any other auxiliary as it is, lower case."""
    negated = _NEGATED.match(word)
    if negated is None:
        return word.lower()
    return negated.group(1).lower() + "n't"


def _plural(word: str) -> bool:
    lower = word.lower()
    return lower in _PLURAL_SUBJECTS or (
        lower.endswith("s") and not lower.endswith("ss") and lexicon.is_noun(lower)
    )


def _is_subject(words: list[str]) -> bool:
    """A plausible subject: a few words, not starting with a verb or a preposition."""
    if not words or len(words) > 8:
        return False
    first = words[0].lower()
    last = words[-1].lower()
    if last in _DETERMINERS or last in _FUNCTION_WORDS or words[-1].endswith(","):
        return False
    counted = first in _DETERMINERS or first in _QUANTIFIERS or first.isdigit()
    if len(words) > 1 and not counted and _verb_form(words[1].lower()):
        return False  # "purchasing ordered the cheaper…": the verb came first
    if any(_auxiliary_verb(word.lower()) for word in words):
        return False  # "tech log is paper and the … page": a clause, not a subject
    joined = [at for at, word in enumerate(words) if word.lower() in _AND]
    if joined and any(_verb_form(word.lower()) for word in words[1 : joined[0]]):
        return False  # "pharmacy closes at 5 and the cupboard…": two clauses
    return not (lexicon.past_base(first) and first not in ("i",)) and first not in (
        "no",
        "not",
        "to",
        "for",
        "with",
        "in",
        "on",
        "at",
        "by",
        "and",
        "or",
        "but",
    )


def _names_something(word: str) -> bool:
    """A lone subject that can act: a pronoun, a name, a person, or a thing with a determiner
    elsewhere; "quota" alone, before "hit", is a headline."""
    lower = word.lower()
    return (
        lower
        in (
            "it",
            "he",
            "she",
            "they",
            "we",
            "i",
            "you",
            "someone",
            "somebody",
            "nobody",
            "nothing",
            "everyone",
            "everybody",
            "anyone",
            "anybody",
        )
        or word[:1].isupper()
        or lexicon.is_person(lower)
    )


def _subject_text(words: list[str]) -> str:
    """The subject as it goes after "why": its first word lower case, unless it is a name."""
    first, *rest = words
    if first != "I" and not (first.isupper() and len(first) > 1) and _common(first):
        first = first[:1].lower() + first[1:]
    return " ".join([first, *rest])


def _common(word: str) -> bool:
    lower = word.lower()
    return (
        lower in _DETERMINERS
        or lower in _PLURAL_SUBJECTS
        or lower in ("it", "there", "he", "she", "all", "every", "each", "some", "no", "nobody")
        or lexicon.is_noun(lower)
        or lexicon.is_adjective(lower)
        or lexicon.is_verb(lower)
        or lexicon.is_adverb(lower)
    )


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part).rstrip(_TRAILING) + "?"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# The question of a why -------------------------------------------------------------------


def asked(step: Step) -> Question:
    """The question for `step` as it is asked: the stored one, or one made from its subject in
    the subject's own words (the problem as it stands when it is a question)."""
    if step.question:
        return Question(step.question)
    if step.parent is None:
        return about_problem(step.subject)
    return about_answer(step.subject, step.number)


def question_text(step: Step) -> str:
    """The question itself, as asked."""
    return asked(step).text


def why_question(step: Step) -> str:
    """The question for `step` as posted, numbered."""
    return f"Why #{step.number}: {question_text(step)}"
