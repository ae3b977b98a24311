"""Builds the lexicon of bot/core/judgement from WordNet 3.0: which words name a person, a group
of people, a verb, any noun, adjective or adverb, and the irregular forms of verbs and nouns.

A reply is judged by its shape ("a person did something wrong"), and a person may be named by
any role of any field; WordNet knows roles the training data never saw ("anaesthetist",
"loadmaster", "au pair"). Run it where WordNet's database files are installed (Debian and
Ubuntu: the wordnet-base package); its output is committed, so the bot needs no WordNet.

    python -m judgement.build_lexicon [/usr/share/wordnet]
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "bot" / "core" / "judgement"
PERSON_FILE = 18  # noun.person
ARTIFACT_FILE = 6  # noun.artifact: "server", "monitor", "driver" name a machine too
# Synsets whose descendants name groups of people ("crew", "staff", "ward team"): people,
# social group.
GROUP_ROOTS = ("people.n.01", "social_group.n.01")


def main(wordnet: Path) -> None:
    synsets, index = _nouns(wordnet)
    roots = {_offset_of(index, synsets, name) for name in GROUP_ROOTS}
    persons, groups = set(), set()
    artifacts = {
        lemma
        for lemma, offsets in index.items()
        if _plain(lemma) and any(synsets[o][0] == ARTIFACT_FILE for o in offsets)
    }
    for lemma, offsets in index.items():
        if not _plain(lemma):
            continue
        first = offsets[0]
        if synsets[first][0] == PERSON_FILE:
            persons.add(lemma)
        elif _descends(first, roots, synsets):
            groups.add(lemma)
    verbs = {lemma for lemma in _index(wordnet / "index.verb") if _plain(lemma)}
    irregular = {}
    for line in (wordnet / "verb.exc").read_text().splitlines():
        form, base, *_ = line.split()
        if _plain(form) and base in verbs:
            irregular.setdefault(form, base)
    plurals = {}
    for line in (wordnet / "noun.exc").read_text().splitlines():
        form, base, *_ = line.split()
        if base in persons or base in groups:
            plurals.setdefault(form, base)
    classes = {
        "person": persons,
        "group": groups,
        "artifact": artifacts,
        "verb": verbs,
        "noun": {lemma for lemma in index if _plain(lemma)},
        "adjective": {lemma for lemma in _index(wordnet / "index.adj") if _plain(lemma)},
        "adverb": {lemma for lemma in _index(wordnet / "index.adv") if _plain(lemma)},
    }
    write_words(classes)
    lines = ["# Derived from WordNet 3.0 by judgement/build_lexicon.py; see WORDNET_LICENSE."]
    lines += _section("irregular", [f"{f} {b}" for f, b in sorted(irregular.items())])
    lines += _section("plural", [f"{f} {b}" for f, b in sorted(plurals.items())])
    (PACKAGE / "forms.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(", ".join(f"{len(words)} {name}s" for name, words in classes.items()))
    print(f"{len(irregular)} irregular verb forms, {len(plurals)} irregular plurals")


def write_words(classes: dict[str, set[str]]) -> None:
    """Each class as a sorted array of the words' CRC-32s: a few hundred kilobytes in memory,
    where sets of the words themselves took about ten megabytes."""
    from bot.core.judgement.lexicon import word_hash

    out = bytearray()
    for name, words in classes.items():
        hashes = array("I", sorted({word_hash(word) for word in words}))
        if sys.byteorder != "little":
            hashes.byteswap()
        header = f"{name} {len(hashes)}\n".encode()
        out += header + hashes.tobytes()
    (PACKAGE / "words.bin").write_bytes(bytes(out))


def _section(name: str, entries: list[str]) -> list[str]:
    return [f"[{name}]", *entries]


def _plain(lemma: str) -> bool:
    return lemma.replace("-", "").isalpha() and lemma.isascii() and "_" not in lemma


def _nouns(wordnet: Path) -> tuple[dict[str, tuple[int, list[str]]], dict[str, list[str]]]:
    synsets: dict[str, tuple[int, list[str]]] = {}
    for line in (wordnet / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split(" | ")[0].split()
        offset, lexfile, count = fields[0], int(fields[1]), int(fields[3], 16)
        rest = fields[4 + 2 * count :]
        pointers = int(rest[0])
        hypernyms = [rest[1 + 4 * n + 1] for n in range(pointers) if rest[1 + 4 * n] in ("@", "@i")]
        synsets[offset] = (lexfile, hypernyms)
    return synsets, _index(wordnet / "index.noun")


def _index(path: Path) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split()
        lemma, senses = fields[0], int(fields[2])
        index[lemma] = fields[-senses:]
    return index


def _offset_of(index: dict[str, list[str]], synsets: dict, name: str) -> str:
    lemma, _, number = name.split(".")
    return index[lemma][int(number) - 1]


def _descends(offset: str, roots: set[str], synsets: dict, depth: int = 0) -> bool:
    if offset in roots:
        return True
    if depth > 20:
        return False
    return any(_descends(up, roots, synsets, depth + 1) for up in synsets[offset][1])


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet"))
