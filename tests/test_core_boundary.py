"""bot/core stays a functional core: no Slack, database or scheduler, no environment or clock."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "bot" / "core"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# Subpackages too: a module moved one level down stays under the same rules.
SOURCES = {module_name(path): path for path in CORE.glob("**/*.py")}
MODULES = sorted(SOURCES)
FORBIDDEN_PACKAGES = ("slack_bolt", "slack_sdk", "sqlmodel", "sqlalchemy", "apscheduler")
# Names whose attribute `attr` reads the environment or the clock.
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("os", "environ"),
    ("os", "getenv"),
}


def test_there_is_a_core_to_check() -> None:
    assert {"bot.core.facilitation", "bot.core.commands", "bot.core.picture.draw"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_importing_a_core_module_loads_no_adapter_library(module: str) -> None:
    script = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    leaked = sorted(name for name in loaded if name.split(".")[0] in FORBIDDEN_PACKAGES)
    assert leaked == []
    assert not [
        name for name in loaded if name.startswith("bot.") and not name.startswith("bot.core")
    ]
    assert "storage" not in loaded


def clock_or_environment_uses(source: str) -> list[str]:
    """What in `source` imports `os` or reads the clock."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            problems += [f"import {a.name}" for a in node.names if a.name.split(".")[0] == "os"]
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] == "os":
                problems.append(f"from {node.module} import ...")
            if node.module == "time" and any(a.name in ("time", "monotonic") for a in node.names):
                problems.append("from time import time")
        elif isinstance(node, ast.Attribute):
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
            if (name, node.attr) in FORBIDDEN_CALLS:
                problems.append(f"{name}.{node.attr} (line {node.lineno})")
    return problems


@pytest.mark.parametrize("module", MODULES)
def test_core_source_reads_neither_environment_nor_clock(module: str) -> None:
    assert clock_or_environment_uses(SOURCES[module].read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "import os",
        "import os.path",
        "from os import environ",
        "from datetime import datetime\nx = datetime.now()",
        "import datetime\nx = datetime.datetime.now(datetime.UTC)",
        "from datetime import date\nx = date.today()",
        "import time\nx = time.time()",
        "from time import time",
    ],
)
def test_the_source_scan_catches_clock_and_environment_reads(source: str) -> None:
    assert clock_or_environment_uses(source) != []


def test_the_source_scan_allows_plain_date_arithmetic() -> None:
    source = "from datetime import date, time, timedelta\nx = date(2026, 1, 1) + timedelta(1)\n"
    assert clock_or_environment_uses(source) == []
