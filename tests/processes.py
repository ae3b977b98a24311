"""Running coe-bot as a child process: a free port to serve on, and the command line."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def coe_bot(
    *args: str, env: dict[str, str], cwd: Path = ROOT, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """`coe-bot <args>` run to the end, with exactly `env` as its environment."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )
