"""Schema migrations: a database written by the release before migrations upgrades without loss.

The dumps in tests/data/release_4695ac9 were written by that release (commit 4695ac9) running a
review: a COE waiting for Why #3, two action items, a nudge and a digest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from storage import migrate
from storage.db import make_engine
from storage.models import LZ4_AVAILABLE
from tests.conftest import Clock, run_bot
from tests.fake_slack import FakeSlack
from tests.processes import clean_env, coe_bot
from tests.scenario import prompts, recorded

DUMPS = Path(__file__).parent / "data" / "release_4695ac9"
LEGACY_THREAD = "1700000000.000001"
ROWS = {
    "coe": 1,
    "why_step": 3,
    "action_item": 2,
    "action_item_change": 2,
    "nudge": 1,
    "digest": 1,
    "outbox_message": 8,
    "inbox_event": 5,
    "slack_user": 2,
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def legacy_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database exactly as the release before migrations left it, data included."""
    if request.param == "sqlite":
        path = tmp_path / "legacy.db"
        with sqlite3.connect(path) as connection:
            connection.executescript((DUMPS / "sqlite.sql").read_text())
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("empty_postgres_url")
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute((DUMPS / "postgres.sql").read_text().encode())
    yield url


def upgrade_revision_by_revision(url: str, to: str = "head", down: bool = False) -> None:
    """Every revision in turn from where the database is, as Alembic runs them."""
    engine = create_engine(url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(migrate.MIGRATIONS))
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, to)
    engine.dispose()


def payload_compression(url: str) -> str:
    """How PostgreSQL compresses new outbox payloads: "l" for LZ4, "" for the server's default."""
    engine = create_engine(url)
    with engine.connect() as connection:
        if not connection.execute(text(LZ4_AVAILABLE)).scalar():
            pytest.skip("this PostgreSQL has no LZ4")
        compression = connection.execute(
            text(
                "SELECT attcompression FROM pg_attribute"
                " WHERE attrelid = 'outbox_message'::regclass AND attname = 'payload'"
            )
        ).scalar_one()
    engine.dispose()
    return str(compression)


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ROWS
        }
    engine.dispose()
    return counts


def schema_differences(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return differences


def db_env(url: str) -> dict[str, str]:
    return clean_env(DATABASE_URL=url, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="secret")


def test_the_release_before_migrations_upgrades_keeping_every_row_and_the_chain_goes_on(
    legacy_url: str, fake_slack: FakeSlack, clock: Clock
) -> None:
    assert row_counts(legacy_url) == ROWS

    upgraded = coe_bot("db", "upgrade", env=db_env(legacy_url))

    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.strip() == (
        f"The database schema was upgraded from unversioned to {migrate.head()}."
    )
    assert row_counts(legacy_url) == ROWS
    assert schema_differences(legacy_url) == []
    for bot in run_bot(fake_slack, legacy_url, clock):
        # Later than every reply the old release recorded, as Slack's ts would be.
        bot.slack.reply(
            "The pool size was hard-coded in the deploy.",
            thread_ts=LEGACY_THREAD,
            user="UBOB",
            ts="1900000000.000001",
        )
        fake_slack.wait_for(lambda: len(prompts(fake_slack, LEGACY_THREAD)) == 1)
        assert recorded(bot) == [
            "The payment service ran out of database connections.",
            "A deploy halved the connection pool.",
            "The pool size was hard-coded in the deploy.",
        ]
        assert prompts(fake_slack, LEGACY_THREAD)[-1].startswith("Why #4")


def test_an_out_of_date_database_stops_the_bot_with_one_line_naming_the_upgrade(
    legacy_url: str,
) -> None:
    for verb in ("serve", "list", "nudge"):
        result = coe_bot(verb, env=db_env(legacy_url))
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            "coe-bot: the database schema is out of date (at the release before migrations, "
            f"this release needs {migrate.head()}); run `coe-bot db upgrade`"
        ]
    assert row_counts(legacy_url) == ROWS


def test_upgrading_an_up_to_date_database_changes_nothing(database_url: str) -> None:
    result = coe_bot("db", "upgrade", env=db_env(database_url))
    assert (result.returncode, result.stdout.strip()) == (
        0,
        f"The database schema is up to date ({migrate.head()}).",
    )


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_the_revisions_arrive_at_the_schema_of_the_models(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A new database is made from the models; one upgraded revision by revision must match it."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'stepwise.db'}"
    else:
        url = request.getfixturevalue("empty_postgres_url")
    upgrade_revision_by_revision(url)
    assert schema_differences(url) == []
    assert migrate.status(url).state is migrate.SchemaState.CURRENT


@pytest.mark.postgres
@pytest.mark.parametrize("made", ["created from the models", "upgraded revision by revision"])
def test_outbox_payloads_are_compressed_with_lz4_on_postgresql(
    made: str, empty_postgres_url: str
) -> None:
    url = empty_postgres_url
    if made == "created from the models":
        migrate.upgrade(url)
    else:
        upgrade_revision_by_revision(url)
    assert payload_compression(url) == "l"


@pytest.mark.postgres
def test_undoing_lz4_leaves_the_payloads_to_the_servers_default(empty_postgres_url: str) -> None:
    upgrade_revision_by_revision(empty_postgres_url, "0005")
    before = payload_compression(empty_postgres_url)
    upgrade_revision_by_revision(empty_postgres_url)
    upgrade_revision_by_revision(empty_postgres_url, "0005", down=True)
    assert payload_compression(empty_postgres_url) == before == ""


def test_a_new_database_is_created_at_the_head_when_the_bot_first_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    listed = coe_bot("list", env=clean_env(DATABASE_URL=url))
    assert (listed.returncode, listed.stderr) == (0, "")
    assert migrate.status(url).state is migrate.SchemaState.CURRENT
    assert schema_differences(url) == []


def test_a_database_from_a_newer_release_is_refused(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
    engine.dispose()
    for words in (("list",), ("db", "upgrade")):
        result = coe_bot(*words, env=db_env(database_url))
        assert result.returncode == 2
        assert "f00dfeed, which this release does not know" in result.stderr


def test_making_an_engine_creates_no_tables(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'untouched.db'}")
    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == []
    engine.dispose()
