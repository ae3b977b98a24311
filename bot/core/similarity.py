"""Related COEs: past reviews whose recorded causes read like this one's.

Pure. Fuzzy matching of words (RapidFuzz), not meaning: text is reduced to the words that carry
it (no Slack markup, punctuation or stop words; crude stems, a few synonyms folded together) so
that "the" and "was" make nothing similar and "alarm", "alert" and "paged" count as one idea.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.slack_markup import decode_entities

# Two meaning-carrying words in common with a short cause score about 77 and up; one word in
# common about 70 and down (see tests/test_similarity.py).
DEFAULT_THRESHOLD = 75.0

_SLACK_TOKEN = re.compile(r"<[^<>]*>")
_NON_WORD = re.compile(r"[^\w]+|_")
# Everyday words, and what is left of contractions ("don't", "year's") without punctuation.
_STOP_WORDS = """
    a about after again all am an and any are as at be because been before being but by can
    could did do does doing down during each for from further had has have having he her here
    him his how i if in into is it its itself just me more most my no nobody none nor not
    nothing of off on once only or other our out over own same she should so some such than that
    the their them then there these they this those through to too under until up very was we
    were what when where which while who why will with would you your also get got still us
    s t d ll re ve m don didn doesn isn aren wasn weren hasn haven hadn won wouldn couldn shouldn
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Words for the same idea, folded into one, keyed by stem ("paged" and "paging" are "pag").
# The commonest missing mechanism in a COE is that nobody was told, said in many words.
SYNONYMS = {
    "alarm": "alert",
    "monitor": "alert",
    "notifi": "alert",
    "notify": "alert",
    "page": "alert",
    "pag": "alert",
    "pager": "alert",
    "cert": "certificate",
    "configuration": "config",
    "fill": "full",
    "space": "full",
    "usage": "full",
}
# Longest first: "deployment" -> "deploy", "turned" -> "turn", "disks" -> "disk".
_SUFFIXES = ("ment", "ing", "ed", "es", "s")


@dataclass(frozen=True)
class PastCoe:
    """A past COE as the search sees it: its id and the answers its review recorded."""

    coe_id: int
    causes: tuple[str, ...]


@dataclass(frozen=True)
class Similar:
    """A related COE: the cause of it most like one of ours, and how alike, 0 to 100."""

    coe_id: int
    cause: str
    score: float


def words(text: str) -> str:
    """The words of `text` that carry its meaning, lower case, in order, space separated."""
    # Mentions, channels and links say who or where, not what happened: dropped.
    plain = _NON_WORD.sub(" ", decode_entities(_SLACK_TOKEN.sub(" ", text)).lower())
    kept = (_fold(word) for word in plain.split() if word not in STOP_WORDS)
    return " ".join(word for word in kept if word not in STOP_WORDS)


def _fold(word: str) -> str:
    """One spelling per idea: a crude stem, then the synonym of that stem."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return SYNONYMS.get(word, word)


def score(ours: str, theirs: str) -> tuple[float, float]:
    """How alike two texts reduced by `words` are, 0 to 100, and a tie-break, also 0 to 100.

    The score is RapidFuzz's token set ratio: the share of the words in common, so a short cause
    inside a longer one still scores high. A single word would then score 100 against any
    sentence holding it, so a one-word side is compared whole instead. Many causes score 100
    that way; the tie-break, the token sort ratio of the whole texts, puts the closest first.
    """
    if not ours or not theirs:
        return (0.0, 0.0)
    whole = fuzz.token_sort_ratio(ours, theirs)
    if " " not in ours or " " not in theirs:
        return (whole, whole)
    return (fuzz.token_set_ratio(ours, theirs), whole)


def similar_coes(
    causes: Sequence[str],
    past: Sequence[PastCoe],
    *,
    limit: int = 3,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Similar]:
    """Past COEs with a cause like one of `causes`, best first; ties keep the order of `past`."""
    ours = [reduced for reduced in map(words, causes) if reduced]
    found = []
    for coe in past:
        alike, cause = _best_cause(ours, coe)
        if alike[0] >= threshold:
            found.append((alike, Similar(coe.coe_id, cause, alike[0])))
    # sorted() is stable: equally alike COEs stay in the order of `past`.
    found.sort(key=lambda scored: scored[0], reverse=True)
    return [similar for _, similar in found[:limit]]


def _best_cause(ours: Sequence[str], coe: PastCoe) -> tuple[tuple[float, float], str]:
    """`coe`'s cause most like one of `ours`, the first of equally good ones, and how alike."""
    best: tuple[tuple[float, float], str] = ((0.0, 0.0), "")
    for cause in coe.causes:
        theirs = words(cause)
        alike = max((score(our, theirs) for our in ours), default=(0.0, 0.0))
        if alike > best[0]:
            best = (alike, cause)
    return best
