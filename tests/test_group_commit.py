"""Writes that arrive together share a transaction, and one that fails fails alone."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, event, insert, select
from sqlmodel import Session

from storage import group_commit
from storage.db import make_engine
from storage.models import SlackUser

_TABLE = SlackUser.__table__  # type: ignore[attr-defined]
CALLERS = 6
FETCHED = datetime(2026, 11, 27, tzinfo=UTC)


def together(
    url: str, run: Callable[..., Any], refused: str | None = None
) -> tuple[int, dict[str, BaseException], list[str]]:
    """CALLERS threads write a row each at once, the first holding its transaction until the
    others are waiting; returns the transactions begun, the errors raised, the rows kept."""
    engine = make_engine(url)
    begun = []
    event.listen(engine, "begin", lambda connection: begun.append(1))
    others_ready = threading.Barrier(CALLERS)
    errors: dict[str, BaseException] = {}

    def first_work(target: Any) -> None:
        others_ready.wait(timeout=10)
        threading.Event().wait(0.5)  # the others are queued behind this transaction by now
        add_user(target, "U0", refused)

    def caller(user: str) -> None:
        try:
            if user == "U0":
                run(engine, first_work)
            else:
                others_ready.wait(timeout=10)
                run(engine, lambda target: add_user(target, user, refused))
        except Exception as error:
            errors[user] = error

    threads = [threading.Thread(target=caller, args=(f"U{n}",)) for n in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    transactions = len(begun)
    with engine.connect() as connection:
        kept = sorted(connection.execute(select(_TABLE.c.user_id)).scalars())
    engine.dispose()
    return transactions, errors, kept


def add_user(target: Connection | Session, user: str, refused: str | None) -> None:
    if user == refused:
        raise ValueError("this one is refused")
    target.execute(insert(_TABLE).values(user_id=user, tz="UTC", fetched_at=FETCHED))


EVERYONE = [f"U{n}" for n in range(CALLERS)]


def test_writes_that_arrive_together_share_a_transaction(database_url: str) -> None:
    transactions, errors, kept = together(database_url, group_commit.write_together)
    assert (transactions, errors, kept) == (2, {}, EVERYONE)


def test_a_write_that_fails_in_a_shared_transaction_fails_alone(database_url: str) -> None:
    _, errors, kept = together(database_url, group_commit.write_together, refused="U3")
    assert list(errors) == ["U3"] and isinstance(errors["U3"], ValueError)
    assert kept == [user for user in EVERYONE if user != "U3"]


def test_worker_transactions_that_arrive_together_share_one_on_sqlite_only(
    each_database_url: str,
) -> None:
    transactions, errors, kept = together(each_database_url, group_commit.transact_together)
    # PostgreSQL runs them side by side, each in its own.
    shared = each_database_url.startswith("sqlite")
    assert (transactions, errors, kept) == (2 if shared else CALLERS, {}, EVERYONE)


def test_a_worker_transaction_that_fails_fails_alone(each_database_url: str) -> None:
    _, errors, kept = together(each_database_url, group_commit.transact_together, refused="U3")
    assert list(errors) == ["U3"] and isinstance(errors["U3"], ValueError)
    assert kept == [user for user in EVERYONE if user != "U3"]
