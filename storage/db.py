"""The engine: one per process, built from DATABASE_URL."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    any_,
    bindparam,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine


def make_engine(database_url: str) -> Engine:
    """Create the engine; the schema is `storage.migrate`'s business."""
    url = make_url(database_url)
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if url.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
    else:
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        _serialize_transactions(engine)
    return engine


def read_only(engine: Engine) -> Engine:
    """The engine for transactions that only read: on SQLite they skip the write lock below."""
    return engine.execution_options(coe_read_only=True)


def urgent(engine: Engine) -> Engine:
    """The engine for writes someone is waiting on (an ack): on SQLite they take the write
    lock before any other transaction queued for it."""
    return engine.execution_options(coe_urgent=True)


def _serialize_transactions(engine: Engine) -> None:
    """SQLite allows one writer: queue this process's transactions on a lock, then BEGIN IMMEDIATE.

    Without the lock, waiting writers poll in SQLite's busy handler, which sleeps in steps of up
    to 100 ms, and those sleeps land on the acks. Other processes still queue on busy_timeout.
    A transaction that only reads takes no lock: in WAL mode it reads a snapshot beside the
    writer.
    """
    lock = _WriteLock()

    def begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("coe_read_only"):
            conn.exec_driver_sql("BEGIN")
            return
        lock.acquire(urgent=bool(options.get("coe_urgent")))
        conn.info["holds_write_lock"] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            release(conn)
            raise

    def release(conn: Connection) -> None:
        if conn.info.pop("holds_write_lock", False):
            lock.release()

    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", release)
    event.listen(engine, "rollback", release)


class _WriteLock:
    """A lock that goes to urgent waiters first, then to the others one at a time."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._urgent = threading.Condition(self._mutex)
        self._other = threading.Condition(self._mutex)
        self._held = False
        self._urgent_waiting = 0
        self._other_waiting = 0

    def acquire(self, urgent: bool) -> None:
        with self._mutex:
            if urgent:
                self._urgent_waiting += 1
                while self._held:
                    self._urgent.wait()
                self._urgent_waiting -= 1
            else:
                self._other_waiting += 1
                while self._held or self._urgent_waiting:
                    self._other.wait()
                self._other_waiting -= 1
            self._held = True

    def release(self) -> None:
        with self._mutex:
            self._held = False
            if self._urgent_waiting:
                self._urgent.notify()
            elif self._other_waiting:
                self._other.notify()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


_NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")


def new_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` ids for new rows of `table` (an integer primary key `id`), in increasing order.

    PostgreSQL: from the column's sequence, as an INSERT would take them. SQLite: the ones
    after the largest, which only this transaction can take, as it holds the write lock (BEGIN
    IMMEDIATE) until it commits.
    """
    if count <= 0:
        return []
    if _on_postgres(session):
        taken = session.execute(_NEXT_IDS, {"table": table.name, "n": count}).scalars()
        return sorted(int(each) for each in taken)
    largest = session.execute(select(func.max(table.c.id))).scalar()
    first = int(largest or 0) + 1
    return list(range(first, first + count))


def insert_rows(
    session: Session, table: Table, rows: list[dict[str, Any]], same: dict[str, Any] | None = None
) -> tuple[Any, Any]:
    """An INSERT of many rows and the parameters to run it with: `rows` hold the columns that
    differ (the same ones in every row), `same` those that every row shares.

    PostgreSQL: one statement taking each column as an array (INSERT … SELECT unnest(…)), as a
    statement of thousands of VALUES would be parsed anew by the driver for every batch.
    SQLite: the rows, run as one executemany. Either way the statement can take ON CONFLICT.
    """
    shared = same or {}
    insert = insert_for(session, table)
    if not _on_postgres(session) or not rows:
        return insert, [{**row, **shared} for row in rows]
    varying = list(rows[0])
    selected = [
        func.unnest(bindparam(f"all_{name}", type_=postgresql.ARRAY(table.c[name].type)))
        for name in varying
    ] + [bindparam(f"one_{name}", type_=table.c[name].type) for name in shared]
    values = {f"all_{name}": [row[name] for row in rows] for name in varying}
    values.update({f"one_{name}": value for name, value in shared.items()})
    return insert.from_select([*varying, *shared], select(*selected)), values


def one_of(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN values` for a list of any length.

    PostgreSQL: `column = ANY(array)`, one parameter, as a list of thousands of parameters is
    parsed anew by the driver for every statement and planned anew by the server.
    """
    wanted = list(values)
    if _on_postgres(session):
        return column == any_(bindparam(None, wanted, type_=postgresql.ARRAY(column.type)))
    return column.in_(wanted)  # type: ignore[no-any-return]


def insert_for(session: Session, table: Table) -> Any:
    """An INSERT of the session's dialect, which has ON CONFLICT: PostgreSQL's or SQLite's."""
    return (postgresql if _on_postgres(session) else sqlite).insert(table)


def _on_postgres(session: Session) -> bool:
    return bool(session.get_bind().dialect.name == "postgresql")
