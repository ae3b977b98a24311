"""Use cases read Slack only through the reading port (`rt.read()`): no slack_sdk, and nothing
of the Slack adapter's but the delivery of what they queued."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

USE_CASES = sorted((Path(__file__).resolve().parent.parent / "bot" / "use_cases").glob("*.py"))


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
    assert {"reviews.py", "visibility.py", "users.py"} <= {path.name for path in USE_CASES}


@pytest.mark.parametrize("path", USE_CASES, ids=lambda path: path.name)
def test_a_use_case_reads_slack_only_through_the_port(path: Path) -> None:
    modules = imported(path.read_text(encoding="utf-8"))
    assert not [name for name in modules if name.split(".")[0] in ("slack_sdk", "slack_bolt")]
    adapter = {name for name in modules if name.startswith("bot.slack.")}
    assert adapter <= {"bot.slack.delivery", "bot.slack.delivery.Sent"}
