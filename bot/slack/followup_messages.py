"""Block Kit for the follow-up: an owner's reminder and the weekly digest.

Pure `build_*` functions, each message with a plain-text fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.core.dates import NO_DATE, due_phrase, format_day, overdue_phrase
from bot.core.digest import CoeProgress, Digest, DigestItem, OpenEntry, OwnerGroup
from bot.core.nudges import NudgeKind
from bot.core.review_text import Names, coe_key
from bot.core.slack_text import neutralize
from bot.slack.blocks import (
    MESSAGE_BLOCKS,
    Block,
    Size,
    chunks,
    clip,
    context,
    header,
    message,
    section,
    section_size,
    size_of,
)
from bot.slack.links import coe_ref
from bot.slack.messages import Message, item_status_buttons
from bot.use_cases.outgoing import GoneOwner, NudgeContent

# Kept for the tests that count blocks per digest message.
MAX_BLOCKS = MESSAGE_BLOCKS
LINE_LIMIT = 2900
# An item's text in a reminder or a digest row: enough to recognise it; the thread has it all.
ITEM_LIMIT = 1000


# Nudges ---------------------------------------------------------------------------------------


def build_nudge(content: NudgeContent, kind: NudgeKind, today: date, names: Names) -> Message:
    """The DM to an item's owner, with buttons to close or snooze the item."""
    when = due_phrase(content.due, today)
    due = f"{'due ' if content.due < today else ''}{format_day(content.due)}"
    item = clip(neutralize(content.text, names), ITEM_LIMIT)
    key = coe_ref(coe_key(content.coe_id), content.link)
    coe = f"{key}: {clip(neutralize(content.problem, names), 300)}"
    lead = "Overdue action item" if kind is NudgeKind.OVERDUE else "Action item due soon"
    lines = [
        f"*{lead}*: {item}",
        f"*{when.capitalize()}* ({due})",
        f"From *{coe}*",
    ]
    if content.why_number is not None and content.why_text:
        why = clip(neutralize(content.why_text, names), 500)
        lines.append(f"Addresses why #{content.why_number}: {why}")
    repeat = (
        "I'll remind you each working day until it is done or dropped."
        if kind is NudgeKind.OVERDUE
        else "I'll remind you again each working day once it is overdue."
    )
    text = f"Reminder: “{item}” ({coe}) is {when} ({due})."
    return message(
        text, [section("\n".join(lines)), context(repeat), item_status_buttons(content.item_id)]
    )


# A deactivated owner ---------------------------------------------------------------------------

# Two blocks an item (its line and its buttons) within Slack's 50, with room for the rest; and
# within its 12,000 characters of block text a message.
GONE_ITEMS_SHOWN = 20
GONE_ITEM_LIMIT = 400


def build_owner_gone(gone: GoneOwner, names: Names) -> Message:
    """To a COE's facilitator: an owner is deactivated, and their open items to give to someone
    else, each with its buttons (the facilitator may close them)."""
    key = coe_ref(coe_key(gone.coe_id), gone.link)
    coe = f"{key}: {clip(neutralize(gone.problem, names), 300)}"
    owner = f"<@{gone.owner_id}>"
    lead = (
        f"{owner} is deactivated in Slack, so I have stopped reminding them of their "
        f"{len(gone.items)} open action item{'s' if len(gone.items) != 1 else ''} of *{coe}*."
    )
    blocks: list[Block] = [section(lead)]
    for item_id, text, due in gone.items[:GONE_ITEMS_SHOWN]:
        line = f"• {clip(neutralize(text, names), GONE_ITEM_LIMIT)} (due {format_day(due)})"
        blocks += [section(line), item_status_buttons(item_id)]
    if len(gone.items) > GONE_ITEMS_SHOWN:
        blocks.append(context(f"…and {len(gone.items) - GONE_ITEMS_SHOWN} more."))
    blocks.append(
        context(
            "To give one to someone else, add it again in the thread with its new owner "
            "(`action: <what> @someone due <date>`), then drop this one."
        )
    )
    return message(f"{lead} Please give them to someone else.", blocks)


# Digest ---------------------------------------------------------------------------------------


@dataclass
class _Row:
    """Blocks that must stay in one message, and their line of the plain-text fallback."""

    blocks: list[Block]
    text: str
    item_id: int | None = None
    # Given when the caller knows it without walking the blocks.
    known_size: Size | None = None
    # Measured once, when the row is made: paging asks for it at every row.
    size: Size = field(init=False)

    def __post_init__(self) -> None:
        self.size = self.known_size if self.known_size is not None else size_of(self.blocks)


@dataclass
class _Part:
    """A heading and its rows: an owner's items, the completed list, the progress list."""

    heading: _Row
    rows: list[_Row]
    # Opens the next message when the part does not fit in one: a heading, made when needed.
    continued: str | None = None
    size: Size = field(init=False)

    def __post_init__(self) -> None:
        # Plain numbers, not `Size` sums: a digest of every channel has thousands of parts.
        blocks, chars = self.heading.size
        for row in self.rows:
            blocks += row.size.blocks
            chars += row.size.chars
        self.size = Size(blocks, chars)


@dataclass
class _Page:
    # Every page but the first opens with a context line saying which part it is.
    continuation: bool = False
    # Added with `add`, which keeps the size: paging asks for it at every row.
    rows: list[_Row] = field(default_factory=list, init=False)
    size: Size = field(init=False)

    def __post_init__(self) -> None:
        self.size = _CONTINUATION if self.continuation else Size()

    def add(self, row: _Row) -> None:
        self.rows.append(row)
        self.size += row.size

    def add_part(self, part: _Part) -> None:
        """The whole part, which the caller knows fits."""
        self.rows.append(part.heading)
        self.rows.extend(part.rows)
        self.size += part.size


# The continuation label: one context block of a few dozen characters.
_CONTINUATION = Size(1, 40)


@dataclass(frozen=True)
class DigestPage:
    """One message of the digest, and the open items it lists with buttons."""

    message: Message
    item_ids: tuple[int, ...]


def build_digest_messages(
    digest: Digest,
    names: Names,
    links: Mapping[int, str] | None = None,
    canvas_links: Mapping[int, str] | None = None,
) -> list[DigestPage]:
    """The digest as one message, or several within Slack's budget, split between owners.

    An owner with too many items for one message continues in the next under a repeated
    heading; an item's line and its buttons always stay together.
    """
    coe_problems = {coe.coe_id: neutralize(coe.problem, names) for coe in digest.progress}
    refs = {
        coe.coe_id: coe_ref(coe_key(coe.coe_id), (links or {}).get(coe.coe_id))
        for coe in digest.progress
    }
    # What each row says of its item's COE: the same for every item of the COE.
    about = {coe_id: f"*{ref}* {clip(coe_problems[coe_id], 200)}" for coe_id, ref in refs.items()}
    parts = [
        _title(digest),
        *(_owner_part(group, about, names) for group in digest.groups),
    ]
    if digest.completed:
        parts.append(_completed_part(digest.completed, digest.completed_when, names))
    if digest.progress:
        parts.append(_progress_part(digest.progress, coe_problems, refs, canvas_links or {}))
    pages = _paginate(parts)
    return [_page_message(page, number, len(pages)) for number, page in enumerate(pages, start=1)]


def _title(digest: Digest) -> _Part:
    title = f"COE action items: weekly digest, {format_day(digest.today)}"
    summary = (
        f"{digest.open_count} open, {digest.overdue_count} overdue · "
        f"{len(digest.completed)} completed {digest.completed_when}"
    )
    return _Part(
        heading=_Row(
            [header(title), context(summary)],
            f"{title}\n{summary}",
        ),
        rows=[],
    )


def _owner_part(group: OwnerGroup, about: dict[int, str], names: Names) -> _Part:
    owner, overdue = f"<@{group.owner_id}>", group.overdue
    counts = f"{len(group.entries)} open" + (f", {overdue} overdue" if overdue else "")
    return _Part(
        heading=_section_row(f"*{owner}* · {counts}", f"{owner} ({counts})"),
        rows=[_entry_row(entry, about, names) for entry in group.entries],
        continued=f"*<@{group.owner_id}>*, continued",
    )


def _entry_row(entry: OpenEntry, about: dict[int, str], names: Names) -> _Row:
    item = entry.item
    text = clip(neutralize(item.text, names), ITEM_LIMIT)
    coe = coe_key(item.coe_id)
    due = f"due {format_day(item.due)}" if item.due else NO_DATE
    snoozed = f", snoozed until {format_day(item.snoozed_until)}" if item.snoozed_until else ""
    if entry.days_overdue:
        overdue = overdue_phrase(entry.days_overdue)
        when, plain = f":warning: *{overdue}* ({due}{snoozed})", f"{overdue}, {due}{snoozed}"
    else:
        when = plain = f"{due[:1].upper()}{due[1:]}{snoozed}"
    body = section(f"{text}\n{when} · {about.get(item.coe_id, f'*{coe}*')}")
    return _Row(
        [body, item_status_buttons(item.id)],
        f"• {clip(text, 200)} ({coe}, {plain})",
        item.id,
        section_size(body) + _BUTTONS,
    )


# Every item's buttons say the same: measured once, not for each of a digest's rows.
_BUTTONS = size_of([item_status_buttons(0)])


def _section_row(text: str, fallback: str) -> _Row:
    block = section(text)
    return _Row([block], fallback, None, section_size(block))


def _completed_part(items: tuple[DigestItem, ...], when: str, names: Names) -> _Part:
    lines = [
        f"✓ {clip(neutralize(item.text, names), ITEM_LIMIT)} "
        f"({coe_key(item.coe_id)}, <@{item.owner_id}>)"
        for item in items
    ]
    heading = f"Completed {when}"
    return _Part(
        heading=_section_row(f"*{heading}*", f"{heading}:"),
        rows=[_section_row(chunk, chunk) for chunk in chunks(lines, LINE_LIMIT)],
        continued=f"*{heading}*, continued",
    )


def _progress_part(
    progress: tuple[CoeProgress, ...],
    coe_problems: dict[int, str],
    refs: dict[int, str],
    canvas_links: Mapping[int, str],
) -> _Part:
    lines = []
    for coe in progress:
        dropped = f", {coe.dropped} dropped" if coe.dropped else ""
        done = f"{coe.done}/{coe.total} done{dropped}"
        canvas = canvas_links.get(coe.coe_id)
        on_canvas = f" · <{canvas}|canvas>" if canvas else ""
        lines.append(
            f"*{refs[coe.coe_id]}* {clip(coe_problems[coe.coe_id], 200)}: {done}{on_canvas}"
        )
    return _Part(
        heading=_section_row("*Progress by COE*", "Progress by COE:"),
        rows=[_section_row(chunk, chunk.replace("*", "")) for chunk in chunks(lines, LINE_LIMIT)],
        continued="*Progress by COE*, continued",
    )


def _paginate(parts: list[_Part]) -> list[_Page]:
    pages = [_Page()]
    for part in parts:
        # A part that does not fit in what is left of the page starts a new one, so pages break
        # between owners; only a part too big for any page is split, between its rows.
        if pages[-1].size.fits_with(part.size):
            # Most parts: no row of theirs needs measuring against the page.
            pages[-1].add_part(part)
            continue
        fits_anywhere = _CONTINUATION.fits_with(part.size)
        opening = part.heading.size + (part.rows[0].size if part.rows else Size())
        starts_here = not fits_anywhere and pages[-1].size.fits_with(opening)
        if pages[-1].rows and not starts_here:
            pages.append(_Page(continuation=True))
            if fits_anywhere:
                pages[-1].add_part(part)
                continue
        pages[-1].add(part.heading)
        for row in part.rows:
            if not (pages[-1].size + row.size).fits():
                pages.append(_Page(continuation=True))
                if part.continued is not None:
                    pages[-1].add(_Row([section(part.continued)], ""))
            pages[-1].add(row)
    return pages


def _page_message(page: _Page, number: int, total: int) -> DigestPage:
    blocks = [block for row in page.rows for block in row.blocks]
    lines = [row.text for row in page.rows if row.text]
    if page.continuation:
        label = f"Weekly digest, part {number} of {total}"
        blocks.insert(0, context(label))
        lines.insert(0, label)
    item_ids = tuple(row.item_id for row in page.rows if row.item_id is not None)
    return DigestPage(message("\n".join(lines), blocks), item_ids)
