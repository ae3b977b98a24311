"""What kind of word a word is, by WordNet: a person, a group of people, a verb, a noun.

The data is built by judgement/build_lexicon.py and shipped in this package: each class as a
sorted array of the words' CRC-32s (a clash of two words' hashes is about one in a hundred
thousand), and the irregular forms as text.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from bisect import bisect_left
from enum import StrEnum
from functools import cache
from importlib import resources


class WordClass(StrEnum):
    PERSON = "person"
    GROUP = "group"
    ARTIFACT = "artifact"
    VERB = "verb"
    NOUN = "noun"
    ADJECTIVE = "adjective"
    ADVERB = "adverb"


def word_hash(word: str) -> int:
    return zlib.crc32(word.encode())


def has(word_class: WordClass, word: str) -> bool:
    """Whether `word` (lower case, as written) is a lemma of `word_class`."""
    hashes = _classes()[word_class]
    value = word_hash(word)
    at = bisect_left(hashes, value)
    return at < len(hashes) and hashes[at] == value


def is_person(word: str) -> bool:
    """A word naming a person, in the singular or plural: "nurse", "anaesthetists", "mum"."""
    return any(has(WordClass.PERSON, base) for base in _singulars(word))


def is_artifact(word: str) -> bool:
    """A word naming a made thing: "server", "monitor", "syringe", "checklist"."""
    return any(has(WordClass.ARTIFACT, base) for base in _singulars(word))


def is_group(word: str) -> bool:
    """A word naming a group of people: "crew", "staff", "committees"."""
    return any(has(WordClass.GROUP, base) for base in _singulars(word))


def is_noun(word: str) -> bool:
    return any(has(WordClass.NOUN, base) for base in _singulars(word))


def is_adjective(word: str) -> bool:
    return has(WordClass.ADJECTIVE, word)


def is_adverb(word: str) -> bool:
    return has(WordClass.ADVERB, word)


def is_verb(word: str) -> bool:
    """A verb in its base form: "merge", "run"."""
    return has(WordClass.VERB, word)


# Verbs whose past tense and participle are the base form, which WordNet's list of irregular
# forms leaves out: "the wrong flag was set".
SAME_IN_PAST = frozenset(
    (
        "bet bid broadcast burst cast cost cut fit forecast hit hurt input let offset output preset"
        " put quit read reset rid set shed shut slit split spread thrust upset"
    ).split()
)


def past_base(word: str) -> str | None:
    """The base form of a past tense or participle ("merged" -> "merge", "ran" -> "run")."""
    if word in SAME_IN_PAST:
        return word
    irregular = _forms()[0].get(word)
    if irregular is not None:
        return irregular
    if len(word) < 4 or not word.endswith("ed"):
        return None
    stem = word[:-2]
    candidates = [stem + "e", stem]
    if len(stem) > 2 and stem[-1] == stem[-2]:
        candidates.append(stem[:-1])  # "stopped"
    if stem.endswith("i"):
        candidates.append(stem[:-1] + "y")  # "copied"
    return next((base for base in candidates if is_verb(base)), None)


def present_base(word: str) -> str | None:
    """The base form of a verb in the third person singular ("ignores" -> "ignore")."""
    if len(word) < 3 or not word.endswith("s") or word.endswith("ss"):
        return None
    candidates = [word[:-1]]
    if word.endswith("es"):
        candidates.append(word[:-2])  # "fixes"
    if word.endswith("ies"):
        candidates.append(word[:-3] + "y")  # "tries"
    return next((base for base in candidates if is_verb(base)), None)


def _singulars(word: str) -> list[str]:
    forms = [word]
    plural_of = _forms()[1].get(word)
    if plural_of is not None:
        forms.append(plural_of)
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
        if word.endswith("ies"):
            forms.append(word[:-3] + "y")
        elif word.endswith("es"):
            forms.append(word[:-2])
    return forms


@cache
def _classes() -> dict[WordClass, array[int]]:
    data = resources.files(__package__).joinpath("words.bin").read_bytes()
    classes: dict[WordClass, array[int]] = {}
    at = 0
    while at < len(data):
        end = data.index(b"\n", at)
        name, count = data[at:end].decode().split()
        hashes = array("I")
        hashes.frombytes(data[end + 1 : end + 1 + int(count) * hashes.itemsize])
        if sys.byteorder != "little":
            hashes.byteswap()
        classes[WordClass(name)] = hashes
        at = end + 1 + int(count) * hashes.itemsize
    return classes


@cache
def _forms() -> tuple[dict[str, str], dict[str, str]]:
    """Irregular verb forms ("ran" -> "run") and irregular plurals ("people" -> "person")."""
    text = resources.files(__package__).joinpath("forms.txt").read_text(encoding="utf-8")
    sections: dict[str, dict[str, str]] = {"irregular": {}, "plural": {}}
    current: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("["):
            current = sections[line.strip("[]")]
        elif line and not line.startswith("#"):
            form, base = line.split()
            current[form] = base
    return sections["irregular"], sections["plural"]
