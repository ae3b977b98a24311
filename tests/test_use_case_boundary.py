"""Use cases speak only through their ports and get their transactions from the runtime: no
slack_sdk, nothing of the Slack adapter or of the runtime, no threads or futures, and no commit
strategy of their own (issue: the house says what it is)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

USE_CASES = sorted((Path(__file__).resolve().parent.parent / "bot" / "use_cases").glob("*.py"))
FORBIDDEN = (
    "slack_sdk",
    "slack_bolt",
    "bot.slack",
    "bot.runtime",
    "concurrent",
    "threading",
    "storage.group_commit",
)


def imported(source: str) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_there_are_use_cases_to_check() -> None:
    assert {"reviews.py", "visibility.py", "users.py", "digests.py"} <= {p.name for p in USE_CASES}


@pytest.mark.parametrize("path", USE_CASES, ids=lambda path: path.name)
def test_a_use_case_imports_no_adapter_runtime_thread_or_commit_strategy(path: Path) -> None:
    modules = imported(path.read_text(encoding="utf-8"))
    found = [name for name in modules if name.startswith(FORBIDDEN) or name in ("storage",)]
    # `from storage import group_commit` names the module as storage.group_commit.
    assert [name for name in found if name != "storage"] == []


def test_the_check_catches_each_kind_of_import() -> None:
    for source in (
        "from bot.slack import delivery",
        "import slack_sdk",
        "from concurrent.futures import Future",
        "from storage import group_commit",
        "from bot.runtime.context import Runtime",
    ):
        assert [n for n in imported(source) if n.startswith(FORBIDDEN)], source
