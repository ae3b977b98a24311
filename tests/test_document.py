"""The COE document: Amazon's template in Markdown, with user text that cannot break it.

The seed's example as one incident: its whys 3-5 are further branches of the same tree. The
script (#2) explains the servers being off (#1); why a script could do that (#3) and why
someone was shutting servers down by hand at all (#4) both explain the script; a human-error
answer (#5) is followed by its mechanism (#6). Why nobody noticed (#7) is a second cause of the
outage itself, beside the script. Each why is numbered in the order it was asked.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from bot.core.document import (
    Cause,
    Item,
    Moment,
    mermaid_flowchart,
    participants,
    render_markdown,
    root_causes,
)
from tests.document_seed import (
    MECHANISM,
    SEED_CAUSES,
    SEED_ITEMS,
    THREAD,
    mermaid_block,
    mermaid_decode,
    sections,
    seed_document,
    text_of,
    tokens,
)

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
