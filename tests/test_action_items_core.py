"""Action item rules as pure functions: reading `action:` lines and due dates, which why an
item addresses and who may own it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.action_items import (
    ActionDraft,
    ActionItemError,
    NewItem,
    Person,
    check_owner,
    parse_action,
    pick_why,
    plan_item,
    why_label,
)
from bot.core.dates import DueDateError, format_day, owner_today, parse_due
from bot.core.facilitation import Chain, end_chain
from tests.action_items_core_setup import ANSWERS, FRIDAY, NOW, SUNDAY, WEDNESDAY, answered

# Due dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "today", "due"),
    [
        ("2026-12-04", WEDNESDAY, date(2026, 12, 4)),
        ("2026-1-5 ", date(2026, 1, 1), date(2026, 1, 5)),
        ("today", WEDNESDAY, WEDNESDAY),
        ("Today.", WEDNESDAY, WEDNESDAY),
        ("tomorrow", WEDNESDAY, date(2026, 11, 26)),
        ("tomorrow", date(2026, 12, 31), date(2027, 1, 1)),
        ("friday", WEDNESDAY, FRIDAY),
        ("Fri", WEDNESDAY, FRIDAY),
        ("this friday", WEDNESDAY, FRIDAY),
        ("on friday", WEDNESDAY, FRIDAY),
        ("wednesday", WEDNESDAY, date(2026, 12, 2)),
        # On a Friday, "friday" is a week away: "today" is there for today.
        ("friday", FRIDAY, date(2026, 12, 4)),
        ("monday", SUNDAY, date(2026, 11, 30)),
        # "next friday" is the Friday of next week.
        ("next friday", WEDNESDAY, date(2026, 12, 4)),
        ("next friday", FRIDAY, date(2026, 12, 4)),
        ("next friday", SUNDAY, date(2026, 12, 4)),
        ("next monday", WEDNESDAY, date(2026, 11, 30)),
        ("next week", WEDNESDAY, date(2026, 11, 30)),
        ("next week", SUNDAY, date(2026, 11, 30)),
        ("next week", date(2026, 11, 30), date(2026, 12, 7)),
        ("in 3 days", WEDNESDAY, date(2026, 11, 28)),
        ("in 1 day", WEDNESDAY, date(2026, 11, 26)),
        ("in 2 weeks", WEDNESDAY, date(2026, 12, 9)),
        ("in a week", WEDNESDAY, date(2026, 12, 2)),
        ("in three days", WEDNESDAY, date(2026, 11, 28)),
        ("end of week", WEDNESDAY, FRIDAY),
        ("eow", FRIDAY, FRIDAY),
        ("4 dec", WEDNESDAY, date(2026, 12, 4)),
        ("Dec 4th", WEDNESDAY, date(2026, 12, 4)),
        ("december 4, 2027", WEDNESDAY, date(2027, 12, 4)),
        ("4th of December", WEDNESDAY, date(2026, 12, 4)),
        # Without a year, the nearer year: early January seen from December is next month.
        ("jan 4", date(2026, 12, 20), date(2027, 1, 4)),
    ],
)
def test_due_dates_read_as_people_write_them(phrase: str, today: date, due: date) -> None:
    assert parse_due(phrase, today) == due


@pytest.mark.parametrize(
    ("phrase", "says"),
    [
        ("blah", "can't read “blah”"),
        ("12/04", "can't read"),
        ("yesterday", "can't read"),
        ("in many days", "can't read"),
        ("next month", "can't read"),
        ("ma 4", "can't read"),
        ("2026-02-30", "not a day on the calendar"),
        ("2026-13-01", "not a day on the calendar"),
        ("feb 30", "not a day on the calendar"),
        ("", "missing"),
    ],
)
def test_an_unreadable_date_says_how_to_write_one(phrase: str, says: str) -> None:
    with pytest.raises(DueDateError) as raised:
        parse_due(phrase, WEDNESDAY)
    assert says in str(raised.value)
    assert "`due 2026-12-04`" in str(raised.value) and "`due friday`" in str(raised.value)


@pytest.mark.parametrize("phrase", ["2026-11-24", "2025-12-04", "nov 24", "24 november 2026"])
def test_a_date_in_the_past_is_refused(phrase: str) -> None:
    with pytest.raises(DueDateError) as raised:
        parse_due(phrase, WEDNESDAY)
    message = str(raised.value)
    assert "in the past" in message and "today is Wed 25 Nov 2026" in message
    assert "`due tomorrow`" in message


def test_days_are_shown_with_their_weekday() -> None:
    assert format_day(date(2026, 12, 4)) == "Fri 4 Dec 2026"


def test_the_same_instant_is_shown_as_the_day_it_is_where_it_was_taken() -> None:
    late_in_london = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    in_tokyo = late_in_london.astimezone(ZoneInfo("Asia/Tokyo"))
    assert late_in_london == in_tokyo  # one instant, which a cache by value would mix up
    assert [format_day(late_in_london), format_day(in_tokyo)] == [
        "Fri 4 Dec 2026",
        "Sat 5 Dec 2026",
    ]


@pytest.mark.parametrize(
    ("now", "tz", "today"),
    [
        (datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "Asia/Tokyo", date(2026, 11, 26)),
        (datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "Europe/London", date(2026, 11, 25)),
        (datetime(2026, 11, 26, 3, 0, tzinfo=UTC), "America/New_York", date(2026, 11, 25)),
        (datetime(2026, 11, 26, 3, 0, tzinfo=UTC), "Not/AZone", date(2026, 11, 26)),
        (datetime(2026, 11, 26, 3, 0, tzinfo=UTC), "", date(2026, 11, 26)),
    ],
)
def test_today_is_the_owners_calendar_day(now: datetime, tz: str, today: date) -> None:
    assert owner_today(now, tz) == today


# Reading an `action:` line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "draft"),
    [
        (
            "Add an alarm on servers shut down per minute <@U123> due 2026-12-04",
            ActionDraft("Add an alarm on servers shut down per minute", "U123", "2026-12-04"),
        ),
        ("Add an alarm <@U123|carol> due friday", ActionDraft("Add an alarm", "U123", "friday")),
        ("Add an alarm due friday", ActionDraft("Add an alarm", None, "friday")),
        ("Add an alarm by next week", ActionDraft("Add an alarm", None, "next week")),
        ("Add an alarm due: in 3 days", ActionDraft("Add an alarm", None, "in 3 days")),
        ("Add an alarm due friday <@U9>", ActionDraft("Add an alarm", "U9", "friday")),
        ("<@U9>: add an alarm due friday", ActionDraft("add an alarm", "U9", "friday")),
        # "by" in the description is only the due date when there is no "due".
        ("Cut pages by 50% <@U9> due friday", ActionDraft("Cut pages by 50%", "U9", "friday")),
        ("Fix the due-date bug due friday", ActionDraft("Fix the due-date bug", None, "friday")),
        # A mention inside the description stays in it.
        (
            "Ask <@U1> to review the script <@U2> due friday",
            ActionDraft("Ask <@U1> to review the script", "U2", "friday"),
        ),
        ("Same owner <@U9> due fri <@U9>", ActionDraft("Same owner", "U9", "fri")),
    ],
)
def test_an_action_line_is_taken_apart(text: str, draft: ActionDraft) -> None:
    assert parse_action(text) == draft


@pytest.mark.parametrize(
    ("text", "draft"),
    [
        ("Add an alarm <@U1>", ActionDraft("Add an alarm", "U1", "")),
        ("Add an alarm", ActionDraft("Add an alarm", None, "")),
        # `@me` is whoever wrote the line, and leaves the description.
        ("Add an alarm @me", ActionDraft("Add an alarm", None, "")),
        ("@me: Add an alarm due friday", ActionDraft("Add an alarm", None, "friday")),
        (
            "Ask @me about the alarm due friday",
            ActionDraft("Ask @me about the alarm", None, "friday"),
        ),
    ],
)
def test_an_item_may_have_no_due_date_yet_and_me_is_its_author(
    text: str, draft: ActionDraft
) -> None:
    assert parse_action(text) == draft


def test_an_item_without_a_due_date_is_planned_without_one() -> None:
    item = plan_item(parse_action("Add an alarm"), None, Person("UBOB"), answered(3), NOW)
    assert item.due is None and item.owner_id == "UBOB"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("due friday", "What should be done?"),
        ("<@U1> due friday", "What should be done?"),
        ("Add an alarm <@U1> <@U2> due friday", "one owner"),
        ("Add an alarm <@U1> due friday <@U2>", "one owner"),
    ],
)
def test_an_incomplete_action_line_is_refused(text: str, says: str) -> None:
    with pytest.raises(ActionItemError) as raised:
        parse_action(text)
    assert says in str(raised.value)


# Which why, and who owns it --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chain", "number", "picked"),
    [
        (answered(3), None, 3),
        (answered(3), 1, 1),
        (answered(3), 4, 4),  # the open why
        (end_chain(answered(3)), None, 3),
        (end_chain(answered(3)), 2, 2),
        (answered(0), None, 1),  # nothing answered: the open why #1, the problem itself
    ],
)
def test_an_item_addresses_the_named_why_or_the_latest(
    chain: Chain, number: int | None, picked: int
) -> None:
    assert pick_why(chain, number).number == picked


@pytest.mark.parametrize(
    ("chain", "number"), [(answered(3), 5), (answered(3), 0), (end_chain(answered(3)), 4)]
)
def test_a_why_that_does_not_exist_is_refused(chain: Chain, number: int) -> None:
    with pytest.raises(ActionItemError) as raised:
        pick_why(chain, number)
    assert f"no why #{number}" in str(raised.value) and "#1 to" in str(raised.value)


def test_a_why_is_labelled_by_its_answer_or_its_open_question() -> None:
    chain = answered(1)
    assert why_label(chain.steps[0]) == f"Why #1: “{ANSWERS[0]}”"
    assert why_label(chain.steps[1]) == (
        f"Why #2 (not answered yet): why did “{ANSWERS[0]}” happen?"
    )


@pytest.mark.parametrize(
    ("owner", "says"),
    [
        (Person("UBOT", is_bot=True), "is a bot"),
        (Person("UGONE", deleted=True), "deactivated"),
    ],
)
def test_a_bot_or_a_deactivated_account_cannot_own_an_item(owner: Person, says: str) -> None:
    with pytest.raises(ActionItemError) as raised:
        check_owner(owner)
    assert says in str(raised.value) and f"<@{owner.user_id}>" in str(raised.value)


def test_an_item_is_planned_in_the_owners_timezone() -> None:
    late_wednesday_utc = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    draft = ActionDraft("Add an alarm", "UCAROL", "tomorrow")
    item = plan_item(draft, None, Person("UCAROL", "Asia/Tokyo"), answered(3), late_wednesday_utc)
    # In Tokyo it is already Thursday, so tomorrow is Friday.
    assert item == NewItem("Add an alarm", "UCAROL", FRIDAY, answered(3).steps[2])
