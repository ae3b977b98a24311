"""The schema's version: Alembic revisions in storage/migrations, applied by `coe-bot db upgrade`.

Every schema change is a revision. A new, empty database is created from the models in one go
and stamped with the head (Alembic's advice for new databases; a test checks that the
revisions arrive at the same schema). A database that the release before migrations created
has the tables but no version: it is stamped with the baseline, which matches that schema
exactly, and upgraded from there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from storage import models  # noqa: F401  (registers the tables)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
# Any fixed number: concurrent `coe-bot db upgrade` runs on PostgreSQL take turns on it.
_ADVISORY_LOCK = 0x0C0E


class SchemaState(StrEnum):
    EMPTY = "empty"  # no tables: a new database
    UNVERSIONED = "unversioned"  # tables from the release before migrations
    BEHIND = "behind"
    CURRENT = "current"
    UNKNOWN = "unknown"  # a revision this release does not know: a newer release wrote it


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    revision: str | None
    head: str

    def problem(self) -> str | None:
        """One line for an operator when the bot cannot run on this database, else None."""
        if self.state in (SchemaState.BEHIND, SchemaState.UNVERSIONED):
            at = self.revision or "the release before migrations"
            return (
                f"the database schema is out of date (at {at}, this release needs {self.head}); "
                "run `coe-bot db upgrade`"
            )
        if self.state is SchemaState.UNKNOWN:
            return (
                f"the database schema is at {self.revision}, which this release does not know "
                f"(it needs {self.head}); a newer release wrote it: upgrade coe-bot"
            )
        return None


def head() -> str:
    revision = _scripts().get_current_head()
    assert revision is not None
    return revision


def status(database_url: str) -> SchemaStatus:
    """Where the database's schema stands against this release's migrations."""
    with _connection(database_url) as connection:
        return _status(connection)


def upgrade(database_url: str) -> tuple[SchemaStatus, str]:
    """Bring the schema to this release's head; returns the state before and the new revision."""
    with _connection(database_url) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        before = _status(connection)
        if before.state is SchemaState.UNKNOWN:
            return before, str(before.revision)
        if before.state is SchemaState.EMPTY:
            SQLModel.metadata.create_all(connection)
            MigrationContext.configure(connection).stamp(_scripts(), "head")
            return before, head()
        config = _config(connection)
        if before.state is SchemaState.UNVERSIONED:
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
        return before, head()


def _status(connection: Connection) -> SchemaStatus:
    revision = MigrationContext.configure(connection).get_current_revision()
    latest = head()
    if revision is None:
        tables = set(inspect(connection).get_table_names())
        state = SchemaState.UNVERSIONED if "coe" in tables else SchemaState.EMPTY
    elif revision == latest:
        state = SchemaState.CURRENT
    elif _known(revision):
        state = SchemaState.BEHIND
    else:
        state = SchemaState.UNKNOWN
    return SchemaStatus(state, revision, latest)


def _known(revision: str) -> bool:
    return any(script.revision == revision for script in _scripts().walk_revisions())


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config(None))


def _config(connection: Connection | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _connection(database_url: str) -> Iterator[Connection]:
    """A plain connection of its own: SQLite's foreign keys stay off while tables are copied."""
    url = make_url(database_url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()
