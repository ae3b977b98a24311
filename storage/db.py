"""The engine: one per process, built from DATABASE_URL."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine


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


def _serialize_transactions(engine: Engine) -> None:
    """SQLite allows one writer: queue this process's transactions on a lock, then BEGIN IMMEDIATE.

    Without the lock, waiting writers poll in SQLite's busy handler, which sleeps in steps of up
    to 100 ms, and those sleeps land on the acks. Other processes still queue on busy_timeout.
    """
    lock = threading.Lock()

    def begin(conn: Connection) -> None:
        lock.acquire()
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
