"""Slack users as users.info last described them, so a lookup costs Slack one call a day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import one_of
from storage.models import SlackUser

FRESH_FOR = timedelta(days=1)


def get_user(*, session: Session, user_id: str) -> SlackUser | None:
    return session.get(SlackUser, user_id)


def get_fresh_user(*, session: Session, user_id: str, now: datetime) -> SlackUser | None:
    """The cached entry if it was fetched less than a day before `now`."""
    statement = select(SlackUser).where(
        SlackUser.user_id == user_id, col(SlackUser.fetched_at) > now - FRESH_FOR
    )
    return session.exec(statement).first()


def save_user(
    *,
    session: Session,
    user_id: str,
    tz: str,
    is_bot: bool,
    deleted: bool,
    now: datetime,
    name: str | None = None,
) -> SlackUser:
    """Insert or refresh the cached entry; another process caching the same user is fine.

    A `name` of None keeps the name already cached.
    """
    user = session.get(SlackUser, user_id)
    if user is None:
        try:
            with session.begin_nested():
                user = SlackUser(
                    user_id=user_id,
                    name=name,
                    tz=tz,
                    is_bot=is_bot,
                    deleted=deleted,
                    fetched_at=now,
                )
                session.add(user)
            return user
        except IntegrityError:
            user = session.get(SlackUser, user_id, populate_existing=True)
            assert user is not None
    user.tz, user.is_bot, user.deleted, user.fetched_at = tz, is_bot, deleted, now
    if name is not None:
        user.name = name
    session.add(user)
    session.flush()
    return user


def timezones(*, session: Session, user_ids: list[str]) -> dict[str, str]:
    """The cached timezone of each user that has one."""
    if not user_ids:
        return {}
    statement = select(SlackUser.user_id, SlackUser.tz).where(
        one_of(session, col(SlackUser.user_id), user_ids)
    )
    return dict(session.exec(statement).all())


def names(*, session: Session, user_ids: Iterable[str]) -> dict[str, str]:
    """The cached name of each of these users that has one."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    statement = select(SlackUser.user_id, SlackUser.name).where(
        one_of(session, col(SlackUser.user_id), wanted), col(SlackUser.name).is_not(None)
    )
    return {user_id: name for user_id, name in session.exec(statement).all() if name}
