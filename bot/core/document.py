"""The COE as a document: Amazon's COE template, in Markdown, from what the review recorded.

Pure: the shell loads a `CoeDocument` and prints or uploads `render_markdown(doc)`. Every piece of
user text is read back from Slack markup and escaped, so no answer can break the page or the
diagram.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.core.dates import format_day
from bot.core.document_text import Text, mermaid_label, table_row
from bot.core.slack_markup import slack_to_plain

__all__ = [
    "Cause",
    "CoeDocument",
    "Item",
    "Moment",
    "Related",
    "mermaid_flowchart",
    "participants",
    "render_markdown",
    "root_causes",
    "slack_to_plain",
]

NONE_RECORDED = "None recorded."
NOT_A_MECHANISM = "not a mechanism"
# Node text in the diagram is cut here; the full answer is in the list above it.
DIAGRAM_TEXT_LIMIT = 80
# An angle's question on an edge of the diagram is cut here.
EDGE_TEXT_LIMIT = 60
ITEM_COLUMNS = ("#", "Action item", "Owner", "Due", "Status", "Type", "Priority", "Addresses")


@dataclass(frozen=True)
class Cause:
    """One answered why: its number (the order it was asked in), the question as asked and the
    answer. `branch` is the question of a branch the team took up (an offered angle, or their
    own `#0 why:`), drawn on the edge that leads to it."""

    number: int
    question: str
    answer: str
    author_id: str
    human_error: bool = False
    mechanism_question: str | None = None
    children: tuple[Cause, ...] = ()
    branch: str | None = None


@dataclass(frozen=True)
class Item:
    """One action item as the document lists it; `weak` when it asks people to try harder
    instead of building a mechanism."""

    description: str
    owner_id: str
    due: date | None
    status: str
    kind: str | None
    priority: str
    why_number: int | None
    weak: bool = False
    # Reminders paused until then (the canvas says so; the file's table does not).
    snoozed_until: date | None = None


@dataclass(frozen=True)
class Related:
    """A past COE with a similar recorded cause."""

    key: str
    excerpt: str
    link: str | None


@dataclass(frozen=True)
class Moment:
    """A line of the timeline; `at` None for a line of the team's whose time could not be read,
    listed after the others as written."""

    at: datetime | None
    what: str


@dataclass(frozen=True)
class CoeDocument:
    """Everything the document shows; user text still in Slack markup, people as user ids.

    `thread_link` None and `in_terminal` False: the Slack thread is not known (yet).
    """

    key: str
    problem: str
    status: str
    facilitator_id: str
    participant_ids: tuple[str, ...]
    started_at: datetime
    chain_closed_at: datetime | None
    impact: tuple[str, ...]
    causes: tuple[Cause, ...]
    items: tuple[Item, ...]
    lessons: tuple[str, ...]
    thread_link: str | None
    related: tuple[Related, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    timeline: tuple[Moment, ...] = ()
    in_terminal: bool = False


def walk(causes: Sequence[Cause], depth: int = 0) -> Iterator[tuple[Cause, int]]:
    """Every cause of the tree with its depth, parents before children."""
    for cause in causes:
        yield cause, depth
        yield from walk(cause.children, depth + 1)


def root_causes(causes: Sequence[Cause]) -> list[Cause]:
    """The leaves of the tree, the deepest cause of each branch, in the order they were asked."""
    leaves = [cause for cause, _ in walk(causes) if not cause.children]
    return sorted(leaves, key=lambda cause: cause.number)


def participants(causes: Sequence[Cause], items: Sequence[Item] = ()) -> tuple[str, ...]:
    """Everyone who answered a why or owns an action item, in order of first appearance."""
    ids = [cause.author_id for cause, _ in walk(causes)] + [item.owner_id for item in items]
    return tuple(dict.fromkeys(ids))


def render_markdown(doc: CoeDocument) -> str:
    """The whole COE as one Markdown document."""
    text = Text(doc.names)
    count = sum(1 for _ in walk(doc.causes))
    blocks = [
        f"# {text.inline(doc.key)}: {text.inline(doc.problem)}",
        "\n".join(_facts(doc, text)),
        *opening_sections(doc, text),
        f"## Whys ({count})",
        "\n".join(_why_lines(doc.causes, text)) or NONE_RECORDED,
    ]
    if doc.causes:
        blocks.append(f"```mermaid\n{mermaid_flowchart(doc)}\n```")
    blocks += [
        "## Root causes",
        bullets(root_cause_line(cause, doc.items, text) for cause in root_causes(doc.causes)),
        "## Action items",
        _item_table(doc.items, text),
        "## Lessons learned",
        bullets(text.line(lesson) for lesson in doc.lessons),
    ]
    if doc.related:
        blocks += ["## Related COEs", bullets(related_line(r, text) for r in doc.related)]
    return "\n\n".join(blocks) + "\n"


def opening_sections(doc: CoeDocument, text: Text) -> list[str]:
    """Problem, impact and timeline, headings and bodies: how the document and the canvas open."""
    return [
        "## Problem",
        text.line(doc.problem) or NONE_RECORDED,
        "## Impact",
        bullets(text.line(line) for line in doc.impact),
        "## Timeline",
        bullets(_moment_line(moment, text) for moment in _in_order(doc.timeline)),
    ]


def _facts(doc: CoeDocument, text: Text) -> list[str]:
    people = ", ".join(text.person(user_id) for user_id in doc.participant_ids)
    if doc.in_terminal:
        thread = "none: held in a terminal with `coe-bot try`, not in Slack"
    elif doc.thread_link:
        thread = text.link("Slack thread", doc.thread_link)
    else:
        thread = NONE_RECORDED
    return [
        f"- **Status:** {text.inline(doc.status)}",
        f"- **Facilitator:** {text.person(doc.facilitator_id)}",
        f"- **Participants:** {people or NONE_RECORDED}",
        f"- **Started:** {moment_text(doc.started_at)}",
        f"- **Chain closed:** "
        f"{moment_text(doc.chain_closed_at) if doc.chain_closed_at else 'not yet'}",
        f"- **Thread:** {thread}",
    ]


def moment_text(moment: datetime) -> str:
    """`Mon 4 May 2026 14:05 UTC`; a naive time is taken as UTC."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"{format_day(utc.date())} {utc:%H:%M} UTC"


def _in_order(timeline: Sequence[Moment]) -> list[Moment]:
    """By time, those with one first; the team's lines without a readable time as written."""
    timed = [moment for moment in timeline if moment.at is not None]
    untimed = [moment for moment in timeline if moment.at is None]
    return sorted(timed, key=lambda moment: _utc(moment.at)) + untimed


def _utc(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _moment_line(moment: Moment, text: Text) -> str:
    when = f"**{moment_text(moment.at)}** " if moment.at is not None else ""
    return when + text.inline(moment.what)


def bullets(lines: Iterable[str]) -> str:
    """A Markdown list of the lines that are not empty; "None recorded." for none."""
    return "\n".join(f"- {line}" for line in lines if line) or NONE_RECORDED


def _why_lines(causes: Sequence[Cause], text: Text) -> Iterator[str]:
    # A backslash at the end of a line is a hard line break: question, answer and any
    # human-error note each on their own line within the same list item.
    for cause, depth in walk(causes):
        indent = "  " * depth
        lines = [
            f"**#{cause.number}** {text.inline(cause.question)}",
            f"{bold(text.inline(cause.answer))} — {text.person(cause.author_id)}",
        ]
        if cause.human_error:
            lines.append(human_error_note(cause, text))
        yield f"{indent}- " + f"\\\n{indent}  ".join(lines)


def bold(markdown: str) -> str:
    """An answer in bold, or said to be missing."""
    # `****` would show as four stars: an empty answer reads as what it is.
    return f"**{markdown}**" if markdown else "*(no answer)*"


def human_error_note(cause: Cause, text: Text) -> str:
    """What a why that stops at a person is marked with, and the mechanism question asked."""
    note = "⚠️ *Human error:* this answer names a person, not a mechanism."
    if cause.mechanism_question:
        note += f" Asked next: {text.inline(cause.mechanism_question)}"
    return note


def root_cause_line(cause: Cause, items: Sequence[Item], text: Text) -> str:
    """A root cause, and the action items that address it or that none does yet."""
    line = f"**#{cause.number}** {text.inline(cause.answer)}"
    if cause.human_error:
        line += " ⚠️ *(human error: the mechanism behind it is still to be found)*"
    addressing = [
        number
        for number, item in enumerate(items, start=1)
        if item.why_number == cause.number and item.status != "dropped"
    ]
    if addressing:
        listed = ", ".join(f"{number}" for number in addressing)
        line += f" — addressed by action item{'s' if len(addressing) > 1 else ''} {listed}"
    else:
        line += " — *no action item yet*"
    return line


def _item_table(items: Sequence[Item], text: Text) -> str:
    if not items:
        return NONE_RECORDED
    rows = [table_row(ITEM_COLUMNS), table_row(("---",) * len(ITEM_COLUMNS))]
    for number, item in enumerate(items, start=1):
        description = text.inline(item.description)
        if item.weak:
            description += f" ⚠️ *{NOT_A_MECHANISM}*"
        cells = (
            str(number),
            description,
            text.person(item.owner_id),
            format_day(item.due) if item.due else "no date",
            text.inline(item.status),
            text.inline(item.kind) if item.kind else "—",
            text.inline(item.priority),
            f"Why #{item.why_number}" if item.why_number else "—",
        )
        rows.append(table_row(cells))
    return "\n".join(rows)


def related_line(related: Related, text: Text) -> str:
    """An earlier COE with a similar cause, linked to its thread where there is one."""
    key = text.link(related.key, related.link) if related.link else text.inline(related.key)
    return f"{key}: {text.inline(related.excerpt)}"


def mermaid_flowchart(doc: CoeDocument) -> str:
    """The cause tree as a Mermaid `flowchart TD`: the problem on top, human errors marked."""
    nodes = [f'    P["{mermaid_label(slack_to_plain(doc.problem, doc.names))}"]']
    edges: list[str] = []
    marked: list[str] = []

    def add(causes: Sequence[Cause], parent: str) -> None:
        for cause in causes:
            node = f"N{len(nodes)}"
            mark = "⚠ " if cause.human_error else ""
            body = f"{mark}#{cause.number} {slack_to_plain(cause.answer, doc.names)}"
            nodes.append(f'    {node}["{mermaid_label(body, DIAGRAM_TEXT_LIMIT)}"]')
            if cause.branch:
                label = mermaid_label(slack_to_plain(cause.branch, doc.names), EDGE_TEXT_LIMIT)
                edges.append(f'    {parent} -->|"{label}"| {node}')
            else:
                edges.append(f"    {parent} --> {node}")
            if cause.human_error:
                marked.append(node)
            add(cause.children, node)

    add(doc.causes, "P")
    lines = ["flowchart TD", *nodes, *edges]
    if marked:
        lines.append("    classDef humanError fill:#fdecea,stroke:#c62828,stroke-width:2px")
        lines.append(f"    class {','.join(marked)} humanError")
    return "\n".join(lines)
