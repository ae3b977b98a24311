"""The COE as a Slack canvas: the document's content in the Markdown a canvas takes.

Pure, from the same `CoeDocument` as the Markdown file, and with the same escaping of what
people typed. What differs is what a canvas does better or cannot do: people are mentions
(`![](@U123)`) that Slack shows by name, the action items a checklist, the whys a nested
list with the thread's numbers, and no Mermaid chart (the thread has the picture).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.core.dates import format_day
from bot.core.document import (
    NONE_RECORDED,
    NOT_A_MECHANISM,
    Cause,
    CoeDocument,
    Item,
    bold,
    bullets,
    human_error_note,
    moment_text,
    opening_sections,
    related_line,
    root_cause_line,
    root_causes,
    walk,
)
from bot.core.document_text import Text, escape_markdown, safe_url

# Slack's limit on a canvas title is not documented; a long problem is cut well short of any.
TITLE_LIMIT = 120
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_WORKSPACE = re.compile(r"^https://[A-Za-z0-9.-]+\.slack(-gov)?\.com")


def canvas_title(key: str, problem: str) -> str:
    """`COE-12: <problem>`, on one line, cut with an ellipsis."""
    title = f"{key}: {' '.join(problem.split())}"
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1].rstrip() + "…"


def canvas_link(permalink: str | None, team_id: str, canvas_id: str) -> str | None:
    """Where a canvas opens: on the workspace's own address, which the thread's permalink
    gives, else on Slack's app address; None without the team to name."""
    if not team_id:
        return None
    found = _WORKSPACE.match(permalink or "")
    base = found.group(0) if found else "https://app.slack.com"
    return f"{base}/docs/{team_id}/{canvas_id}"


def render_canvas(doc: CoeDocument) -> str:
    """The whole COE as a canvas's Markdown (the title is the canvas's own)."""
    text = Text(doc.names)
    count = sum(1 for _ in walk(doc.causes))
    blocks = [
        "\n".join(_facts(doc, text)),
        *opening_sections(doc, text),
        f"## Whys ({count})",
        "\n".join(_why_lines(doc.causes, text)) or NONE_RECORDED,
        "## Root causes",
        bullets(root_cause_line(cause, doc.items, text) for cause in root_causes(doc.causes)),
        "## Action items",
        "\n".join(_checklist(doc.items, text)) or NONE_RECORDED,
        "## Lessons learned",
        bullets(text.line(lesson) for lesson in doc.lessons),
        "## Related COEs",
        bullets(related_line(related, text) for related in doc.related),
        "## Thread",
        _thread(doc),
    ]
    return "\n\n".join(blocks) + "\n"


def mention(user_id: str, text: Text) -> str:
    """A person as a canvas shows them: a mention for a Slack user id, else the name as text."""
    return f"![](@{user_id})" if _USER_ID.match(user_id) else text.person(user_id)


def _facts(doc: CoeDocument, text: Text) -> list[str]:
    closed = moment_text(doc.chain_closed_at) if doc.chain_closed_at else "not yet"
    return [
        f"**Status:** {text.inline(doc.status)}",
        f"**Facilitator:** {mention(doc.facilitator_id, text)}",
        f"**Started:** {moment_text(doc.started_at)} · **Chain closed:** {closed}",
    ]


def _why_lines(causes: Sequence[Cause], text: Text) -> Iterator[str]:
    """Each why one item, indented under the one it explains, numbered as in the thread."""
    for cause, depth in walk(causes):
        indent = "  " * depth
        line = (
            f"**#{cause.number}** {text.inline(cause.question)} "
            f"{bold(text.inline(cause.answer))} — {mention(cause.author_id, text)}"
        )
        if cause.branch:
            line += " *(another angle)*"
        yield f"{indent}- {line}"
        if cause.human_error:
            yield f"{indent}  - {human_error_note(cause, text)}"


def _checklist(items: Sequence[Item], text: Text) -> Iterator[str]:
    """One checklist line per action item: done ones ticked, dropped ones struck through."""
    for number, item in enumerate(items, start=1):
        description = text.inline(item.description)
        if item.weak:
            description += f" ⚠️ *{NOT_A_MECHANISM}*"
        if item.status == "dropped":
            description = f"~{description}~"
        due = f"due {format_day(item.due)}" if item.due else "no due date"
        why = f" · addresses why #{item.why_number}" if item.why_number else ""
        status = escape_markdown(item.status)
        if item.snoozed_until:
            status += f", snoozed until {format_day(item.snoozed_until)}"
        facts = f"{mention(item.owner_id, text)} · {due} · {status}{why}"
        tick = "x" if item.status in ("done", "dropped") else " "
        yield f"- [{tick}] {number}. {description} — {facts}"


def _thread(doc: CoeDocument) -> str:
    if doc.thread_link:
        return f"[The COE's thread in Slack]({safe_url(doc.thread_link)})"
    return NONE_RECORDED
