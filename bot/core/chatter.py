"""Thread replies that are conversation, not answers: acknowledgements, questions, requests.

Pure: no Slack, no database, no clock. A message is chatter when every sentence in it is
chatter, or when it ends with a question mark: "+1", "thanks <@U1>!", "What time did it
start?", "<@U1> can you check the logs". A message that merely starts with a mention is still an
answer: "<@U1> restarted the wrong cluster".
"""

from __future__ import annotations

import re
import unicodedata

# A reply starting with this is an aside, not an answer.
ASIDE_PREFIX = "//"


def _phrases(text: str) -> frozenset[str]:
    return frozenset(" ".join(phrase.split()) for phrase in text.split(","))


# Whole sentences made only of these words (after mentions, emoji and punctuation are dropped)
# say nothing about the cause. Multi-word phrases are listed whole so that a word like "got" or
# "makes" is not chatter on its own.
ACKNOWLEDGEMENTS = _phrases(
    """
    +1, -1, agree, agreed, same, same here, ditto, this, that, ^, thanks, thank you, thx, tx,
    ty, tysm, tyvm, cheers, kudos, appreciated, much appreciated, lol, lmao, rofl, haha, hah,
    ha, heh, hehe, ok, okay, k, kk, okey, nice, cool, great, awesome, perfect, excellent,
    amazing, wow, neat, sweet, yes, yep, yup, yeah, yea, ya, sure, indeed, exactly, right, true,
    correct, totally, absolutely, definitely, no, nope, nah, makes sense, got it, gotcha, noted,
    ack, roger, will do, on it, np, no problem, no worries, sounds good, sgtm, lgtm, good point,
    good catch, great catch, nice catch, good call, good find, nice find, well said, well done,
    nice one, seconded, me too, fair, fair enough, oh, ah, ahh, oops, whoops, hmm, hm,
    interesting, idk, dunno, not sure, no idea, sorry, hey, hi, hello, cc, fyi, ping, ptal,
    thoughts, any thoughts, help, bump, looping in, adding, i think, maybe, perhaps, probably,
    i guess, i agree, me neither, same for me
    """
)
# Words that may pad an acknowledgement ("thanks so much everyone", "+1 to what @dana said").
FILLERS = _phrases(
    """
    so, much, very, really, a, lot, again, all, everyone, everybody, folks, team, guys, yall,
    y all, you, for, the, to, with, what, said, says, wrote, as, well, too, also, and, just,
    that, one, info, update, heads up, here, from, me, on
    """
) | {","}
# A sentence that opens with one of these asks someone to do or tell something.
REQUEST_OPENERS = re.compile(
    r"""^(?:
        (?:can|could|would|will|wont|wouldnt|cant|couldnt)\s+
            (?:you|u|ya|someone|somebody|anyone|anybody|we|one\s+of\s+you|y\s*all|you\s+all)\b
      | (?:please|pls|plz|plse|kindly)\b
      | (?:do|does|did|has|have|is|are)\s+
            (?:anyone|anybody|someone|somebody|you|u|we|everyone)\b
      | anyone\s+(?:know|have|seen|see|remember|able)\b
      | any\s+(?:idea|ideas|thoughts|update|updates|news|luck)\b
      | (?:mind|care\s+to)\s+\w+ing\b
      | (?:lets|let\s+us|shall\s+we)\b
      | (?:who|what|when|where|how)\s+(?:can|could|should|would|will)\s+\w+
    )""",
    re.X,
)

_SLACK_MENTION = re.compile(
    r"<[@!](?:subteam\^)?[A-Z0-9]+(?:\|[^>]*)?>|<!(?:here|channel|everyone)>"
)
_PLAIN_MENTION = re.compile(r"(?<![\w@])@[\w.\-]+")
_LINK = re.compile(r"<(?:https?|mailto):[^>]*>")
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-']+:")
_TRAILING_EMOJI_CODE = re.compile(r":[a-z0-9_+\-']+:$")
# A name addressing someone before a request: "dana, can you ...".
_VOCATIVE = re.compile(r"^(?:(?:hey|hi|ok|okay)\s+)?[a-z][\w.\-]*\s*,\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_QUESTION_MARKS = "?？"
_TRAILING_NOISE = " \t\r\n!.)]\"'”’»*_~"


def is_chatter(text: str) -> bool:
    """Whether a thread reply is conversation rather than an answer to the open why."""
    stripped = text.strip()
    if not stripped or stripped.startswith(ASIDE_PREFIX):
        return True
    if _ends_with_question(stripped):
        return True
    return all(_is_chatter_sentence(sentence) for sentence in _SENTENCE_END.split(stripped))


def _ends_with_question(text: str) -> bool:
    """Whether `text` ends with a question mark, ignoring trailing emoji, spaces and closers."""
    while True:
        trimmed = _TRAILING_EMOJI_CODE.sub("", text.rstrip(_TRAILING_NOISE))
        while trimmed and _is_symbol(trimmed[-1]):
            trimmed = trimmed[:-1]
        if trimmed == text:
            return text.endswith(tuple(_QUESTION_MARKS))
        text = trimmed


def _is_chatter_sentence(sentence: str) -> bool:
    if _ends_with_question(sentence):
        return True
    without_mentions = _PLAIN_MENTION.sub(" ", _SLACK_MENTION.sub(" ", sentence))
    words = _plain(_LINK.sub(" ", without_mentions))
    if not words:
        return True
    if _only_acknowledgements(words):
        return True
    return bool(REQUEST_OPENERS.match(words) or REQUEST_OPENERS.match(_VOCATIVE.sub("", words)))


def _only_acknowledgements(words: str) -> bool:
    """Whether `words` can be read entirely as acknowledgement phrases and filler words."""
    tokens = words.split()
    reachable = {0}
    for start in range(len(tokens)):
        if start not in reachable:
            continue
        for end in range(start + 1, min(start + 3, len(tokens)) + 1):
            phrase = " ".join(tokens[start:end])
            if phrase in ACKNOWLEDGEMENTS or phrase in FILLERS or _is_plus_count(phrase):
                reachable.add(end)
    return len(tokens) in reachable


def _is_plus_count(token: str) -> bool:
    return re.fullmatch(r"[+-]\d+%?|\^+|\d+%", token) is not None


def _plain(text: str) -> str:
    """Lower case; emoji, punctuation and apostrophes dropped; `+`, `-`, `^`, `%` and `,` kept."""
    text = _EMOJI_CODE.sub(" ", text.lower().replace("&gt;", ">").replace("&amp;", "&"))
    kept = []
    for char in text:
        if char in "'’`":
            continue
        if char in "+-^%,":
            kept.append(f" {char}" if char == "," else char)
        elif unicodedata.category(char).startswith(("L", "N")):
            kept.append(char)
        else:
            kept.append(" ")
    words = " ".join("".join(kept).split())
    # A lone "-" or "+" is punctuation; "+1" and "-1" are votes.
    return " ".join(word for word in words.split() if word.strip("+-"))


def _is_symbol(char: str) -> bool:
    """Emoji and their joiners, variation selectors and skin tones."""
    return unicodedata.category(char) in ("So", "Sk", "Cf", "Me") or char in "\ufe0e\ufe0f"
