"""Who a Slack user is (name, timezone, bot, deactivated): users.info, cached for a day."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.core.action_items import Person
from bot.core.dates import owner_today
from bot.core.slack_text import mentioned_ids
from bot.runtime.context import Runtime
from bot.slack import visibility
from storage import users
from storage.models import SlackUser

log = logging.getLogger(__name__)

SLACKBOT = "USLACKBOT"


def look_up(rt: Runtime, user_id: str) -> Person | None:
    """The user as Slack describes them; None when Slack knows no such user.

    Makes a Slack call when the cache is stale, so never call it inside a transaction. Other
    Slack errors fall back to an older cached entry, or raise `SlackApiError` when there is none.
    """
    with Session(rt.engine) as session:
        cached = users.get_fresh_user(session=session, user_id=user_id, now=rt.now())
        if cached is not None:
            return _person(cached)
    return _fetch(rt, user_id)


def learn_names(rt: Runtime, user_ids: Iterable[str]) -> None:
    """Look up the users among these whose name is not cached yet, so quotes can show it.

    Makes Slack calls: never inside a transaction, never before an ack. A lookup that fails is
    left for next time; until then the user id stands in for the name.
    """
    wanted = set(user_ids)
    if not wanted:
        return
    with Session(rt.engine) as session:
        known = users.names(session=session, user_ids=wanted)
    for user_id in sorted(wanted - known.keys()):
        try:
            _fetch(rt, user_id)
        except (SlackApiError, OSError) as error:
            log.warning("Could not look up %s for their name: %s", user_id, error)


def learn_mentioned(rt: Runtime, *texts: str | None) -> None:
    """`learn_names` for the users mentioned in `texts`."""
    learn_names(rt, mentioned_ids(texts))


def names_in(session: Session, *texts: str | None) -> dict[str, str]:
    """The cached names of the users mentioned in `texts`; never calls Slack."""
    return users.names(session=session, user_ids=mentioned_ids(texts))


def today_of(rt: Runtime, session: Session, user_id: str) -> date:
    """The calendar day it is for `user_id`, by the cached timezone (COE_TIMEZONE if none)."""
    cached = users.get_user(session=session, user_id=user_id)
    return owner_today(rt.now(), cached.tz if cached else None, rt.settings.timezone)


def known(rt: Runtime, user_id: str) -> Person | None:
    """The user as last cached, however old; None if never looked up. Never calls Slack."""
    with Session(rt.engine) as session:
        cached = users.get_user(session=session, user_id=user_id)
        return _person(cached) if cached else None


def display_name(info: dict[str, Any]) -> str | None:
    """How Slack shows a user: the display name, else the full name, else the username."""
    profile = info.get("profile") or {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        info.get("real_name"),
        info.get("name"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None


def _fetch(rt: Runtime, user_id: str) -> Person | None:
    try:
        response = rt.slack.users_info(user=user_id)
    except SlackApiError as error:
        if error.response.get("error") in ("user_not_found", "user_not_visible"):
            return None
        return _stale_or_raise(rt, user_id, error)
    info = response.get("user") or {}
    visibility.note_guest(rt, user_id, info)
    person = Person(
        user_id=user_id,
        tz=str(info.get("tz") or "UTC"),
        is_bot=bool(info.get("is_bot")) or user_id == SLACKBOT,
        deleted=bool(info.get("deleted")),
    )
    with Session(rt.engine) as session:
        users.save_user(
            session=session,
            user_id=user_id,
            name=display_name(info),
            tz=person.tz,
            is_bot=person.is_bot,
            deleted=person.deleted,
            now=rt.now(),
        )
        session.commit()
    return person


def _stale_or_raise(rt: Runtime, user_id: str, error: SlackApiError) -> Person:
    with Session(rt.engine) as session:
        cached = users.get_user(session=session, user_id=user_id)
        if cached is None:
            raise error
        log.warning("users.info failed for %s (%s); using the cached entry", user_id, error)
        return _person(cached)


def _person(user: SlackUser) -> Person:
    return Person(user.user_id, user.tz, user.is_bot, user.deleted)
