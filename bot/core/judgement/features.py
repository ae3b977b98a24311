"""What a model sees of a reply: its words, and its shape in word classes.

Pure. Besides the words themselves (so "afk" and "tbh" are learned as they are), each word is
seen as its class where it has one: a person ("the anaesthetist"), a group of people ("the
night shift"), a name or a mention, a pronoun, a past-tense verb, a negation, a modal. A model
learns "a person, then a past-tense verb, then *without*" once, and it holds for every role and
name in every field, not just those in the examples. Also: the head of the first noun phrase and
what follows it (who acted), passives ("the wrong flag was set"), a trailing tag question, and
the length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import pairwise

from bot.core.judgement import lexicon


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SUBJECT_PRONOUNS = _words(
    "i we he she they you someone somebody everyone everybody anyone anybody nobody noone "
    "no-one whoever"
)
OBJECT_PRONOUNS = _words("me us him her them")
NEGATIONS = _words("not no never nothing nobody none without neither nor noone cannot")
MODALS = _words("will would should could can might may must shall gonna wanna")
AUXILIARIES = _words("was were is are be been being am has have had did does do")
DETERMINERS = _words(
    "the a an our their his her my your this that these those some one another every each all "
    "both its any no"
)
# Words that may open a reply before the clause that says something.
OPENERS = _words(
    "because bc b/c cause coz cuz since i think guess so well yeah tbh imo probably maybe just"
)
# Words that start a clause giving a reason, or a consequence, by what they give.
CONNECTORS = {
    **dict.fromkeys(("because", "bc", "b/c", "cause", "coz", "cuz", "since", "as"), "reason"),
    **dict.fromkeys(("so", "therefore", "hence", "then"), "result"),
    **dict.fromkeys(("which", "who", "that"), "which"),
    **dict.fromkeys(("but", "although", "though", "however", "yet"), "but"),
    **dict.fromkeys(("when", "while", "after", "before", "until"), "when"),
}
# The classes a word is seen as in sequences, most telling first.
SEQUENCE_CLASSES = (
    "NAME",
    "SUBJ",
    "PER",
    "PERX",
    "GRP",
    "VPAST",
    "NEG",
    "MODAL",
    "CAP",
    "NUM",
    "VING",
)
STRONG_VERB_CLASSES = frozenset({"VPAST", "AUX", "MODAL", "NEG", "VING"})
ANIMATE = frozenset({"NAME", "SUBJ", "PER", "GRP"})
PASSIVE_AUXILIARIES = _words("was were got been is are be get gets")
HEAD_CLASSES = ("NAME", "SUBJ", "PER", "PERX", "GRP", "N", "CAP", "NUM")

_CONTRACTIONS = (
    (re.compile(r"\b(ca|wo)n'?t\b"), lambda m: {"ca": "can", "wo": "will"}[m.group(1)] + " not"),
    (
        re.compile(
            r"\b(did|does|do|was|were|is|are|has|have|had|should|could|would|must|need|ai)n'?t\b"
        ),
        r"\1 not",
    ),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"\bi'?m\b"), "i am"),
    (re.compile(r"'d\b"), " 'd"),
)
_MENTION = re.compile(r"<[@!][^>]*>|(?<![\w@])@[\w.\-]+")
_LINK = re.compile(r"<(?:https?|mailto):[^>]*>|https?://\S+")
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-']+:")
_TOKEN = re.compile(r"@user|[^\W_][\w'\-]*|[?!.,;:…]")
_PUNCTUATION = frozenset(".,;:…!")
_TAG_QUESTION = re.compile(
    r"(?:,\s*(?:right|no|yes|yeah|correct|eh|innit|ok|true|nah|non|ja|na|yeah no)"
    r"|,?\s*\b(?:is|was|are|were|did|does|do|has|have|had|wo|ca|would|could|should)n'?t\s+"
    r"(?:it|that|this|he|she|they|we|there|you))\s*\?+\s*$"
)


def features(text: str) -> list[str]:
    """The features of `text`, each a string; the same text always gives the same list."""
    words, capitalised = _words(text)
    classes = [_classes(word, capitalised, at == 0) for at, word in enumerate(words)]
    found: list[str] = []
    sequence = []
    for word, kinds in zip(words, classes, strict=True):
        found.append("w:" + word)
        found += ["c:" + kind for kind in kinds]
        sequence.append(next((kind for kind in kinds if kind in SEQUENCE_CLASSES), word))
        if len(word) > 4:
            found += ["s3:" + word[-3:], "s4:" + word[-4:]]
    found += [f"b:{a}_{b}" for a, b in pairwise(words)]
    found += [f"x:{a}_{b}" for a, b in pairwise(sequence)]
    found += [
        f"x3:{a}_{b}_{c}" for a, b, c in zip(sequence, sequence[1:], sequence[2:], strict=False)
    ]
    if sequence:
        found += ["first:" + sequence[0], "firstw:" + words[0], "last:" + sequence[-1]]
        if len(sequence) > 1:
            found.append(f"first2:{sequence[0]}_{sequence[1]}")
    subject = list(_subject(words, classes))
    found += subject
    # A word means one thing with a person acting and another with a machine or a process:
    # "skipped the check" after "the nurse", or after "the pipeline".
    animate = "A" if any(f.split(":")[1] in ANIMATE for f in subject[:1]) else "I"
    found += [f"{animate}|{word}" for word in words]
    found += _deepest_clause(words, classes)
    found += _passives(words, classes)
    found += _shape(text, words)
    return found


def _words(text: str) -> tuple[list[str], frozenset[str]]:
    """Lower-case words (mentions, links and emoji as one token each), and those written
    capitalised mid-sentence, which may be names."""
    text = text.replace("’", "'").replace("‘", "'")
    text = _MENTION.sub(" @user ", _LINK.sub(" URL ", text))
    text = "".join(
        " EMOJI " if unicodedata.category(char) == "So" else char
        for char in _EMOJI_CODE.sub(" EMOJI ", text)
    )
    capitalised = frozenset(
        token.lower()
        for token in _TOKEN.findall(text)[1:]
        if token[:1].isupper() and token[1:].islower() and token.isalpha()
    )
    lower = text.lower()
    for pattern, replacement in _CONTRACTIONS:
        lower = pattern.sub(replacement, lower)
    # Slack spelling: "didnt", "cant", "wont".
    lower = re.sub(
        r"\b(did|does|do|was|were|is|are|has|have|had|should|could|would|wo|ca)nt\b",
        lambda m: {"wo": "will", "ca": "can"}.get(m.group(1), m.group(1)) + " not",
        lower,
    )
    words = [token for token in _TOKEN.findall(lower) if token not in _PUNCTUATION]
    return words, capitalised


def _classes(word: str, capitalised: frozenset[str], first: bool) -> list[str]:
    """The classes of one word, most telling first."""
    kinds = []
    if word == "@user":
        kinds.append("NAME")
    elif word in SUBJECT_PRONOUNS:
        kinds.append("SUBJ")
    elif word in OBJECT_PRONOUNS:
        kinds.append("OBJ")
    if word in NEGATIONS:
        kinds.append("NEG")
    if word in MODALS:
        kinds.append("MODAL")
    if word in AUXILIARIES:
        kinds.append("AUX")
    if lexicon.is_person(word):
        # "the server", "the monitor": a person in WordNet, and a machine too.
        kinds.append("PERX" if lexicon.is_artifact(word) else "PER")
    elif lexicon.is_group(word):
        kinds.append("GRP")
    if lexicon.past_base(word):
        kinds.append("VPAST")
    elif len(word) > 4 and word.endswith("ing") and _ing_verb(word):
        kinds.append("VING")
    elif lexicon.is_verb(word):
        kinds.append("VB")
    if word.isdigit():
        kinds.append("NUM")
    if lexicon.is_noun(word) and not {"PER", "PERX", "GRP", "SUBJ", "OBJ"}.intersection(kinds):
        kinds.append("N")
    if "N" not in kinds and lexicon.is_adjective(word):
        kinds.append("ADJ")
    if not kinds and lexicon.is_adverb(word):
        kinds.append("ADV")
    if word in capitalised and not first and not kinds:
        kinds.append("CAP")
    return kinds


def _ing_verb(word: str) -> bool:
    stem = word[:-3]
    return lexicon.is_verb(stem) or lexicon.is_verb(stem + "e") or lexicon.is_verb(stem[:-1])


def _subject(words: list[str], classes: list[list[str]]) -> Iterator[str]:
    """Who acts: the class of the first noun phrase's head, and what comes after it."""
    start = 0
    while (
        start < len(words)
        and (words[start] in DETERMINERS or words[start] in OPENERS)
        and words[start] not in SUBJECT_PRONOUNS
    ):
        start += 1
    if start >= len(words):
        return
    end = start + 1  # the first word is the phrase's, whatever else it could be ("the pump")
    if words[start] not in SUBJECT_PRONOUNS:
        while end < len(words) and end - start < 4 and not _verb_like(classes[end]):
            end += 1
    kind = next((k for k in classes[end - 1] if k in HEAD_CLASSES), "OTHER")
    yield "np1:" + kind
    if end < len(words):
        verb = classes[end][0] if classes[end] else "w"
        yield f"np1v:{kind}_{verb}"
        if verb == "AUX" and end + 1 < len(words):
            after = classes[end + 1][0] if classes[end + 1] else "w"
            yield f"np1v2:{kind}_{words[end]}_{after}"


def _verb_like(kinds: list[str]) -> bool:
    """A word that ends a noun phrase: a verb that is not also a noun ("skipped", "was", "can",
    but not "pump" or "scan")."""
    return bool(STRONG_VERB_CLASSES.intersection(kinds)) or ("VB" in kinds and "N" not in kinds)


def _deepest_clause(words: list[str], classes: list[list[str]]) -> Iterator[str]:
    """What the last reason given is about: "the reviewer missed it *because the diff was 3,000
    lines*" goes past the person to a mechanism; "no alarm, *so the on-call missed it*" does
    not, the consequence being no deeper cause."""
    last = max((at for at, word in enumerate(words) if word in CONNECTORS), default=None)
    if last is None or last == len(words) - 1:
        return
    connector = CONNECTORS[words[last]]
    yield "conn:" + connector
    for feature in _subject(words[last + 1 :], classes[last + 1 :]):
        yield f"{connector}:{feature}"


def _passives(words: list[str], classes: list[list[str]]) -> Iterator[str]:
    """ "was set", "got skipped", "was not checked": an action, and who did it if the answer
    says ("by hand", "by the nurse", "by the migration script"), or nobody named."""
    for at in range(len(words) - 1):
        negated = words[at + 1] in ("not", "never") and at + 2 < len(words)
        verb = at + 2 if negated else at + 1
        if words[at] not in PASSIVE_AUXILIARIES or not lexicon.past_base(words[verb]):
            continue
        yield "passive_neg" if negated else "passive"
        agent = next((n for n in range(verb + 1, len(words)) if words[n] == "by"), None)
        if agent is None:
            yield "passive_by:nobody"
        else:
            yield "passive_by:" + _phrase_class(words[agent + 1 :], classes[agent + 1 :])


def _phrase_class(words: list[str], classes: list[list[str]]) -> str:
    """The class of the noun phrase `words` starts with: "the nurse" PER, "hand" N."""
    at = 0
    while at < len(words) and words[at] in DETERMINERS:
        at += 1
    end = at + 1
    while (
        end < len(words) and end - at < 3 and "N" in classes[end] and not _verb_like(classes[end])
    ):
        end += 1
    if at >= len(words):
        return "OTHER"
    return next((k for k in classes[end - 1] if k in HEAD_CLASSES), "OTHER")


def _shape(text: str, words: list[str]) -> Iterator[str]:
    count = len(words)
    if count <= 2:
        yield f"len:{max(count, 1)}"
    else:
        yield "len:3-4" if count <= 4 else "len:5-8" if count <= 8 else "len:9+"
    stripped = text.strip().lower().replace("’", "'")
    if stripped.endswith(("?", "？")):
        yield "endq"
    if _TAG_QUESTION.search(stripped):
        yield "tagq"
    if "?" in stripped[:-1]:
        yield "midq"
    if not words or all(word == "emoji" for word in words):
        yield "emojionly"
