"""The COE document and what people type: names, Slack markup, and text that must not break the
page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.core.document import (
    Cause,
    CoeDocument,
    Item,
    Related,
    mermaid_flowchart,
    render_markdown,
    slack_to_plain,
)
from tests.document_seed import (
    NAMES,
    THREAD,
    hrefs,
    mermaid_decode,
    sections,
    seed_document,
    text_of,
    tokens,
)

# People and Slack markup ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("<@U3> fixed it", "@Dana fixed it"),
        ("<@U3|dana.k> fixed it", "@Dana fixed it"),
        ("<@U77|sam> fixed it", "@sam fixed it"),
        ("<@U77> fixed it", "@U77 fixed it"),
        ("see <#C123|general>", "see #general"),
        ("see <#C123>", "see #C123"),
        ("<!here> <!channel> <!everyone>", "@here @channel @everyone"),
        ("<!here|@here> look", "@here look"),
        ("paged <!subteam^S123|@oncall>", "paged @oncall"),
        ("paged <!subteam^S123>", "paged @S123"),
        (
            "the <https://wiki.example.com/ops|runbook>",
            "the runbook (https://wiki.example.com/ops)",
        ),
        ("at <https://status.example.com>", "at https://status.example.com"),
        ("mail <mailto:ops@example.com|ops@example.com>", "mail ops@example.com"),
        ("a &amp; b &lt;c&gt;", "a & b <c>"),
        ("typed &amp;lt; literally", "typed &lt; literally"),
        ("<!date^1392734382^{date_short}|Feb 18, 2014> it broke", "Feb 18, 2014 it broke"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("two\nlines", "two\nlines"),
    ],
)
def test_slack_markup_reads_as_plain_text(slack: str, plain: str) -> None:
    assert slack_to_plain(slack, NAMES) == plain


def test_nobody_appears_as_a_slack_user_id_in_the_document() -> None:
    markdown = render_markdown(seed_document(lessons=("Ask <@U1> or <!subteam^S9|@sre> first",)))
    assert "<@" not in markdown and "<!" not in markdown
    assert "- Ask @Clara or @sre first" in markdown


def test_links_in_answers_stay_links_and_only_web_and_mail_links_do() -> None:
    cause = Cause(
        1,
        "Why?",
        "See <https://wiki.example.com/a_b|the runbook> or <javascript:alert(1)|this>",
        "U2",
    )
    markdown = render_markdown(seed_document(causes=(cause,), thread_link=None, related=()))
    assert "[the runbook](<https://wiki.example.com/a_b>)" in markdown
    assert hrefs(markdown) == ["https://wiki.example.com/a_b"] * 2  # the whys and the root causes
    assert "this (javascript:alert(1))" in text_of(markdown)


# User text that must not break the page ---------------------------------------------------------

HOSTILE = (
    'He said "stop" | [x](y) ]] --> end `rm -rf /` <script>alert(1)</script>'
    " *a* _b_ ~c~ #1 & \\ done\n- second line\n\n# third"
)
HOSTILE_SEEN = " ".join(HOSTILE.split())


def hostile_document() -> CoeDocument:
    causes = (
        Cause(
            1,
            HOSTILE,
            HOSTILE,
            "U5",
            children=(
                Cause(2, "Why?", HOSTILE, "U2", human_error=True, mechanism_question=HOSTILE),
            ),
        ),
    )
    items = (Item(HOSTILE, "U5", date(2026, 6, 1), "open", "detect", "high", 2),)
    return seed_document(
        problem=HOSTILE,
        impact=(HOSTILE,),
        causes=causes,
        items=items,
        lessons=(HOSTILE, "1. not a list", "+ nor this"),
        related=(Related("COE-3", HOSTILE, None),),
        names={**NAMES, "U5": "Dana | *Ops* [bot]"},
    )


def unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", row))


def test_user_text_reads_back_exactly_as_typed_wherever_it_appears() -> None:
    markdown = render_markdown(hostile_document())
    seen = text_of(markdown)
    # Title, problem, impact, question, two answers, mechanism, root, item, lesson, related.
    assert seen.count(HOSTILE_SEEN) == 11
    assert "Dana | *Ops* [bot]" in seen
    found = tokens(markdown)
    for unwanted in ("html_inline", "html_block", "code_inline", "code_block", "s_open", "hr"):
        assert unwanted not in found, unwanted
    # Ours only: the human-error notes in the whys and the root causes.
    assert found.count("em_open") == 2 + 0
    assert hrefs(markdown) == [THREAD]
    assert found.count("heading_open") == len(sections(markdown))


def test_user_text_cannot_start_a_list_heading_or_code_block() -> None:
    markdown = render_markdown(hostile_document())
    lessons = sections(markdown)["Lessons learned"]
    assert lessons.splitlines()[1:] == ["- 1\\. not a list", "- \\+ nor this"]
    assert "ordered_list_open" not in tokens(markdown)
    assert tokens(lessons).count("bullet_list_open") == 1


def test_every_table_row_has_exactly_its_cells_whatever_the_text() -> None:
    table = sections(render_markdown(hostile_document()))["Action items"]
    rows = table.splitlines()
    assert len(rows) == 3
    assert [unescaped_pipes(row) for row in rows] == [9, 9, 9]
    cells = [token for token in tokens(table) if token == "td_open"]
    assert len(cells) == 8


NASTY = (
    '"quoted"',
    "[x] ]]",
    "a --> b",
    "end",
    "`tick`",
    "<script>x</script>",
    "pipe | here",
    "line\nbreak",
    "#quot; %%{init: {}}%% ; ::: &amp;",
    'A["injected"] --> B',
    "subgraph x",
)
NODE = re.compile(r'    (P|N\d+)\["([^"\n]*)"\]')
EDGE = re.compile(r"    (P|N\d+) --> (N\d+)")
STYLE = re.compile(r"    (classDef humanError [a-z#0-9:,\-]+|class N\d+ humanError)")


def test_every_diagram_line_is_a_plain_node_edge_or_style_whatever_the_text() -> None:
    children = tuple(
        Cause(n + 1, "Why?", text, "U2", human_error=n == 3)
        for n, text in enumerate(NASTY, start=1)
    )
    doc = seed_document(
        problem='The "site" went down]]', causes=(Cause(1, "Why?", "x", "U2", children=children),)
    )
    lines = mermaid_flowchart(doc).splitlines()
    assert lines[0] == "flowchart TD"
    for line in lines[1:]:
        assert NODE.fullmatch(line) or EDGE.fullmatch(line) or STYLE.fullmatch(line), line
    labels = [match[2] for match in map(NODE.fullmatch, lines) if match]
    assert len(labels) == 2 + len(NASTY)
    assert len([line for line in lines if EDGE.fullmatch(line)]) == 1 + len(NASTY)
    for label in labels:
        assert not re.search(r"[\"<>\[\]{}`|:;%&#]", re.sub(r"#\w+;", "", label)), label
    assert [mermaid_decode(label) for label in labels] == [
        'The "site" went down]]',
        "#1 x",
        *(
            ("⚠ " if n == 3 else "") + f"#{n + 1} " + " ".join(slack_to_plain(text, {}).split())
            for n, text in enumerate(NASTY, start=1)
        ),
    ]


def test_long_answers_are_cut_in_the_diagram_only() -> None:
    answer = "word " * 40 + "END"
    doc = seed_document(causes=(Cause(1, "Why?", answer, "U2"),))
    label = mermaid_decode(NODE.fullmatch(mermaid_flowchart(doc).splitlines()[2])[2])
    assert label.endswith("word…") and len(label) <= 80 and "END" not in label
    assert answer.strip() + "** — Sheri" in render_markdown(doc)
