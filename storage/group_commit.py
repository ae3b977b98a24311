"""Group commit: small writes that arrive together share one transaction and one commit."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from storage.db import urgent

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(eq=False)
class _Job:
    work: Callable[[Connection], Any]
    ready: threading.Event = field(default_factory=threading.Event)
    leading: bool = False
    result: Any = None
    error: BaseException | None = None


@dataclass(eq=False)
class _Group:
    lock: threading.Lock = field(default_factory=threading.Lock)
    queue: list[_Job] = field(default_factory=list)
    writing: bool = False


_groups: weakref.WeakKeyDictionary[Engine, _Group] = weakref.WeakKeyDictionary()
_session_groups: weakref.WeakKeyDictionary[Engine, _Group] = weakref.WeakKeyDictionary()
_groups_lock = threading.Lock()
# Enough to take a burst in a few transactions; few enough that a batch holds SQLite's write
# lock for milliseconds, not tens of them.
MAX_BATCH = 64
# The worker's transactions are bigger: the acks that wait for the write lock meanwhile wait
# for no more than these.
MAX_SESSION_BATCH = 8


def write_together(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run `work` in a transaction shared with the concurrent callers', and return once it commits.

    Each commit is a disk flush (PostgreSQL) or a turn at the one write lock (SQLite): writes
    that arrive together share one. The listeners store requests so before they ack, and the
    senders record what Slack took so. Whoever finds no transaction under way writes the
    queue's batch, then hands the next batch to the first caller waiting, so nobody waits for
    more than the batch before their own. `work` must be small and must not call Slack: the
    others' commits wait for it.
    """
    return _together(_groups, _in_connection, MAX_BATCH, engine, work)


def transact_together(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in an ORM session and commit; on SQLite, in a transaction shared with the
    concurrent callers'.

    For the worker's transactions, bigger than the listeners' writes. SQLite runs one writer at
    a time anyway, and each turn at its write lock costs a BEGIN, a COMMIT and a hand-over
    between threads. PostgreSQL runs them side by side, its backends working while this process
    builds the next statement, so there sharing would only make them wait (figures in
    bench/README.md, "The knobs"). If the
    shared transaction fails, each caller's `work` runs again in one of its own, so `work`
    must do nothing but write through the session.
    """
    if engine.dialect.name != "sqlite":
        return _in_session(engine, [_Job(work)])[0]  # type: ignore[no-any-return]
    return _together(_session_groups, _in_session, MAX_SESSION_BATCH, engine, work)


def _in_connection(engine: Engine, batch: list[_Job]) -> list[Any]:
    # A plain connection, not an ORM session: this runs before every ack. Urgent: someone
    # waits on each of these writes, and each is short.
    with urgent(engine).connect() as connection, connection.begin():
        return [job.work(connection) for job in batch]


def _in_session(engine: Engine, batch: list[_Job]) -> list[Any]:
    with Session(engine) as session:
        results = [job.work(session) for job in batch]
        session.commit()
    return results


_Run = Callable[[Engine, list[_Job]], list[Any]]


def _together(
    groups: weakref.WeakKeyDictionary[Engine, _Group],
    run: _Run,
    most: int,
    engine: Engine,
    work: Any,
) -> Any:
    with _groups_lock:
        group = groups.setdefault(engine, _Group())
    job = _Job(work)
    with group.lock:
        group.queue.append(job)
        job.leading = not group.writing
        group.writing = True
    if not job.leading:
        job.ready.wait()
    if job.leading:
        with group.lock:
            batch, group.queue = group.queue[:most], group.queue[most:]
        try:
            _write(run, engine, batch)
        finally:
            with group.lock:
                if group.queue:
                    group.queue[0].leading = True
                    group.queue[0].ready.set()
                else:
                    group.writing = False
    if job.error is not None:
        raise job.error
    return job.result


def _write(run: _Run, engine: Engine, batch: list[_Job]) -> None:
    """One transaction for the batch; if it fails, one each, so one bad write fails alone."""
    try:
        results = run(engine, batch)
        for job, result in zip(batch, results, strict=True):
            job.result = result
    except Exception as error:
        if len(batch) == 1:
            batch[0].error = error
        else:
            log.warning("A batch of writes failed; writing them one by one")
            for job in batch:
                _write(run, engine, [job])
            return
    except BaseException as error:
        # An interrupt: its callers hear of it rather than wait for ever.
        for job in batch:
            job.error = error
        raise
    finally:
        for job in batch:
            if not job.leading:
                job.ready.set()
