"""The seed's example as one COE document (described in test_document.py), and readers of the
Markdown it renders to."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

from markdown_it import MarkdownIt

from bot.core.document import (
    Cause,
    CoeDocument,
    Item,
    Related,
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


def mermaid_decode(label: str) -> str:
    """A label's text as Mermaid shows it: `#quot;` and `#35;` decoded."""
    return re.sub(r"#(quot|\d+);", lambda m: '"' if m[1] == "quot" else chr(int(m[1])), label)
