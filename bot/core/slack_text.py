"""What people wrote, made safe to post again: never a ping, never a link they did not make.

Slack sends message text with `&`, `<` and `>` escaped as `&amp;`, `&lt;` and `&gt;`, and its
own markup between `<` and `>`: mentions (`<@U123|ana>`), broadcasts (`<!here>`), user groups
(`<!subteam^S123|@oncall>`), channels (`<#C123|ops>`) and links (`<https://…|label>`). Text from a
modal arrives as typed, unescaped. Either way, when the bot repeats it:

- broadcasts and user groups become plain text, so nobody is paged by a quote;
- a mention becomes the person's name (`@Ana`), so a blameless review does not page someone
  again every time their answer is quoted; without a known name, the user id stands in;
- links Slack made (http, https and mailto) and channel links stay as they are;
- every other `&`, `<` and `>` is escaped, without escaping Slack's own entities twice.

Pure: the names are a parameter (user id -> display name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# Slack's markup: `<…>` with no `<` or `>` inside (Slack escapes those in what people type).
_MARKUP = re.compile(r"<([^<>]*)>")
# What Slack already escaped stays escaped; every other `&` is escaped.
_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_LINK = re.compile(r"^(?:https?://|mailto:)[^\s|]+$", re.I)
_BROADCASTS = ("here", "channel", "everyone")


def neutralize(text: str, names: Mapping[str, str]) -> str:
    """`text` for a mrkdwn field: no pings, only Slack-made links, reserved characters escaped."""
    return _rewrite(text, names, for_mrkdwn=True)


def plain(text: str, names: Mapping[str, str]) -> str:
    """`text` for a plain_text field: all markup as the words it stands for (`@Ana`, `#ops`)."""
    return _rewrite(text, names, for_mrkdwn=False)


def mentioned_ids(texts: Iterable[str | None]) -> set[str]:
    """The users mentioned in `texts`, whose names the neutralised text shows."""
    return {match[1] for text in texts if text for match in _MENTION.finditer(text)}


def escape(text: str) -> str:
    """Escape `&`, `<` and `>` for Slack, leaving `&amp;`, `&lt;` and `&gt;` as they are."""
    return _AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def _rewrite(text: str, names: Mapping[str, str], for_mrkdwn: bool) -> str:
    if "<" not in text and ">" not in text and "&" not in text:
        # Most text has nothing to rewrite: a digest neutralises thousands of items.
        return text
    parts: list[str] = []
    position = 0
    for match in _MARKUP.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(_markup(match[1], names, for_mrkdwn))
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def _markup(inner: str, names: Mapping[str, str], for_mrkdwn: bool) -> str:
    """One `<…>`, as the bot may repeat it."""
    target, _, label = inner.partition("|")
    if target.startswith("@") and len(target) > 1:
        user_id = target[1:]
        return escape("@" + (names.get(user_id) or label.lstrip("@") or user_id))
    if target.startswith("!"):
        return escape(_special(target[1:], label))
    if target.startswith("#") and len(target) > 1:
        return f"<{inner}>" if for_mrkdwn else escape("#" + (label or target[1:]))
    if _LINK.match(target):
        return f"<{inner}>" if for_mrkdwn else escape(label or target)
    return escape(f"<{inner}>")


def _special(command: str, label: str) -> str:
    """`<!here>`, `<!subteam^S123|@oncall>`, `<!date^…|fallback>`: the words, never the ping."""
    name = command.partition("^")[0]
    if name in _BROADCASTS:
        return "@" + name
    if name == "subteam":
        return "@" + (label.lstrip("@") or "group")
    return label or name


def clip(text: str, limit: int = 3000) -> str:
    """`text` cut to at most `limit` characters, ending in "…"; never inside `<…>` or `&amp;`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    entity = cut.rfind("&")
    if entity != -1 and ";" not in cut[entity:] and len(cut) - entity < len("&amp;"):
        cut = cut[:entity]
    return cut + "…"
