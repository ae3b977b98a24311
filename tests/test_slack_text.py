"""User text as the bot repeats it: no pings, no links the user did not make, nothing broken."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.slack_text import escape, mentioned_ids, neutralize, plain

NAMES = {"U0ANA": "Ana", "U0BEN": "Ben <the & boss>"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!here> the deploy tool was down", "@here the deploy tool was down"),
        ("<!channel|@channel> and <!everyone>", "@channel and @everyone"),
        ("paged <!subteam^S0123ABC|@oncall> twice", "paged @oncall twice"),
        ("paged <!subteam^S0123ABC>", "paged @group"),
        ("<@U0ANA> restarted it", "@Ana restarted it"),
        ("<@U0ANA|ana> restarted it", "@Ana restarted it"),
        ("<@U0ZED|zed> restarted it", "@zed restarted it"),
        ("<@U0ZED> restarted it", "@U0ZED restarted it"),
        ("<@U0BEN> again", "@Ben &lt;the &amp; boss&gt; again"),
        ("see <https://status.example.com/x?a=1&amp;b=2>", None),
        ("see <https://status.example.com|the status page>", None),
        ("mail <mailto:ops@example.com|ops>", None),
        ("in <#C0123|ops>", None),
        ("a &lt;b&gt; &amp; c", None),  # what Slack sends for `a <b> & c`
        ("a <b> & c", "a &lt;b&gt; &amp; c"),  # typed into a modal
        ("R&D &copy; &amp;", "R&amp;D &amp;copy; &amp;"),
        ("<javascript:alert(1)|click me>", "&lt;javascript:alert(1)|click me&gt;"),
        ("<https://evil.example.com onclick|x>", "&lt;https://evil.example.com onclick|x&gt;"),
        ("on <!date^1392734382^{date}|Feb 18, 2014>", "on Feb 18, 2014"),
        ("unclosed <!channel", "unclosed &lt;!channel"),
        ("*bold* _it_ `code`", "*bold* _it_ `code`"),
    ],
)
def test_neutralize_makes_user_text_safe_for_mrkdwn(text: str, expected: str | None) -> None:
    assert neutralize(text, NAMES) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!here> it broke", "@here it broke"),
        ("<@U0ANA|ana> and <@U0ZED>", "@Ana and @U0ZED"),
        ("<!subteam^S1|@oncall>", "@oncall"),
        ("in <#C0123|ops> or <#C0456>", "in #ops or #C0456"),
        (
            "see <https://example.com|the page> or <https://example.com/2>",
            "see the page or https://example.com/2",
        ),
        # Slack reads the three entities in plain_text too, so they stay escaped.
        ("a &lt;b&gt; &amp; c", "a &lt;b&gt; &amp; c"),
        ("a <b> & c", "a &lt;b&gt; &amp; c"),
    ],
)
def test_plain_shows_markup_as_the_words_it_stands_for(text: str, expected: str) -> None:
    assert plain(text, NAMES) == expected


def test_mentioned_ids_are_the_users_whose_names_are_needed() -> None:
    texts = ["<@U0ANA> and <@W0BEN|ben>", None, "<!here> <#C1|x> <@U0ANA>"]
    assert mentioned_ids(texts) == {"U0ANA", "W0BEN"}


def test_escape_leaves_slacks_own_entities_alone() -> None:
    assert escape("&amp; & &lt; < &gt; >") == "&amp; &amp; &lt; &lt; &gt; &gt;"


_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "|",
        "!",
        "@",
        "#",
        "^",
        "<!here>",
        "<!channel>",
        "<!everyone|@everyone>",
        "<!subteam^S1|@x>",
        "<@U0ANA>",
        "<@U0ZED|z>",
        "<#C1|c>",
        "<https://a.example/b|l>",
        "<mailto:a@b.c>",
        "&amp;",
        "&lt;",
        "&gt;",
        "&copy;",
        "here",
        "channel",
        " ",
        "\n",
        "x",
    ]
)
_TEXTS = st.lists(_PIECES | st.text(max_size=5), max_size=20).map("".join)
_SAFE_MARKUP = re.compile(r"<(?:#C1\|c|https://a\.example/b\|l|mailto:a@b\.c)>")


@given(text=_TEXTS)
def test_neutralized_text_has_no_markup_but_the_links_slack_made(text: str) -> None:
    out = neutralize(text, NAMES)
    rest = _SAFE_MARKUP.sub("", out)
    assert "<" not in rest and ">" not in rest
    assert not re.search(r"&(?!(?:amp|lt|gt);)", rest)
    assert neutralize(out, NAMES) == out  # nothing is escaped twice


@given(text=_TEXTS)
def test_plain_text_has_no_markup_at_all(text: str) -> None:
    out = plain(text, NAMES)
    assert "<" not in out and ">" not in out
    assert plain(out, NAMES) == out
