"""The digest's content and its Block Kit, without Slack or a database."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.digest import CoeProgress, DigestItem, Window, build_digest
from bot.slack.followup_messages import MAX_BLOCKS, build_digest_messages

TODAY = date(2026, 11, 30)  # a Monday


def item(
    item_id: int, owner: str, due_in: int, coe_id: int = 1, text: str | None = None
) -> DigestItem:
    return DigestItem(
        id=item_id,
        coe_id=coe_id,
        text=text or f"item {item_id}",
        owner_id=owner,
        due=TODAY + timedelta(days=due_in),
    )


PROGRESS = [
    CoeProgress(coe_id=1, problem="The site went down", done=1, total=4, dropped=1),
    CoeProgress(coe_id=2, problem="Backups failed", done=0, total=1),
    CoeProgress(coe_id=3, problem="Long forgotten", done=2, total=2),
]


def test_open_items_are_grouped_by_owner_with_the_overdue_first() -> None:
    digest = build_digest(
        today=TODAY,
        open_items=[
            item(1, "UALICE", 5),
            item(2, "UBOB", 3),
            item(3, "UALICE", -2),
            item(4, "UBOB", -9, coe_id=2),
            item(5, "UALICE", -7),
            item(6, "UALICE", 1),
        ],
        completed=[item(7, "UCAROL", -3)],
        progress=PROGRESS,
    )
    assert digest is not None
    # Bob's worst item is 9 days overdue, Alice's 7: Bob first.
    assert [group.owner_id for group in digest.groups] == ["UBOB", "UALICE"]
    bob, alice = digest.groups
    assert [(e.item.id, e.days_overdue) for e in bob.entries] == [(4, 9), (2, 0)]
    assert [(e.item.id, e.days_overdue) for e in alice.entries] == [(5, 7), (3, 2), (6, 0), (1, 0)]
    assert (alice.overdue, bob.overdue) == (2, 1)
    assert (digest.open_count, digest.overdue_count) == (6, 3)
    assert [done.id for done in digest.completed] == [7]
    # COE-3 has nothing open and nothing done this week: it is not news.
    assert [p.coe_id for p in digest.progress] == [1, 2]


def test_nothing_open_and_nothing_just_done_is_no_digest() -> None:
    assert build_digest(today=TODAY, open_items=[], completed=[], progress=PROGRESS) is None
    only_done = build_digest(
        today=TODAY, open_items=[], completed=[item(7, "UCAROL", -3, coe_id=3)], progress=PROGRESS
    )
    assert only_done is not None and [p.coe_id for p in only_done.progress] == [3]


def test_days_overdue_count_on_each_owners_calendar() -> None:
    digest = build_digest(
        today=TODAY,
        owner_today={"UEAST": TODAY + timedelta(days=1)},
        open_items=[item(1, "UEAST", -1), item(2, "UWEST", -1)],
        completed=[],
        progress=PROGRESS,
    )
    assert digest is not None
    entries = [entry for group in digest.groups for entry in group.entries]
    assert [(e.item.id, e.days_overdue) for e in entries] == [(1, 2), (2, 1)]


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("start", "end", "phrase"),
    [
        (
            datetime(2026, 11, 23, 9, tzinfo=NEW_YORK),
            datetime(2026, 11, 30, 9, tzinfo=NEW_YORK),
            "in the past week",
        ),
        # Across the end of daylight saving time the week is an hour longer, and still a week.
        (
            datetime(2026, 10, 26, 9, tzinfo=NEW_YORK),
            datetime(2026, 11, 2, 9, tzinfo=NEW_YORK),
            "in the past week",
        ),
        (
            datetime(2026, 11, 27, 9, tzinfo=NEW_YORK),
            datetime(2026, 11, 30, 9, tzinfo=NEW_YORK),
            "since Fri 27 Nov 2026",
        ),
    ],
)
def test_the_completed_window_is_named_for_what_it_covers(
    start: datetime, end: datetime, phrase: str
) -> None:
    assert Window(start, end).phrase() == phrase
    digest = build_digest(
        today=TODAY,
        open_items=[],
        completed=[item(7, "UCAROL", -3)],
        progress=PROGRESS,
        window=Window(start, end),
    )
    assert digest is not None and digest.completed_when == phrase


def test_the_digest_message_shows_each_section() -> None:
    digest = build_digest(
        today=TODAY,
        open_items=[item(3, "UALICE", -2, text="Add an alarm"), item(1, "UBOB", 4, coe_id=2)],
        completed=[item(7, "UCAROL", -3, text="Split the script")],
        progress=PROGRESS,
    )
    assert digest is not None
    (page,) = build_digest_messages(digest, {})
    message, blocks = page.message, page.message["blocks"]
    assert page.item_ids == (3, 1)
    assert blocks[0]["type"] == "header" and "Mon 30 Nov 2026" in blocks[0]["text"]["text"]
    rendered = json.dumps(blocks)
    assert "2 open, 1 overdue" in rendered and "1 completed in the past week" in rendered
    assert "<@UALICE>" in rendered and "2 days overdue" in rendered
    assert "Completed in the past week" in rendered and "Split the script" in rendered
    assert "*COE-1* The site went down: 1/4 done, 1 dropped" in rendered
    assert "*COE-2* Backups failed: 0/1 done" in rendered
    # Each open item carries its Done / Snooze / Drop buttons right below it.
    buttons = [b for b in blocks if b["type"] == "actions"]
    assert [b["block_id"] for b in buttons] == ["item-3", "item-1"]
    after_alarm = blocks[blocks.index(buttons[0]) - 1]
    assert "Add an alarm" in after_alarm["text"]["text"]
    # The fallback says the same in plain words.
    text = message["text"]
    assert "Add an alarm (COE-1, 2 days overdue" in text and "Split the script" in text
    assert "COE-1 The site went down: 1/4 done" in text


def blocks_per_message(pages: list) -> list[int]:
    return [len(page.message["blocks"]) for page in pages]


@pytest.mark.parametrize("owners", [1, 3, 12])
def test_sixty_items_split_into_messages_of_at_most_fifty_blocks(owners: int) -> None:
    items = [item(n, f"U{n % owners:03d}", n - 30) for n in range(1, 61)]
    digest = build_digest(today=TODAY, open_items=items, completed=[], progress=PROGRESS[:1])
    assert digest is not None
    pages = build_digest_messages(digest, {})
    assert len(pages) >= 3 if owners == 1 else len(pages) >= 2
    assert all(count <= MAX_BLOCKS for count in blocks_per_message(pages))
    assert pages[0].item_ids, "the title is never posted on its own"
    # Every item appears once, in the digest's order, with its buttons in the same message.
    listed = [item_id for page in pages for item_id in page.item_ids]
    expected = [e.item.id for group in digest.groups for e in group.entries]
    assert listed == expected
    for page in pages:
        ids = [b["block_id"] for b in page.message["blocks"] if b["type"] == "actions"]
        assert ids == [f"item-{item_id}" for item_id in page.item_ids]
        assert page.message["text"]
    for number, page in enumerate(pages[1:], start=2):
        assert page.message["blocks"][0]["elements"][0]["text"] == (
            f"Weekly digest, part {number} of {len(pages)}"
        )


def test_messages_break_between_owners_when_the_next_owner_does_not_fit() -> None:
    # Two owners of 15 items: 1 header + 1 heading + 30 blocks each cannot share 50 blocks.
    items = [item(n, "UALICE" if n <= 15 else "UBOB", n) for n in range(1, 31)]
    digest = build_digest(today=TODAY, open_items=items, completed=[], progress=PROGRESS[:1])
    assert digest is not None
    first, second = build_digest_messages(digest, {})
    assert first.item_ids == tuple(range(1, 16)) and second.item_ids[:15] == tuple(range(16, 31))
    assert "<@UBOB>" not in json.dumps(first.message["blocks"])
    assert "<@UALICE>" not in json.dumps(second.message["blocks"])


def test_an_owner_too_big_for_one_message_continues_under_a_repeated_heading() -> None:
    items = [item(n, "UALICE", n) for n in range(1, 41)]
    digest = build_digest(today=TODAY, open_items=items, completed=[], progress=PROGRESS[:1])
    assert digest is not None
    pages = build_digest_messages(digest, {})
    # 80 blocks of items: 23 items fit under the title, the rest on the next page.
    assert [len(page.item_ids) for page in pages] == [23, 17]
    assert all(count <= MAX_BLOCKS for count in blocks_per_message(pages))
    for page in pages[1:]:
        assert page.message["blocks"][1]["text"]["text"] == "*<@UALICE>*, continued"
    # The item's text and its buttons are never split across messages.
    for page in pages:
        blocks = page.message["blocks"]
        for index, block in enumerate(blocks):
            if block["type"] == "actions":
                assert (
                    f"item {block['block_id'].removeprefix('item-')}"
                    in (blocks[index - 1]["text"]["text"])
                )


def test_a_long_completed_list_is_split_into_sections_within_slacks_limits() -> None:
    done = [item(n, "UBOB", -1, text="x" * 200) for n in range(1, 120)]
    digest = build_digest(today=TODAY, open_items=[], completed=done, progress=PROGRESS[:1])
    assert digest is not None
    pages = build_digest_messages(digest, {})
    for page in pages:
        assert len(page.message["blocks"]) <= MAX_BLOCKS
        for block in page.message["blocks"]:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
    assert sum(json.dumps(p.message["blocks"]).count("x" * 200) for p in pages) == 119
