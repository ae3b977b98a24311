"""The `coe-bot` command: serve, list, nudge, digest, export, try, db upgrade."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import load_dotenv
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.runtime import heap
from bot.runtime.acks_first import AcksFirst
from bot.runtime.cache import TtlCache
from bot.runtime.context import (
    Runtime,
    make_reading_client,
    make_slack_client,
    system_clock,
)
from bot.runtime.senders import Senders
from bot.runtime.tuning import SENDERS, WORKER_NICENESS
from bot.settings import Settings, SettingsError, load_settings
from storage import coe_summaries, migrate
from storage.db import make_engine

if TYPE_CHECKING:
    from bot.runtime.worker import Worker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coe-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)")
    sub.add_parser("list", help="print one COE per line: id, status, channel, problem")
    sub.add_parser("nudge", help="run one nudge sweep now and print the reminders sent")
    post_now = "post a digest of the past week now to every channel with something to report"
    digest = sub.add_parser("digest", help=post_now, description=f"{post_now.capitalize()}.")
    when = digest.add_mutually_exclusive_group()
    when.add_argument(
        "--scheduled",
        action="store_true",
        help="instead, post the latest scheduled period's digest wherever it has not gone out yet "
        "(what the schedule and the start-up catch-up do)",
    )
    # What plain `coe-bot digest` does now; kept so that scripts using it go on working.
    when.add_argument("--force", action="store_true", help=argparse.SUPPRESS)
    export = sub.add_parser("export", help="print a COE as a Markdown document")
    export.add_argument("coe", help="the COE's id, e.g. COE-12")
    export.add_argument(
        "--png", metavar="FILE", help="instead, draw its tree of causes as a PNG picture in FILE"
    )
    sub.add_parser(
        "try", help="run a 5-Whys review in this terminal, without Slack (reads standard input)"
    )
    db = sub.add_parser("db", help="the database schema").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="bring the database schema up to this release (run on upgrade)")
    args = parser.parse_args(argv)
    load_dotenv(override=False)
    try:
        settings = load_settings(
            os.environ,
            need_slack=args.command not in ("list", "db", "export", "try"),
            serving=args.command == "serve",
        )
    except SettingsError as error:
        print(f"coe-bot: {error}", file=sys.stderr)
        return 2
    level = settings.log_level
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic narrates every step at INFO; `coe-bot db upgrade` prints the one line that matters.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLevelName(level)))
    try:
        if args.command == "db":
            return _db_upgrade(settings)
        problem = _prepare_database(settings)
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0]
        print(f"coe-bot: DATABASE_URL: cannot open the database: {reason}", file=sys.stderr)
        return 2
    if problem:
        print(f"coe-bot: {problem}", file=sys.stderr)
        return 2
    if args.command == "digest":
        return _digest(settings, scheduled=args.scheduled)
    if args.command == "export":
        return _export(settings, args.coe, args.png)
    return COMMANDS[args.command](settings)


def _prepare_database(settings: Settings) -> str | None:
    """Create a new database; refuse one whose schema is not this release's (why, in one line).

    Upgrading an existing database is an operator's step (`coe-bot db upgrade`), taken once
    per release, not something each of several instances should race to do on start-up.
    """
    current = migrate.status(settings.database_url)
    if current.state is migrate.SchemaState.EMPTY:
        migrate.upgrade(settings.database_url)
        return None
    return current.problem()


def _db_upgrade(settings: Settings) -> int:
    before, revision = migrate.upgrade(settings.database_url)
    if before.state is migrate.SchemaState.UNKNOWN:
        print(f"coe-bot: {before.problem()}", file=sys.stderr)
        return 2
    if before.revision == revision:
        print(f"The database schema is up to date ({revision}).")
    else:
        old = before.revision or before.state
        print(f"The database schema was upgraded from {old} to {revision}.")
    return 0


def _serve(settings: Settings) -> int:
    """Listeners ack and store; a worker does everything else (bot/runtime/worker.py).

    On PostgreSQL the worker is a forked process of its own, so that no burst of work can hold
    an ack behind the interpreter lock. SQLite allows one writer at a time, and two processes
    would queue on its file lock with sleeps of up to 100 ms, so there it is a thread.
    """
    from bot.runtime.server import serve
    from bot.runtime.worker import pipe_notifier
    from bot.slack.app import build_app

    if make_url(settings.database_url).get_backend_name() == "sqlite":
        rt = build_runtime(settings)
        worker = _worker(rt)
        app = build_app(rt, notify=worker.wake)
        heap.settle(settings)  # before the worker and the scheduler have anything in hand
        serve(app, rt, on_stop=_start_worker(rt, worker))
        return 0
    read_fd, write_fd = os.pipe()
    # Shared with the worker, which holds back while this process acks.
    acks = AcksFirst(across_fork=True, holding="acks_first" not in settings.without)
    worker_pid = os.fork()  # before any thread or connection exists, so nothing else is shared
    if worker_pid == 0:
        os.close(write_fd)
        os._exit(_work(settings, read_fd, acks))
    os.close(read_fd)
    rt = build_runtime(settings, acks=acks)
    app = build_app(rt, notify=pipe_notifier(write_fd))
    heap.settle(settings)
    _exit_with(worker_pid)
    serve(app, rt, on_stop=lambda: _stop_worker(worker_pid))
    return 0


def _worker(rt: Runtime) -> Worker:
    from bot.runtime.worker import Worker
    from bot.slack.routes import worker_routes

    return Worker(rt, worker_routes())


def _start_worker(rt: Runtime, worker: Worker) -> Callable[[], None]:
    """Run the worker and the scheduler in this process; returns what stops them."""
    from bot.runtime.jobs import build_scheduler
    from bot.runtime.worker import run_in_thread

    stop_worker = run_in_thread(worker)
    scheduler = build_scheduler(rt)
    scheduler.start()

    def stop_all() -> None:
        scheduler.shutdown(wait=False)
        stop_worker()

    return stop_all


def _work(settings: Settings, wakeups_fd: int, acks: AcksFirst) -> int:
    """The forked worker process: runs until the serving process goes or a signal comes."""
    from bot.runtime.worker import listen_for_wakeups

    # The serving process acks; this one does the work that can wait a moment. When the two
    # want the same CPU, the ack goes first: this process runs at a lower priority and starts
    # no request while the other is acking (bot/runtime/acks_first.py).
    if "acks_first" not in settings.without:
        os.nice(WORKER_NICENESS)
    rt = build_runtime(settings, acks=acks)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    heap.settle(settings)  # before the worker and the scheduler have anything in hand
    worker = _worker(rt)
    stop_worker = _start_worker(rt, worker)
    listen_for_wakeups(wakeups_fd, worker.wake, stopped)
    stopped.wait()
    stop_worker()
    return 0


def _exit_with(worker_pid: int) -> None:
    """If the worker dies, so does the bot: better restarted whole than acking unprocessed."""

    def watch() -> None:
        _, status = os.waitpid(worker_pid, 0)
        logging.getLogger(__name__).error("The worker process exited (%s); stopping", status)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="coe-worker-watch", daemon=True).start()


def _stop_worker(worker_pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(worker_pid, signal.SIGTERM)


def _list(settings: Settings) -> int:
    from bot.core.coe_list import status_phrase

    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        listed, _ = coe_summaries.summaries(
            session=session, channel_ids=None, limit=None, starting=True
        )
    for coe in sorted(listed, key=lambda coe: coe.coe_id):
        problem = " ".join(coe.problem.split())
        print(f"COE-{coe.coe_id}\t{status_phrase(coe)}\t{coe.channel_id}\t{problem}")
    return 0


def _export(settings: Settings, name: str, png: str | None = None) -> int:
    from bot.core.commands import read_coe_id
    from bot.use_cases import documents, pictures

    coe_id = read_coe_id(name)
    content: str | bytes | None = None
    if coe_id is not None:
        rt = build_runtime(settings)
        content = pictures.export(rt, coe_id) if png else documents.export(rt, coe_id)
    if content is None:
        print(f"coe-bot: there is no COE {name!r}; `coe-bot list` shows them all", file=sys.stderr)
        return 1
    if png is None:
        print(content)
        return 0
    path = Path(png)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    print(f"The tree of causes of {name} as a picture: {path.resolve()}")
    return 0


def _try(settings: Settings) -> int:
    from bot import terminal

    user = os.environ.get("USER") or "you"
    prompt = _same_line if sys.stdin.isatty() else None
    return terminal.run(build_runtime(settings), sys.stdin, print, user, prompt)


def _same_line(text: str) -> None:
    """A prompt the person types after, on the same line."""
    sys.stdout.write(text)
    sys.stdout.flush()


def _nudge(settings: Settings) -> int:
    from bot.runtime import jobs

    rt = build_runtime(settings)
    heap.settle(settings)
    sent = jobs.nudge(rt)
    for message in sent:
        print(message.line())
    delivered = sum(1 for message in sent if message.status == "sent")
    print(f"{_count(len(sent), 'reminder')} queued, {delivered} sent")
    return 0


def _digest(settings: Settings, scheduled: bool = False) -> int:
    """A digest now; with `scheduled`, the scheduled job's run: once per channel per period."""
    from bot.runtime import jobs

    rt = build_runtime(settings)
    heap.settle(settings)
    run = jobs.digest(rt, now_for_all=not scheduled)
    if run.period is None:
        print("No digest is scheduled yet (COE_DIGEST_CRON has not fired); nothing posted")
        return 0
    for message in run.sent:
        print(message.line())
    for channel, reason in run.skipped:
        print(f"digest to {channel}: skipped, {reason}")
    channels = len({message.channel for message in run.sent})
    summary = f"{_count(len(run.sent), 'message')} to {_count(channels, 'channel')}"
    print(f"digest for {run.period if scheduled else 'the past week'}: {summary}")
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def build_runtime(
    settings: Settings,
    clock: Callable[[], datetime] = system_clock,
    acks: AcksFirst | None = None,
    slack_timeout: int = 10,
) -> Runtime:
    """One process's runtime, wired to Slack: what every command runs with (and the tests).

    `slack_timeout`: seconds to wait for Slack's answer to a call before giving up on it.
    """
    from bot.slack.outgoing import SlackOutgoing
    from bot.slack.reading import SlackReading

    return Runtime(
        settings=settings,
        engine=make_engine(settings.database_url),
        slack=make_slack_client(settings, timeout=slack_timeout),
        slack_reads=make_reading_client(settings, timeout=slack_timeout),
        outgoing=SlackOutgoing,
        reading=SlackReading,
        clock=clock,
        acks=acks or AcksFirst(holding="acks_first" not in settings.without),
        cache=TtlCache(keeping="caches" not in settings.without),
        senders=Senders(SENDERS),
    )


COMMANDS = {"serve": _serve, "list": _list, "nudge": _nudge, "digest": _digest, "try": _try}

if __name__ == "__main__":
    sys.exit(main())
