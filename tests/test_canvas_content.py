"""The canvas's Markdown, title and link, made from the same content as the COE document; and
the one claim on making a COE's canvas."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from sqlmodel import Session

from bot.core.canvas import canvas_link, canvas_title, render_canvas
from bot.core.document import render_markdown
from storage import canvases
from tests.conftest import Clock
from tests.fake_slack import FakeSlack
from tests.follow_up import add_coe, make_runtime
from tests.test_document import SEED_ITEMS, THREAD, sections, seed_document


def test_the_canvas_has_the_document_s_sections_without_its_chart() -> None:
    doc = seed_document()
    canvas, document = sections(render_canvas(doc)), sections(render_markdown(doc))
    assert list(canvas) == [
        "",
        "Problem",
        "Impact",
        "Timeline",
        "Whys (7)",
        "Root causes",
        "Action items",
        "Lessons learned",
        "Related COEs",
        "Thread",
    ]
    for same in ("Problem", "Impact", "Timeline", "Root causes", "Lessons learned"):
        assert canvas[same] == document[same]
    assert "mermaid" not in render_canvas(doc)
    assert canvas["Thread"] == f"[The COE's thread in Slack]({THREAD})"


def test_the_whys_are_a_tree_numbered_as_in_the_thread_with_human_errors_noted() -> None:
    whys = sections(render_canvas(seed_document()))["Whys (7)"].splitlines()
    numbered = [line for line in whys if "**#" in line]
    assert [line.index("- ") // 2 for line in numbered][:3] == [0, 1, 2]
    assert all(line.lstrip().startswith(("- **#", "- ⚠️")) for line in whys)
    assert any("*Human error:*" in line for line in whys)


def test_action_items_are_a_checklist_with_owner_due_date_and_status() -> None:
    snoozed = replace(SEED_ITEMS[0], snoozed_until=date(2026, 5, 22))
    dropped = replace(SEED_ITEMS[2], status="dropped", due=None)
    items = sections(render_canvas(seed_document(items=(snoozed, SEED_ITEMS[1], dropped))))
    lines = items["Action items"].splitlines()
    assert lines[0].startswith("- [ ] 1. Ask for a confirmation before shutting down")
    # The seed's ids are too short for Slack's: its people are named, not mentioned.
    assert lines[0].endswith(
        "— Lee · due Fri 15 May 2026 · open, snoozed until Fri 22 May 2026 · addresses why #3"
    )
    assert lines[1].startswith("- [x] 2. Alarm on servers") and "· done ·" in lines[1]
    assert lines[2].startswith("- [x] 3. ~A UI for replacing hardware~ — ")
    assert lines[2].endswith(" · no due date · dropped")


def test_user_text_cannot_break_the_canvas() -> None:
    hostile = "## Fake heading\n- [x] ticked [link](javascript:alert(1)) ![](@U666)"
    markdown = render_canvas(seed_document(problem=hostile, lessons=(hostile,)))
    assert "\n## Fake heading" not in markdown and "\n- [x] ticked" not in markdown
    # Brackets are escaped: no mention, no link.
    assert not re.search(r"(?<!\\)\[\]\(@U666\)|(?<!\\)\]\(javascript:", markdown)
    assert "!\\[\\](@U666)" in markdown


def test_the_title_is_the_key_and_the_problem_on_one_line_cut_with_an_ellipsis() -> None:
    assert canvas_title("COE-3", "Checkout\nwas down") == "COE-3: Checkout was down"
    long = canvas_title("COE-3", "x" * 500)
    assert len(long) == 120 and long.endswith("…")


def test_the_link_opens_the_canvas_on_the_workspace_s_address() -> None:
    permalink = "https://acme.slack.com/archives/C1/p1700000000000001"
    assert canvas_link(permalink, "T1", "F2") == "https://acme.slack.com/docs/T1/F2"
    assert canvas_link(None, "T1", "F2") == "https://app.slack.com/docs/T1/F2"
    assert canvas_link("javascript:alert(1)//.slack.com", "T1", "F2") == (
        "https://app.slack.com/docs/T1/F2"
    )
    assert canvas_link(permalink, "", "F2") is None


def test_only_one_claim_on_a_coe_s_canvas_succeeds(
    fake_slack: FakeSlack, each_database_url: str, clock: Clock
) -> None:
    first, second = (make_runtime(fake_slack, each_database_url, clock) for _ in range(2))
    coe_id = add_coe(first, whys=("The pool ran out.",), status="chain_done")
    claims = []
    for rt in (first, second, first):
        with Session(rt.engine) as session:
            claims.append(canvases.claim(session=session, coe_id=coe_id, now=clock()))
            session.commit()
    assert claims == [True, False, False]
    with Session(second.engine) as session:
        # A creation that never made a canvas is claimed again once it is stale, once.
        now = clock() + timedelta(minutes=20)
        stale = [
            canvases.claim_stale(session=session, coe_id=coe_id, now=now, before=before)
            for before in (clock(), clock() + timedelta(minutes=5), clock() + timedelta(minutes=5))
        ]
        assert stale == [False, True, False]
        session.commit()
    with Session(second.engine) as session:
        assert canvases.refuse(session=session, coe_id=coe_id, reason="restricted_action")
        assert not canvases.refuse(session=session, coe_id=coe_id, reason="restricted_action")
        session.commit()
    for rt in (first, second):
        rt.engine.dispose()
