"""Who a Slack user is (timezone, bot, deactivated): users.info, cached for a day."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import visibility
from bot.core.action_items import Person
from bot.runtime import Runtime
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
    try:
        response = rt.slack.users_info(user=user_id)
    except SlackApiError as error:
        if error.response.get("error") in ("user_not_found", "user_not_visible"):
            return None
        return _stale_or_raise(rt, user_id, error)
    info = response.get("user") or {}
    name = display_name(info)
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
            tz=person.tz,
            is_bot=person.is_bot,
            deleted=person.deleted,
            now=rt.now(),
            name=name,
        )
        session.commit()
    return person


def display_name(info: dict[str, object]) -> str | None:
    """How Slack shows the person: the display name, else the real name, else the handle."""
    profile = info.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        info.get("real_name"),
        info.get("name"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None


def learn_names(rt: Runtime, user_ids: set[str]) -> None:
    """Cache the names of these users (users.info, at most daily); failures leave them unnamed."""
    for user_id in sorted(user_ids):
        try:
            look_up(rt, user_id)
        except SlackApiError as error:
            log.warning("No name for %s: %s", user_id, error.response.get("error"))


def known(rt: Runtime, user_id: str) -> Person | None:
    """The user as last cached, however old; None if never looked up. Never calls Slack."""
    with Session(rt.engine) as session:
        cached = users.get_user(session=session, user_id=user_id)
        return _person(cached) if cached else None


def _stale_or_raise(rt: Runtime, user_id: str, error: SlackApiError) -> Person:
    with Session(rt.engine) as session:
        cached = users.get_user(session=session, user_id=user_id)
        if cached is None:
            raise error
        log.warning("users.info failed for %s (%s); using the cached entry", user_id, error)
        return _person(cached)


def _person(user: SlackUser) -> Person:
    return Person(user.user_id, user.tz, user.is_bot, user.deleted)
