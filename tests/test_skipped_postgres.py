"""Without a usable PostgreSQL, its tests are skipped in one line of the summary that says why:
the server is not there, or it has no such database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import POSTGRES_URL, postgres_missing
from tests.processes import ROOT, free_port

SOME_TESTS = ["tests/test_reactions.py", "tests/test_gone_owners.py"]


def summary_of(postgres_url: str) -> list[str]:
    """The summary lines of a run of SOME_TESTS against `postgres_url`, outside CI."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["TEST_POSTGRES_URL"] = postgres_url
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-ra", "-p", "no:cacheprovider", *SOME_TESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout.split("short test summary info")[1].splitlines()[1:]


def skipped_count(lines: list[str]) -> int:
    """How many tests the run's last line says were skipped."""
    counts = dict(reversed(part.split()[:2]) for part in lines[-1].split(" in ")[0].split(", "))
    return int(counts["skipped"])


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("{server}/coe_no_such_db", 'has no database "coe_no_such_db"'),
        (f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test", "no PostgreSQL server"),
    ],
)
def test_postgres_tests_that_cannot_run_are_one_line_with_the_true_reason(
    where: str, says: str
) -> None:
    if "{server}" in where and postgres_missing():
        pytest.skip("needs a PostgreSQL server to ask for a database it does not have")
    lines = summary_of(where.format(server=POSTGRES_URL.rsplit("/", 1)[0]))
    skipped = [line for line in lines if line.startswith("SKIPPED")]
    assert len(skipped) == 1 and says in skipped[0]
    assert skipped[0].startswith(f"SKIPPED [{skipped_count(lines)}] ")
