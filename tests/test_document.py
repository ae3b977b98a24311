"""The COE document: Amazon's template in Markdown, with user text that cannot break it.

The seed's example as one incident: its whys 3-5 are further branches of the same tree. The
script (#2) explains the servers being off (#1); why a script could do that (#3) and why
someone was shutting servers down by hand at all (#4) both explain the script; a human-error
answer (#5) is followed by its mechanism (#6). Why nobody noticed (#7) is a second cause of the
outage itself, beside the script. Each why is numbered in the order it was asked.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from markdown_it import MarkdownIt

from bot.core.document import (
    Cause,
    CoeDocument,
    Item,
    Moment,
    Related,
    mermaid_flowchart,
    participants,
    render_markdown,
    root_causes,
    slack_to_plain,
)

NAMES = {"U1": "Clara", "U2": "Sheri", "U3": "Dana", "U4": "Lee"}
MECHANISM = "What made it possible for one wrong field to shut down the whole fleet?"
SEED_CAUSES = (
    Cause(
        1,
        "Why did the site go down?",
        "All the servers were turned off.",
        "U2",
        children=(
            Cause(
                2,
                "Why were the servers turned off?",
                "A script was run which shut them off.",
                "U3",
                children=(
                    Cause(
                        3,
                        "Why was a script able to turn off so many servers?",
                        "There are no permission differences between turning off 1 server vs many.",
                        "U4",
                    ),
                    Cause(
                        4,
                        "Why was someone manually shutting down servers?",
                        "Because the hardware for those servers was being replaced, and there was"
                        " no UI for the hardware team to use when replacing hardware.",
                        "U3",
                    ),
                    Cause(
                        5,
                        "Why did the script shut down every server except the listed ones?",
                        "<@U4> pasted the list into the wrong field.",
                        "U2",
                        human_error=True,
                        mechanism_question=MECHANISM,
                        children=(
                            Cause(
                                6,
                                MECHANISM,
                                "The --except and --only flags look alike and nothing asks"
                                " for a confirmation.",
                                "U4",
                            ),
                        ),
                    ),
                ),
            ),
            Cause(
                7,
                "Why did the team not notice immediately what was happening?",
                "There were no alarms on the number of servers shutting down in a time period.",
                "U1",
            ),
        ),
    ),
)
SEED_ITEMS = (
    Item(
        "Ask for a confirmation before shutting down more than 10 servers",
        "U4",
        date(2026, 5, 15),
        "open",
        "prevent",
        "high",
        3,
    ),
    Item(
        "Alarm on servers shut down per 5 minutes",
        "U1",
        date(2026, 5, 20),
        "done",
        "detect",
        "medium",
        7,
    ),
    Item("A UI for replacing hardware", "U9", date(2026, 6, 30), "open", None, "low", None),
)
THREAD = "https://example.slack.com/archives/C1/p1777903500000100"


def seed_document(**changes: object) -> CoeDocument:
    fields: dict[str, object] = {
        "key": "COE-12",
        "problem": "The site went down",
        "status": "chain complete",
        "facilitator_id": "U1",
        "participant_ids": ("U2", "U3", "U4"),
        "started_at": datetime(2026, 5, 4, 14, 5, tzinfo=UTC),
        "chain_closed_at": datetime(2026, 5, 4, 15, 40, tzinfo=UTC),
        "impact": ("Customers could not load any page for 40 minutes", "-12% orders that day"),
        "causes": SEED_CAUSES,
        "items": SEED_ITEMS,
        "lessons": ("People will always make mistakes: make the big ones impossible.",),
        "thread_link": THREAD,
        "related": (Related("COE-7", "No alarm on the fleet size", "https://example.com/7"),),
        "names": NAMES,
    }
    fields.update(changes)
    return CoeDocument(**fields)  # type: ignore[arg-type]


def sections(markdown: str) -> dict[str, str]:
    """`## Heading` -> its body; the title and facts under the key ``."""
    parts = re.split(r"^## (.+)\n", markdown, flags=re.M)
    found = {"": parts[0].strip()}
    found.update(
        (title, body.strip()) for title, body in zip(parts[1::2], parts[2::2], strict=True)
    )
    return found


def mermaid_block(markdown: str) -> str:
    match = re.search(r"^```mermaid\n(.*?)\n```$", markdown, flags=re.M | re.S)
    assert match, markdown
    return match.group(1)


def text_of(markdown: str) -> str:
    """What a reader sees: the rendered HTML without tags or entities."""
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def tokens(markdown: str) -> list[str]:
    """Every token type markdown-it finds, nested inline tokens included."""
    found = []
    for token in MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown):
        found.append(token.type)
        found += [child.type for child in token.children or ()]
    return found


def hrefs(markdown: str) -> list[str]:
    """The target of every link markdown-it finds."""
    found = []
    for token in MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown):
        found += [str(child.attrGet("href")) for child in token.children or () if child.attrs]
    return found


# The seed, section by section -------------------------------------------------------------------


def test_the_seed_example_has_the_sections_of_the_coe_template_in_order() -> None:
    markdown = render_markdown(seed_document())
    assert markdown.startswith("# COE-12: The site went down\n")
    assert list(sections(markdown))[1:] == [
        "Problem",
        "Impact",
        "Timeline",
        "Whys (7)",
        "Root causes",
        "Action items",
        "Lessons learned",
        "Related COEs",
    ]


def test_the_facts_name_people_and_say_when_in_utc() -> None:
    facts = sections(render_markdown(seed_document()))[""].splitlines()[2:]
    assert facts == [
        "- **Status:** chain complete",
        "- **Facilitator:** Clara",
        "- **Participants:** Sheri, Dana, Lee",
        "- **Started:** Mon 4 May 2026 14:05 UTC",
        "- **Chain closed:** Mon 4 May 2026 15:40 UTC",
        f"- **Thread:** [Slack thread](<{THREAD}>)",
    ]


def test_problem_and_impact() -> None:
    found = sections(render_markdown(seed_document()))
    assert found["Problem"] == "The site went down"
    assert found["Impact"] == (
        "- Customers could not load any page for 40 minutes\n- \\-12% orders that day"
    )


def test_the_five_whys_are_the_tree_each_question_as_asked_each_answer_with_its_author() -> None:
    whys = sections(render_markdown(seed_document()))["Whys (7)"]
    tree = whys.split("```mermaid")[0].strip()
    items = re.findall(r"^( *)- \*\*#(\d+)\*\* (.*)\\\n *\*\*(.*)\*\* — (\w+)", tree, re.M)
    # One number per why; the tree's shape by indentation.
    assert [(len(indent) // 2, int(number)) for indent, number, *_ in items] == [
        (0, 1),
        (1, 2),
        (2, 3),
        (2, 4),
        (2, 5),
        (3, 6),
        (1, 7),
    ]
    by_number = {int(n): (question, answer, author) for _, n, question, answer, author in items}
    assert by_number[1] == (
        "Why did the site go down?",
        "All the servers were turned off.",
        "Sheri",
    )
    assert by_number[3] == (
        "Why was a script able to turn off so many servers?",
        "There are no permission differences between turning off 1 server vs many.",
        "Lee",
    )
    assert by_number[5][1:] == ("@Lee pasted the list into the wrong field.", "Sheri")
    assert "<@U" not in whys


def test_a_human_error_step_is_marked_with_the_mechanism_question_that_followed() -> None:
    whys = sections(render_markdown(seed_document()))["Whys (7)"]
    marked = [line.strip() for line in whys.splitlines() if "Human error" in line]
    assert marked == [
        "⚠️ *Human error:* this answer names a person, not a mechanism. Asked next: " + MECHANISM
    ]
    # The note belongs to why #5: it follows that answer, before the mechanism's own answer.
    assert whys.index("wrong field.** — Sheri") < whys.index("Human error") < whys.index("**#6**")


def node_labels(diagram: str) -> dict[str, str]:
    """Node id -> the why number its text starts with (`problem` for the top node)."""
    nodes = dict(re.findall(r'^    (P|N\d+)\["(.*)"\]$', diagram, re.M))
    return {
        node: "problem" if node == "P" else mermaid_decode(text).removeprefix("⚠ ").split()[0]
        for node, text in nodes.items()
    }


def test_the_diagram_is_the_same_tree_with_the_human_error_styled() -> None:
    diagram = mermaid_flowchart(seed_document())
    assert diagram.startswith("flowchart TD\n")
    assert '    P["The site went down"]' in diagram.splitlines()
    labels = node_labels(diagram)
    edges = re.findall(r"^    (P|N\d+) --> (N\d+)$", diagram, re.M)
    assert len(labels) == 8 and len(edges) == 7
    assert sorted((labels[a], labels[b]) for a, b in edges) == [
        ("#1", "#2"),
        ("#1", "#7"),
        ("#2", "#3"),
        ("#2", "#4"),
        ("#2", "#5"),
        ("#5", "#6"),
        ("problem", "#1"),
    ]
    human = re.findall(r'^    (N\d+)\["⚠ ', diagram, re.M)
    assert [labels[node] for node in human] == ["#5"]
    assert diagram.splitlines()[-1] == f"    class {human[0]} humanError"
    assert mermaid_block(render_markdown(seed_document())) == diagram


def test_root_causes_are_the_leaves_each_with_the_items_that_address_it() -> None:
    found = sections(render_markdown(seed_document()))["Root causes"]
    assert re.findall(r"^- \*\*#(\d+)\*\*", found, re.M) == ["3", "4", "6", "7"]
    lines = found.splitlines()
    assert lines[0].endswith("many. — addressed by action item 1")
    assert lines[1].endswith("— *no action item yet*")
    assert lines[3] == (
        "- **#7** There were no alarms on the number of servers shutting down in a time period."
        " — addressed by action item 2"
    )


def test_a_dropped_item_addresses_nothing() -> None:
    dropped = tuple(replace(item, status="dropped") for item in SEED_ITEMS)
    found = sections(render_markdown(seed_document(items=dropped)))["Root causes"]
    assert found.count("— *no action item yet*") == 4


def test_action_items_are_a_table_with_owner_due_date_type_priority_and_why() -> None:
    table = sections(render_markdown(seed_document()))["Action items"].splitlines()
    assert table[0] == "| # | Action item | Owner | Due | Status | Type | Priority | Addresses |"
    assert table[2:] == [
        "| 1 | Ask for a confirmation before shutting down more than 10 servers | Lee"
        " | Fri 15 May 2026 | open | prevent | high | Why #3 |",
        "| 2 | Alarm on servers shut down per 5 minutes | Clara | Wed 20 May 2026 | done"
        " | detect | medium | Why #7 |",
        "| 3 | A UI for replacing hardware | U9 | Tue 30 Jun 2026 | open | — | low | — |",
    ]


def test_weak_items_are_marked_and_an_item_without_a_date_says_so() -> None:
    items = (
        Item("Remind the team to double-check the list", "U4", None, "open", None, "low", 3, True),
    )
    table = sections(render_markdown(seed_document(items=items)))["Action items"].splitlines()
    assert table[2] == (
        "| 1 | Remind the team to double-check the list ⚠️ *not a mechanism* | Lee"
        " | no date | open | — | low | Why #3 |"
    )


def test_lessons_related_coes_and_the_whole_page_rendered() -> None:
    markdown = render_markdown(seed_document())
    found = sections(markdown)
    assert found["Lessons learned"] == (
        "- People will always make mistakes: make the big ones impossible."
    )
    assert found["Related COEs"] == "- [COE-7](<https://example.com/7>): No alarm on the fleet size"
    seen = text_of(markdown)
    assert "#5 Why did the script shut down every server except the listed ones?" in seen
    assert "html_inline" not in tokens(markdown) and "html_block" not in tokens(markdown)


# Empty sections ---------------------------------------------------------------------------------


def test_a_review_with_nothing_recorded_says_so_in_every_section_but_related() -> None:
    empty = seed_document(
        status="asking",
        participant_ids=(),
        chain_closed_at=None,
        impact=(),
        causes=(),
        items=(),
        lessons=(),
        thread_link=None,
        related=(),
    )
    markdown = render_markdown(empty)
    found = sections(markdown)
    assert "Related COEs" not in found
    for title in ("Impact", "Timeline", "Whys (0)", "Root causes", "Action items"):
        assert found[title] == "None recorded.", title
    assert found["Lessons learned"] == "None recorded."
    assert "- **Participants:** None recorded." in found[""]
    assert "- **Chain closed:** not yet" in found[""]
    assert "- **Thread:** None recorded." in found[""]
    assert "```mermaid" not in markdown


def test_a_review_held_in_a_terminal_says_so_and_links_no_slack_thread() -> None:
    facts = sections(render_markdown(seed_document(thread_link=None, in_terminal=True)))[""]
    assert "- **Thread:** none: held in a terminal with `coe-bot try`, not in Slack" in facts
    assert "slack.com" not in render_markdown(seed_document(thread_link=None, in_terminal=True))


def test_the_timeline_puts_the_record_and_the_teams_lines_in_order() -> None:
    at = lambda hour, minute: datetime(2026, 5, 4, hour, minute, tzinfo=UTC)  # noqa: E731
    timeline = (
        Moment(at(14, 5), "COE started by <@U1>"),
        Moment(None, "paged the on-call, some time before the rollback"),
        Moment(at(13, 50), "the script ran"),
        Moment(datetime(2026, 5, 4, 15, 58, tzinfo=timezone(timedelta(hours=1))), "rolled back"),
    )
    found = sections(render_markdown(seed_document(timeline=timeline)))["Timeline"]
    assert found.splitlines() == [
        "- **Mon 4 May 2026 13:50 UTC** the script ran",
        "- **Mon 4 May 2026 14:05 UTC** COE started by @Clara",
        "- **Mon 4 May 2026 14:58 UTC** rolled back",
        "- paged the on-call, some time before the rollback",
    ]


def test_angle_branches_carry_their_question_on_the_diagrams_edge() -> None:
    angle = Cause(8, "Why didn't we notice sooner?", "No alarm on shutdowns.", "U1")
    angle = replace(angle, branch="Why didn't we notice sooner?")
    diagram = mermaid_flowchart(seed_document(causes=(*SEED_CAUSES, angle)))
    assert re.search(r'^    P -->\|"Why didn\'t we notice sooner\?"\| N\d+$', diagram, re.M)


def test_times_are_shown_in_utc_whatever_zone_they_come_in() -> None:
    started = datetime(2026, 5, 4, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    markdown = render_markdown(seed_document(started_at=started))
    assert "- **Started:** Tue 5 May 2026 04:30 UTC" in markdown


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


def mermaid_decode(label: str) -> str:
    """A label's text as Mermaid shows it: `#quot;` and `#35;` decoded."""
    return re.sub(r"#(quot|\d+);", lambda m: '"' if m[1] == "quot" else chr(int(m[1])), label)


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


# Tree helpers -----------------------------------------------------------------------------------


def test_root_causes_come_in_the_order_they_were_asked() -> None:
    leaf = lambda number: Cause(number, "Why?", f"cause {number}", "U2")  # noqa: E731
    tree = (
        Cause(2, "Why?", "b", "U2", children=(leaf(10), leaf(9))),
        leaf(11),
        Cause(1, "Why?", "a", "U2", children=(leaf(3),)),
    )
    assert [cause.number for cause in root_causes(tree)] == [3, 9, 10, 11]


def test_participants_are_answerers_then_owners_each_once_in_order_of_appearance() -> None:
    assert participants(SEED_CAUSES, SEED_ITEMS) == ("U2", "U3", "U4", "U1", "U9")
    assert participants(()) == ()
