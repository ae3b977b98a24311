"""Action items: reading an `action:` line and its due date, which why an item addresses, the
status transitions and who may make them.

Pure: no Slack, no database, no clock. `today` and `now` are parameters, and so is everything
known about the people involved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum

from bot.core.dates import (
    DueDateError,
    overdue_first,
    owner_today,
    parse_due,
)
from bot.core.dates import days_overdue as days_overdue  # the use cases read it from here
from bot.core.facilitation import Chain, Step

SNOOZE = timedelta(days=7)
DROP_REASON_LIMIT = 2000

_MENTION = r"<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>"
_TRAILING_MENTIONS = re.compile(r"(?:\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>)+\s*$")
_LEADING_MENTION = re.compile(rf"^\s*{_MENTION}\s*[:,]?")
_ANY_MENTION = re.compile(_MENTION)
_SEPARATORS = " \t\n-–—:,;"
_ENTITY_END = re.compile(r"&(?:amp|lt|gt);$")
_DUE_WORD = re.compile(r"\b(?P<word>due|by)\b", re.I)
# `@me`, typed as plain text: the author. Stands in the line as a mention of nobody real, so it
# is taken as the owner wherever a mention would be.
_ME = re.compile(r"(?<![\w@<])@me\b", re.I)
_AUTHOR = "U0AUTHOR0"
_AUTHOR_MENTION = f"<@{_AUTHOR}>"


class ActionItemError(Exception):
    """Nothing was recorded or changed; the message says why, for the person who asked."""


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Kind(StrEnum):
    """What the mechanism does about the cause."""

    PREVENT = "prevent"
    DETECT = "detect"
    MITIGATE = "mitigate"


class StatusAction(StrEnum):
    """A button on an item row; the value is also the change recorded in the item's history."""

    DONE = "done"
    SNOOZE = "snoozed"
    DROP = "dropped"


CREATED = "created"


@dataclass(frozen=True)
class Person:
    """What Slack says about a user (users.info), as far as action items care."""

    user_id: str
    tz: str = "UTC"
    is_bot: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class ActionDraft:
    """An `action:` line taken apart; `owner_id` None means the author owns it, and an empty
    `due_phrase` that it has no due date yet."""

    description: str
    owner_id: str | None
    due_phrase: str


@dataclass(frozen=True)
class NewItem:
    description: str
    owner_id: str
    due: date | None
    why: Step
    priority: Priority = Priority.MEDIUM
    kind: Kind | None = None


@dataclass(frozen=True)
class ItemState:
    status: ItemStatus
    snoozed_until: date | None = None
    drop_reason: str | None = None


@dataclass(frozen=True)
class ListedItem:
    """One row of an action item list."""

    item_id: int
    coe_id: int
    description: str
    owner_id: str
    due: date | None
    days_overdue: int
    snoozed_until: date | None = None


# Dates ----------------------------------------------------------------------------------------


# Reading an `action:` line ---------------------------------------------------------------------


def due_for(phrase: str, today: date) -> date:
    """`parse_due`, failing as an action item does: nothing recorded, and why."""
    try:
        return parse_due(phrase, today)
    except DueDateError as error:
        raise ActionItemError(str(error)) from None


def parse_action(text: str) -> ActionDraft:
    """Take `<what> [<@owner>] [due <date>]` apart; `by <date>` works too.

    The due date is what follows the last `due` (or, with no `due`, the last `by`); without one,
    the item has no due date yet. The owner is a mention right before the due date, at the very
    end, or at the very start, and `@me` is whoever wrote the line; mentions inside the
    description stay part of it.
    """
    body, phrase = _split_due(_ME.sub(_AUTHOR_MENTION, text))
    phrase, owner_after = _take_trailing_owner(phrase)
    body, owner_before = _take_trailing_owner(body)
    if owner_before is None:
        body, owner_before = _take_leading_owner(body)
    if owner_after and owner_before and owner_after != owner_before:
        raise ActionItemError(
            f"An action item has one owner, and I found two: <@{owner_before}> and "
            f"<@{owner_after}>. Name one, e.g. `action: <what> @owner due <date>`."
        )
    # An `@me` inside the description is only words.
    description = _trim(body).replace(_AUTHOR_MENTION, "@me")
    if not description:
        raise ActionItemError(
            "What should be done? Write it after `action:`, "
            "e.g. `action: Alarm when 10 servers shut down in a minute @owner due friday`."
        )
    owner = owner_after or owner_before
    return ActionDraft(description, None if owner == _AUTHOR else owner, phrase)


def _trim(text: str) -> str:
    """`text` without separators around it; a `;` that ends Slack's `&gt;` or `&amp;` stays."""
    text = text.lstrip(_SEPARATORS)
    while text and text[-1] in _SEPARATORS and not (text[-1] == ";" and _ENTITY_END.search(text)):
        text = text[:-1]
    return text


def _split_due(text: str) -> tuple[str, str]:
    matches = list(_DUE_WORD.finditer(text))
    chosen = [m for m in matches if m["word"].lower() == "due"] or matches
    if not chosen:
        return text.strip(), ""
    last = chosen[-1]
    return text[: last.start()].strip(), text[last.end() :].strip().lstrip(":").strip()


def _take_trailing_owner(text: str) -> tuple[str, str | None]:
    match = _TRAILING_MENTIONS.search(text)
    if match is None:
        return text, None
    owners = list(dict.fromkeys(m["id"] for m in _ANY_MENTION.finditer(match.group(0))))
    if len(owners) > 1:
        named = " and ".join(f"<@{owner}>" for owner in owners)
        raise ActionItemError(
            f"An action item has one owner, and I found {named}. Name one; "
            "you can add another action item for the other."
        )
    return text[: match.start()].strip(), owners[0]


def _take_leading_owner(text: str) -> tuple[str, str | None]:
    match = _LEADING_MENTION.match(text)
    if match is None:
        return text, None
    return text[match.end() :].strip(), match["id"]


# Recording ------------------------------------------------------------------------------------


def check_owner(owner: Person) -> None:
    """An item needs a person who can act on it: not a bot, not a deactivated account."""
    if owner.is_bot:
        raise ActionItemError(
            f"<@{owner.user_id}> is a bot, and an action item needs a person to own it. "
            "Name a teammate, or leave the owner out to own it yourself."
        )
    if owner.deleted:
        raise ActionItemError(
            f"<@{owner.user_id}>'s account is deactivated, so they can't own an action item. "
            "Name someone else."
        )


def unknown_owner(user_id: str) -> ActionItemError:
    return ActionItemError(
        f"I can't find the user <@{user_id}> in this workspace, so nothing was recorded. "
        "Name the owner with an @mention of someone here."
    )


def pick_why(chain: Chain, number: int | None) -> Step:
    """The why an item addresses: the one named, else the latest answered one.

    With no answer yet, that is the open why #1: an item can address the problem itself.
    A named why must be answered or be the open one.
    """
    if number is None:
        if chain.latest_answer is not None:
            return chain.latest_answer
        if chain.steps:
            return chain.steps[-1]
        raise ActionItemError("This COE has no whys yet.")
    for step in chain.steps:
        if step.number == number:
            return step
    numbers = [step.number for step in chain.steps]
    known = f"#{numbers[0]} to #{numbers[-1]}" if len(numbers) > 1 else f"#{numbers[0]}"
    raise ActionItemError(
        f"This COE has no why #{number} yet (it has {known}). "
        f"Use `action #{numbers[-1]}: ...`, or plain `action: ...` for the latest why."
    )


def why_label(step: Step) -> str:
    """`Why #3: “<answer>”`, or the open why's question when it has no answer yet."""
    if step.answer is not None:
        return f"Why #{step.number}: “{step.answer}”"
    return f"Why #{step.number} (not answered yet): why did “{step.subject}” happen?"


def plan_item(
    draft: ActionDraft,
    why_number: int | None,
    owner: Person,
    chain: Chain,
    now: datetime,
    fallback: tzinfo = UTC,
) -> NewItem:
    """The item an `action:` line asks for; raises `ActionItemError` when anything is off.

    The due date is read on the owner's calendar (`fallback` when their timezone is unknown).
    """
    check_owner(owner)
    why = pick_why(chain, why_number)
    due = None
    if draft.due_phrase:
        due = due_for(draft.due_phrase, owner_today(now, owner.tz, fallback))
    return NewItem(draft.description, owner.user_id, due, why)


def may_change(actor_id: str, owner_id: str, facilitator_id: str) -> bool:
    """Only the owner, who does the work, and the facilitator, who runs the COE."""
    return actor_id in (owner_id, facilitator_id)


def who_may_change(owner_id: str, facilitator_id: str) -> str:
    if owner_id == facilitator_id:
        return f"Only <@{owner_id}>, its owner and the COE's facilitator, can change this item."
    return (
        f"Only its owner <@{owner_id}> or the COE's facilitator <@{facilitator_id}> "
        "can change this item."
    )


def change_status(
    state: ItemState, action: StatusAction, today: date, reason: str | None = None
) -> ItemState:
    """Done, snoozed for a week from `today` (reminders pause), or dropped with a reason."""
    if state.status is ItemStatus.DONE:
        raise ActionItemError("This action item is already done.")
    if state.status is ItemStatus.DROPPED:
        raise ActionItemError("This action item was dropped, so it can't be changed any more.")
    if action is StatusAction.DONE:
        return replace(state, status=ItemStatus.DONE)
    if action is StatusAction.SNOOZE:
        return replace(state, snoozed_until=today + SNOOZE)
    return replace(state, status=ItemStatus.DROPPED, drop_reason=_drop_reason(reason))


def change_detail(action: StatusAction, state: ItemState) -> str | None:
    """What the item's history records beside a change: the drop reason, the snooze's end."""
    if action is StatusAction.DROP:
        return state.drop_reason
    if action is StatusAction.SNOOZE and state.snoozed_until is not None:
        return f"until {state.snoozed_until.isoformat()}"
    return None


def _drop_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ActionItemError(
            "Say why the item is dropped: the reason stays on record with the COE."
        )
    if len(text) > DROP_REASON_LIMIT:
        raise ActionItemError(f"Keep the reason under {DROP_REASON_LIMIT} characters.")
    return text


def list_order(items: list[ListedItem]) -> list[ListedItem]:
    """Overdue first (most overdue at the top), then by due date."""
    return sorted(
        items, key=lambda item: (*overdue_first(item.days_overdue, item.due), item.item_id)
    )
