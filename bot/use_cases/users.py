"""Who a Slack user is (name, timezone, bot, deactivated, guest): read through the port and kept
in the database for a day, so a lookup costs Slack one call a day."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from sqlmodel import Session

from bot.core.action_items import Person
from bot.core.dates import owner_today
from bot.core.slack_text import mentioned_ids
from bot.use_cases.context import Context
from bot.use_cases.limits import GUEST_TTL
from bot.use_cases.reading import LookupFailed, SlackPerson
from storage import users
from storage.models import SlackUser

log = logging.getLogger(__name__)


def look_up(rt: Context, user_id: str) -> Person | None:
    """The user as Slack describes them; None when Slack knows no such user.

    Asks Slack when the kept entry is over a day old, so never call it inside a transaction.
    When Slack does not answer, an older entry stands in; with none, raises `LookupFailed`.
    """
    with Session(rt.engine) as session:
        cached = users.get_fresh_user(session=session, user_id=user_id, now=rt.now())
        if cached is not None:
            return _person(cached)
    return _fetch(rt, user_id)


def learn_names(rt: Context, user_ids: Iterable[str]) -> None:
    """Look up the users among these whose name is not kept yet, so quotes can show it.

    Asks Slack: never inside a transaction, never before an ack. A lookup that fails is left
    for next time; until then the user id stands in for the name.
    """
    wanted = set(user_ids)
    if not wanted:
        return
    with Session(rt.engine) as session:
        known_names = users.names(session=session, user_ids=wanted)
    for user_id in sorted(wanted - known_names.keys()):
        try:
            _fetch(rt, user_id)
        except LookupFailed as error:
            log.warning("Could not look up %s for their name: %s", user_id, error)


def learn_mentioned(rt: Context, *texts: str | None) -> None:
    """`learn_names` for the users mentioned in `texts`."""
    learn_names(rt, mentioned_ids(texts))


def names_in(session: Session, *texts: str | None) -> dict[str, str]:
    """The kept names of the users mentioned in `texts`; never asks Slack."""
    return users.names(session=session, user_ids=mentioned_ids(texts))


def today_of(rt: Context, session: Session, user_id: str) -> date:
    """The calendar day it is for `user_id`, by the kept timezone (COE_TIMEZONE if none)."""
    cached = users.get_user(session=session, user_id=user_id)
    return owner_today(rt.now(), cached.tz if cached else None, rt.settings.timezone)


def known(rt: Context, user_id: str) -> Person | None:
    """The user as last kept, however old; None if never looked up. Never asks Slack."""
    with Session(rt.engine) as session:
        cached = users.get_user(session=session, user_id=user_id)
        return _person(cached) if cached else None


def is_guest(rt: Context, user_id: str) -> bool:
    """Whether `user_id` is a guest, as Slack said within the hour; a person Slack cannot
    describe is taken for one."""
    cached = rt.cache.get(("guest", user_id))
    if cached is not None and cached.fresh(rt.now()):
        return bool(cached.value)
    try:
        person = rt.read().person(user_id)
    except LookupFailed as error:
        log.warning("users.info failed for %s: %s", user_id, error)
        return bool(cached.value) if cached is not None else True
    return _note(rt, person) if person is not None else True


def _fetch(rt: Context, user_id: str) -> Person | None:
    try:
        found = rt.read().person(user_id)
    except LookupFailed as error:
        return _stale_or_raise(rt, user_id, error)
    if found is None:
        return None
    _note(rt, found)
    with Session(rt.engine) as session:
        users.save_user(
            session=session,
            user_id=user_id,
            name=found.name,
            tz=found.tz,
            is_bot=found.is_bot,
            deleted=found.deleted,
            now=rt.now(),
        )
        session.commit()
    return Person(user_id, found.tz, found.is_bot, found.deleted)


def _note(rt: Context, person: SlackPerson) -> bool:
    """Remember for a while whether `person` is a guest; returns it."""
    rt.cache.put(("guest", person.user_id), person.guest, now=rt.now(), ttl=GUEST_TTL)
    return person.guest


def _stale_or_raise(rt: Context, user_id: str, error: LookupFailed) -> Person:
    with Session(rt.engine) as session:
        cached = users.get_user(session=session, user_id=user_id)
        if cached is None:
            raise error
        log.warning("users.info failed for %s (%s); using the kept entry", user_id, error)
        return _person(cached)


def _person(user: SlackUser) -> Person:
    return Person(user.user_id, user.tz, user.is_bot, user.deleted)
