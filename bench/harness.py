"""Shared by the benchmarks: run a server as a subprocess beside the fake Slack, and time things."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.fake_slack import FakeSlack
from tests.processes import free_port
from tests.slack_requests import SIGNING_SECRET

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def running(args: Sequence[str], fake: FakeSlack, database_url: str) -> Iterator[tuple[str, int]]:
    """Start `python <args>` serving HTTP on a free port; yields (events URL, pid)."""
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen([sys.executable, *args], env=env, cwd=ROOT)
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/slack/events", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("server did not start")


def memory_mb(pid: int) -> dict[str, float]:
    """Resident (RSS) and proportional (PSS) memory of a process and its children, from /proc.

    PSS divides pages shared between processes (a forked worker shares the serving process's
    imported code) among them, so it adds up to what the processes really occupy.
    """
    pids = [pid, *_children(pid)]
    return {
        "rss": sum(_rollup(p, "Rss") for p in pids),
        "pss": sum(_rollup(p, "Pss") for p in pids),
        "processes": len(pids),
    }


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.extend(int(child) for child in children)
    return found


def _rollup(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(samples: Sequence[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(name: str, samples_ms: Sequence[float]) -> str:
    return (
        f"{name:<34} n={len(samples_ms):<5} p50={percentile(samples_ms, 50):7.2f} ms  "
        f"p95={percentile(samples_ms, 95):7.2f} ms  p99={percentile(samples_ms, 99):7.2f} ms  "
        f"max={max(samples_ms):7.2f} ms"
    )
