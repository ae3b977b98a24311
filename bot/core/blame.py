"""Answers that stop at a person ("human error", "Bob forgot to ...") instead of a mechanism.

Pure: no Slack, no database, no clock. The rules, in order:

1. An answer is cut into clauses (at sentence ends, "because", "but", "so", ", he ...", ...).
2. A clause *blames* when it has a human-error label ("operator error", "PEBKAC", "a careless
   mistake", "my bad"), or a person as the one who acted (a name, a Slack mention, a pronoun,
   a role such as "the on-call" or "QA", "someone") together with a negligence marker
   ("forgot", "missed", "by mistake", "should have", "didn't test", "ran it wrong", ...).
   "Nobody" and "no one" only count with a strong marker ("nobody bothered to check"):
   "nobody is paged when disks fill up" describes a process.
3. A clause *names a mechanism* when it describes what made the mistake possible or what
   failed to catch it ("there was no alarm", "nothing stops ...", "it was possible for anyone
   to ...", "the tool doesn't require ..."), or speaks of what people generally can do
   ("an engineer can delete prod with one command").
4. Within a clause a mechanism wins. Across clauses the answer blames a person when its
   deepest cause is a blaming clause: a mechanism given after the blame ("Bob forgot because
   the tool has no reminder"), or a reason that names no person ("the reviewer missed it
   because the diff was 3,000 lines"), goes past the person; a consequence ("no alarm, so the
   on-call missed it") is not the deeper cause. A clause with no subject of its own ("..., and
   then did nothing") shares the one before.

Passive statements about a process ("the config change was not reviewed") name no person, so
they do not blame: the next why asks about the process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from bot.core.blame_words import (
    AUXILIARIES,
    BLAME_CAUSE,
    CAUSE_WORDS,
    CLAUSE_STARTERS,
    CLAUSE_WORDS,
    COMMON_WORDS,
    CONSEQUENCE_WORDS,
    DESTRUCTIVE,
    DETERMINERS,
    FAULT_NOUNS,
    FIRST_PERSON,
    GENERIC_MODAL,
    IRREGULAR_PAST,
    LABEL_GUARDS,
    LABELS,
    MECHANISM,
    NAMES,
    NOBODY,
    NOUN_SUFFIXES,
    OBJECT_PRONOUNS,
    OBJECT_VERBS,
    PEOPLE,
    PERSON_ADJECTIVES,
    PREPOSITIONS,
    ROLE_HEADS,
    ROLES,
    SENTENCE_ENDS,
    SHARED_SUBJECT_WORDS,
    STRONG_MARKERS,
    SUBJECT_PRONOUNS,
    TECH_WORDS,
    THING_MECHANISM,
    WEAK_MARKERS,
)

_SLACK_MENTION = re.compile(r"<[@!](?:subteam\^)?[A-Z0-9]+(?:\|[^>]*)?>")
_ON_CALL = re.compile(r"\bon[\s-]?call\b", re.I)
_NO_ONE = re.compile(r"\bno[\s-]one\b", re.I)
_NEGATIONS = (
    (re.compile(r"\b(can)'?t\b", re.I), r"\1 not"),
    (re.compile(r"\bwon'?t\b", re.I), "will not"),
    (
        re.compile(
            r"\b(did|does|do|was|were|is|are|has|have|had|should|could|would|must|need)n'?t\b",
            re.I,
        ),
        r"\1 not",
    ),
    (re.compile(r"\b(should|could|would|must|might)'?ve\b", re.I), r"\1 have"),
    (re.compile(r"\b(it|that|there|he|she|what|who)'s\b", re.I), r"\1 is"),
    (re.compile(r"\bi'm\b", re.I), "i am"),
)
_CAUSE_BEFORE = re.compile(r"\b(?:because of|due to|thanks to|by|blame)(?: \S+){0,3}$")
_TOKEN = re.compile(r"@[\w.\-]+(?:'s)?|[^\W_][\w'\-]*|[.,;:!?\n]")


@dataclass(frozen=True)
class _Token:
    word: str  # lower case
    original: str


@dataclass(frozen=True)
class _Clause:
    tokens: tuple[_Token, ...]
    connector: str | None  # the word that introduced it: "because", "so", ...

    @property
    def text(self) -> str:
        return " ".join(token.word for token in self.tokens)


def blames_a_person(text: str) -> bool:
    """Whether an answer stops at a person (human error as the cause) instead of a mechanism."""
    clauses = _clauses(_tokens(text))
    verdict = False
    subject = _Subject(0, False, 0)
    for index, clause in enumerate(clauses):
        # "Bob acked the page and then did nothing": a clause without a subject shares the
        # subject of the clause before ("..., which was wrong" does not).
        own = _person(clause)
        shares = clause.connector in SHARED_SUBJECT_WORDS and _acts(clause.tokens[0].word)
        subject = subject._replace(at=-1) if shares and not own.strength else own
        # "No alarm, so the on-call missed it": a consequence is not the deeper cause.
        if clause.connector in CONSEQUENCE_WORDS and index > 0:
            continue
        kind = _classify(clause, subject)
        if kind is not None:
            verdict = kind == "blame"
        elif clause.connector in CAUSE_WORDS and not subject.strength:
            # "The reviewer missed it because the diff was 3,000 lines": past the person.
            verdict = False
    return verdict or _only_a_person(clauses)


def mechanism_question(quoted_answer: str) -> str:
    """The next question after an answer that blames a person, quoting that answer."""
    return (
        f'People will always make mistakes. What made it possible for "{quoted_answer}" '
        "to have this impact, and why did nothing catch it sooner?"
    )


# --- Reading the text --------------------------------------------------------------------------


def _tokens(text: str) -> list[_Token]:
    text = _SLACK_MENTION.sub(" @person", text.replace("’", "'").replace("‘", "'"))
    text = _NO_ONE.sub("no-one", _ON_CALL.sub("on-call", text))
    for pattern, replacement in _NEGATIONS:
        text = pattern.sub(replacement, text)
    return [_Token(match.group().lower(), match.group()) for match in _TOKEN.finditer(text)]


def _clauses(tokens: list[_Token]) -> list[_Clause]:
    clauses: list[_Clause] = []
    current: list[_Token] = []
    connector = None
    for index, token in enumerate(tokens):
        following = tokens[index + 1].word if index + 1 < len(tokens) else None
        starts_clause = token.word in SENTENCE_ENDS or token.word in CLAUSE_WORDS
        if starts_clause or (token.word in ("and", ",") and following in CLAUSE_STARTERS):
            if current:
                clauses.append(_Clause(tuple(current), connector))
            current = []
            connector = token.word if token.word in CLAUSE_WORDS else None
        else:
            current.append(token)
    if current:
        clauses.append(_Clause(tuple(current), connector))
    return clauses


# --- Classifying a clause ----------------------------------------------------------------------


def _classify(clause: _Clause, subject: _Subject) -> str | None:
    """ "blame", "mechanism" or None (neither) for one clause whose acting person is `subject`."""
    text = clause.text
    strength, first_person_only, first_at = subject
    if MECHANISM.search(text):
        return "mechanism"
    modal = GENERIC_MODAL.search(text)
    if modal and 0 < _token_index(text, modal.start()) - first_at <= 2:
        return "mechanism"
    label = LABELS.search(text)
    if label and not LABEL_GUARDS.search(text):
        return "blame"
    if _possessive_fault(clause):
        return "blame"
    thing = THING_MECHANISM.search(text)
    if thing and (not strength or _token_index(text, thing.start()) < first_at):
        return "mechanism"
    if strength == 2 and WEAK_MARKERS.search(text):
        return "blame"
    if strength and STRONG_MARKERS.search(text):
        return "blame"
    if strength == 2 and not first_person_only and DESTRUCTIVE.search(text):
        return "blame"
    if strength == 2 and _blamed_as_cause(clause):
        return "blame"
    return None


def _token_index(text: str, offset: int) -> int:
    return text[:offset].count(" ")


class _Subject(NamedTuple):
    """Who acts in a clause: 0 nobody, 1 "nobody"/"no one", 2 a person."""

    strength: int
    first_person_only: bool  # every such person is "I" or "we"
    at: int  # index of the first one in the clause; -1 when shared with the clause before


def _person(clause: _Clause) -> _Subject:
    """The strongest person acting in `clause`."""
    strength, first_person_only, first_at = 0, True, len(clause.tokens)
    for index in range(len(clause.tokens)):
        found = _person_at(clause.tokens, index)
        if found:
            strength = max(strength, found)
            first_at = min(first_at, index)
            if found == 2 and clause.tokens[index].word not in FIRST_PERSON:
                first_person_only = False
    return _Subject(strength, first_person_only and strength == 2, first_at)


def _person_at(tokens: tuple[_Token, ...], index: int) -> int:
    """2 when tokens[index] is a person who acted, 1 for "nobody", else 0."""
    token = tokens[index]
    word = token.word
    if word in SUBJECT_PRONOUNS:
        return 2
    if word in OBJECT_PRONOUNS:
        return 2 if _previous_word(tokens, index) in ("by", "blame") else 0
    if word in NOBODY:
        return 1
    if not (_is_person_word(token) or _is_role_head(tokens, index)):
        return 0
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is not None and _is_surname(token, following):
        following = tokens[index + 2] if index + 2 < len(tokens) else None
    if following is not None and (
        following.word in ROLES
        or following.word in PEOPLE
        or following.word in ROLE_HEADS
        or following.word.endswith("'s")
    ):
        return 0  # "the QA engineer": the last word names the person
    named = word.startswith("@") or word in NAMES  # a person whatever follows: "Chloe reset"
    if following is not None and not named and not _acts(following.word):
        return 0  # "the on-call rotation", "the admin UI", "the operator pattern"
    previous = _previous_word(tokens, index)
    if previous in PREPOSITIONS or previous in OBJECT_VERBS or _is_past_verb(previous):
        # "for the on-call", "paged the engineer": the person did not act, unless the clause
        # names them as the cause ("because of the intern").
        return 2 if _cause_before(tokens, index) else 0
    return 2


def _is_person_word(token: _Token) -> bool:
    word = token.word
    if word == "@person" or word.startswith("@"):
        return True
    if word in ROLES or word in PEOPLE or word in NAMES:
        return True
    return _looks_like_a_name(token)


def _is_surname(name: _Token, following: _Token) -> bool:
    """ "Na" in "Li Na", "Park" in "Jun Park"."""
    return (
        (name.word in NAMES or _looks_like_a_name(name))
        and following.original[:1].isupper()
        and following.original.isalpha()
        and following.word not in COMMON_WORDS
        and following.word not in TECH_WORDS
    )


def _is_role_head(tokens: tuple[_Token, ...], index: int) -> bool:
    """ "agent" in "the support agent", not in "the monitoring agent"."""
    return (
        tokens[index].word in ROLE_HEADS
        and index > 0
        and (tokens[index - 1].word in ROLES or tokens[index - 1].word in PEOPLE)
    )


def _looks_like_a_name(token: _Token) -> bool:
    """A capitalised word that is not a common word or a product: "Priya", "Okonkwo"."""
    original, word = token.original, token.word
    if not (original[:1].isupper() and original[1:].islower() and original.isalpha()):
        return False
    if word in COMMON_WORDS or word in TECH_WORDS or len(word) < 3:
        return False
    return not word.endswith(NOUN_SUFFIXES) and not (word.endswith("s") and not word.endswith("ss"))


def _acts(word: str) -> bool:
    """Whether `word` can follow the person who acted: a verb, an adverb, a clause end."""
    return (
        word in AUXILIARIES
        or word in IRREGULAR_PAST
        or word == ","
        or _is_past_verb(word)
        or (len(word) > 4 and word.endswith("ing"))  # "the person doing the migration"
        or bool(STRONG_MARKERS.fullmatch(word) or WEAK_MARKERS.fullmatch(word))
        or bool(DESTRUCTIVE.fullmatch(word))
    )


def _is_past_verb(word: str | None) -> bool:
    return word is not None and (
        word in IRREGULAR_PAST
        or word.endswith("'d")
        or (len(word) > 4 and word.endswith("ed") and word != "need")
    )


def _previous_word(tokens: tuple[_Token, ...], index: int) -> str | None:
    """The word before the noun phrase ending at tokens[index], skipping determiners."""
    index -= 1
    while index >= 0 and (
        tokens[index].word in DETERMINERS
        or tokens[index].word in PERSON_ADJECTIVES
        or tokens[index].word in ROLES
    ):
        index -= 1
    return tokens[index].word if index >= 0 else None


def _cause_before(tokens: tuple[_Token, ...], index: int) -> bool:
    """ "because of the intern", "misconfigured by a contractor": the person is the cause."""
    before = " ".join(token.word for token in tokens[:index])
    return bool(_CAUSE_BEFORE.search(before))


def _possessive_fault(clause: _Clause) -> bool:
    """ "Kevin's fault", "the intern's mistake", "on the engineer's part"."""
    tokens = clause.tokens
    for index, token in enumerate(tokens[:-1]):
        if not token.word.endswith("'s"):
            continue
        base = token.word[:-2]
        owner = _Token(base, token.original[:-2])
        if (base in OBJECT_PRONOUNS or _is_person_word(owner)) and (
            tokens[index + 1].word in FAULT_NOUNS
        ):
            return True
    return False


def _blamed_as_cause(clause: _Clause) -> bool:
    """ "It was Bob", "because of the intern", "caused by someone": a person as the cause."""
    text = clause.text
    match = BLAME_CAUSE.search(text)
    if not match:
        return False
    start = _token_index(text, match.start())
    rest = [t for t in clause.tokens[start:] if t.word not in DETERMINERS]
    rest = [t for t in rest if t.word not in PERSON_ADJECTIVES]
    words = [t.word for t in rest]
    # Only the cause phrase and a person left: "due to the intern", "it was bob".
    phrase = match.group().split()
    tail = rest[len(phrase) :]
    return bool(words[: len(phrase)] == phrase and tail) and all(
        _is_person_word(t) or t.word in OBJECT_PRONOUNS or t.word in ("and", "or") for t in tail
    )


def _only_a_person(clauses: list[_Clause]) -> bool:
    """An answer that is nothing but a person: "Bob.", "the new intern", "<@U1>'s fault"."""
    tokens = [t for clause in clauses for t in clause.tokens]
    fillers = DETERMINERS | PERSON_ADJECTIVES | {"because", "of", "just", "probably", "blame", ","}
    rest = [t for t in tokens if t.word not in fillers]
    return bool(rest) and all(
        (_is_person_word(t) and t.word not in ("user", "users", "customer", "customers"))
        or t.word in OBJECT_PRONOUNS
        for t in rest
    )
