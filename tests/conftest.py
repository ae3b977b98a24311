"""Fixtures: a fake Slack, a clock the test controls, and the real bot serving real HTTP."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.cli import build_runtime
from bot.runtime.context import Runtime
from bot.runtime.server import make_http_server
from bot.runtime.worker import Worker, run_in_thread, wake_nobody
from bot.settings import load_settings
from bot.slack.app import build_app
from bot.slack.routes import worker_routes
from storage import migrate
from tests.fake_slack import FakeSlack
from tests.slack_requests import SIGNING_SECRET, SlackSender

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    # A Wednesday, mid-morning UTC.
    return Clock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    fake.add_user("UALICE", tz="Europe/London")
    fake.add_user("UBOB", tz="America/New_York")
    fake.add_user("UCAROL", tz="Asia/Tokyo")
    yield fake
    fake.stop()
    if fake.rejected and not fake.rejections_expected:
        refused = [f"{call.method}: {error}" for call, error in fake.rejected]
        pytest.fail(
            f"Slack would have refused {refused}; if the test means it, expect_rejections()"
        )


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    """A new SQLite database with this release's schema."""
    url = f"sqlite:///{tmp_path / 'coe.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def each_database_url(request: pytest.FixtureRequest) -> str:
    """This release's schema on SQLite, then on PostgreSQL: for what the two do differently."""
    return str(
        request.getfixturevalue("database_url" if request.param == "sqlite" else "postgres_url")
    )


@pytest.fixture
def postgres_url(empty_postgres_url: str) -> str:
    """A new PostgreSQL database with this release's schema, dropped afterwards."""
    migrate.upgrade(empty_postgres_url)
    return empty_postgres_url


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"coe_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL tests skipped: {_first_line(error)}")
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a PostgreSQL test, without trying, when the server cannot give it a database: here,
    so that every such skip is one line of the summary, with the reason found once."""
    if _needs_postgres(item) and not os.environ.get("CI") and (reason := postgres_missing()):
        pytest.skip(f"PostgreSQL tests skipped: {reason}")


def _needs_postgres(item: pytest.Item) -> bool:
    params = getattr(getattr(item, "callspec", None), "params", {})
    return (
        item.get_closest_marker("postgres") is not None
        or bool({"postgres_url", "empty_postgres_url"} & set(getattr(item, "fixturenames", ())))
        or params.get("each_database_url") == "postgresql"
    )


@functools.cache
def postgres_missing() -> str | None:
    """Why the PostgreSQL of TEST_POSTGRES_URL cannot be used, in one line; None if it can."""
    url = make_url(POSTGRES_URL)
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        reason = _first_line(error)
        if "does not exist" in reason:
            return (
                f'the PostgreSQL server at {where} has no database "{url.database}" '
                f"(create it, or set TEST_POSTGRES_URL)"
            )
        if "refused" in reason or "could not translate host name" in reason:
            return f"no PostgreSQL server answers at {where} (set TEST_POSTGRES_URL)"
        return f"the PostgreSQL server at {where} refused: {reason}"
    finally:
        admin.dispose()
    return None


def _first_line(error: Exception) -> str:
    """The error's own words, without SQLAlchemy's wrapping or the driver's hints."""
    cause = getattr(error, "orig", None) or error
    message = str(cause).strip().splitlines()[0] if str(cause).strip() else repr(cause)
    return message.split(" failed: ")[-1].replace("FATAL:  ", "")


def bot_env(fake: FakeSlack, database_url: str, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "PORT": "0",
        **extra,
    }


class Wakeups:
    """What the listeners call once they have stored something: the running worker's `wake`,
    nothing while the test drives the worker by hand, or a test's own."""

    def __init__(self) -> None:
        self.to: Callable[..., None] = wake_nobody

    def __call__(self, *stored: Any) -> None:
        self.to(*stored)


@dataclass
class Bot:
    rt: Runtime
    slack: SlackSender
    url: str
    wakeups: Wakeups = field(default_factory=Wakeups)
    _stop_worker: Callable[[], None] | None = field(default=None, repr=False)

    def start_worker(self) -> None:
        """Start processing what the listeners store, as `coe-bot serve` does."""
        if self._stop_worker is None:
            # The worker runs in a thread here; `coe-bot serve` forks a process for it.
            worker = Worker(self.rt, worker_routes(), poll_seconds=0.05)
            self.wakeups.to = worker.wake
            self._stop_worker = run_in_thread(worker)

    def stop_worker(self) -> None:
        """Stop the worker once what it has in hand is done: from then on the test drives it."""
        if self._stop_worker is not None:
            self.wakeups.to = wake_nobody
            self._stop_worker()
            self._stop_worker = None

    def new_runtime(self) -> Runtime:
        """A second runtime on the same database, like a second process."""
        return build_runtime(self.rt.settings, clock=self.rt.clock)


def run_bot(
    fake: FakeSlack,
    database_url: str,
    clock: Clock,
    worker: bool = True,
    slack_timeout: int = 10,
    **env: str,
) -> Iterator[Bot]:
    """The bot serving HTTP; with `worker` False, nothing processes what it stores until the
    test calls `start_worker` (or drives the worker and the outbox by hand). `slack_timeout`:
    how long it waits for Slack's answer to a call."""
    settings = load_settings(bot_env(fake, database_url, **env), serving=True)
    rt = build_runtime(settings, clock=clock, slack_timeout=slack_timeout)
    wakeups = Wakeups()
    app = build_app(rt, notify=wakeups)
    server = make_http_server(app, rt, host="127.0.0.1", port=0)
    thread = threading.Thread(target=_run_until_closed, args=(server,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    bot = Bot(
        rt=rt,
        slack=SlackSender(f"{url}/slack/events", fake.response_url(), new_trigger=fake.new_trigger),
        url=url,
        wakeups=wakeups,
    )
    if worker:
        bot.start_worker()
    yield bot
    server.close()
    bot.stop_worker()
    rt.senders.drain(timeout=10)  # what the test itself handed them, without a worker
    rt.senders.close()
    rt.engine.dispose()


def _run_until_closed(server: Any) -> None:
    # Closing the listening socket ends run() with an OSError, as in bot.server.serve.
    with contextlib.suppress(OSError):
        server.run()


@pytest.fixture
def bot(fake_slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Bot]:
    yield from run_bot(fake_slack, database_url, clock)


@pytest.fixture
def bot_without_worker(fake_slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Bot]:
    """The bot with no worker running: for tests that drive the worker or the outbox by hand,
    which a running worker would race for the same rows, and for a backlog (`start_worker`)."""
    yield from run_bot(fake_slack, database_url, clock, worker=False)
