"""Shared by the benchmarks: servers as subprocesses, their memory, scratch databases, figures."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.fake_slack import FakeSlack
from tests.processes import free_port
from tests.slack_requests import SIGNING_SECRET

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def running(
    args: Sequence[str],
    fake: FakeSlack,
    database_url: str,
    profile: Path | None = None,
    root: Path = ROOT,
    app_token: str | None = None,
    ready: Callable[[], bool] | None = None,
    without: str = "",
) -> Iterator[Server]:
    """Start `python <args>` serving Slack's requests over HTTP on a free loopback port.

    With `profile`, under py-spy, which writes the collapsed stacks of its processes there.
    `root` is the checkout to run it from. With `app_token`, in Socket Mode instead: it is up
    once `ready()`. `without`: the machinery coe-bot runs without (COE_BENCH_WITHOUT).
    """
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        # Waitress warns about its queue at every burst: that is the point of a burst.
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(root),
        "COE_BENCH_WITHOUT": without,
    }
    env.pop("SLACK_APP_TOKEN", None)
    if app_token is not None:
        env["SLACK_APP_TOKEN"] = app_token
    command = [sys.executable, *args]
    if profile is not None:
        spy = Path(sys.executable).with_name("py-spy")
        # Only the thread holding the interpreter lock: what the process spends its CPU on,
        # not where its threads wait (for the lock, the database or Slack).
        command = [str(spy), "record", "-f", "raw", "-r", "100", "--gil", "--subprocesses"]
        command += ["--threads"]
        command += ["-o", str(profile), "--", sys.executable, *args]
    process = subprocess.Popen(command, env=env, cwd=root)
    server = Server(f"http://127.0.0.1:{port}/slack/events", process.pid)
    try:
        _wait_for(ready or (lambda: _port_open(port)), process)
        if profile is not None:  # the server is py-spy's child
            server.pid = _children(process.pid)[0]
        server.watch_memory()
        yield server
    finally:
        server.stop_watching()
        children = _children(server.pid) if process.poll() is None else []
        if profile is not None:
            # py-spy writes its profile once the process it runs has exited.
            with contextlib.suppress(ProcessLookupError):
                os.kill(server.pid, signal.SIGTERM)
        else:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        # A forked worker stops after the serving process; its database must outlive it.
        deadline = time.monotonic() + 30
        while children and time.monotonic() < deadline:
            children = [pid for pid in children if _alive(pid)]
            time.sleep(0.05)


class Server:
    """A running server: where to send Slack's requests, and its memory, sampled every second."""

    def __init__(self, url: str, pid: int) -> None:
        self.url = url
        self.pid = pid
        self.peak = {"rss": 0.0, "pss": 0.0}
        self.processes = 1
        self._stop = threading.Event()

    def watch_memory(self) -> None:
        threading.Thread(target=self._sample, daemon=True).start()

    def stop_watching(self) -> None:
        self._stop.set()

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            self.sample_memory()

    def cpu_seconds(self) -> float:
        """CPU time (user and system) the server's processes have used so far."""
        total = 0.0
        for pid in [self.pid, *_children(self.pid)]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def sample_memory(self) -> None:
        try:
            now = memory_mb(self.pid)
        except OSError:  # it is exiting
            return
        self.processes = int(now["processes"])
        for key in self.peak:
            self.peak[key] = max(self.peak[key], now[key])


def _wait_for(ready: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError("server did not start")


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


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


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


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


class Startable(Protocol):
    def start(self) -> Any: ...

    def stop(self) -> None: ...


@contextmanager
def started(server: Startable) -> Iterator[Any]:
    """A fake Slack or WebSocket, started, and stopped afterwards."""
    try:
        yield server.start()
    finally:
        server.stop()


@contextmanager
def scratch_database(kind: str, postgres: str = POSTGRES) -> Iterator[str]:
    """A database of its own for one run: a file in a temporary directory, or a PostgreSQL
    database created on the server of `postgres` and dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="coe-bench-") as scratch:
            yield f"sqlite:///{Path(scratch) / 'bench.db'}"
        return
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    name = f"coe_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def percentile(samples: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile; NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def stats(samples_ms: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99 and max of a list of milliseconds, and how many there were."""
    return {
        "n": len(samples_ms),
        "p50": percentile(samples_ms, 50),
        "p95": percentile(samples_ms, 95),
        "p99": percentile(samples_ms, 99),
        "max": max(samples_ms, default=math.nan),
    }


@contextmanager
def certificate() -> Iterator[tuple[Path, Path]]:
    """A certificate for 127.0.0.1 and its key, made for this run, and trusted by every
    process the run starts from now on (SSL_CERT_FILE)."""
    with tempfile.TemporaryDirectory(prefix="coe-bench-tls-") as scratch:
        cert, key = Path(scratch) / "cert.pem", Path(scratch) / "key.pem"
        command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
        command += " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
        subprocess.run(
            [*command.split(), "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )
        previous = os.environ.get("SSL_CERT_FILE")
        os.environ["SSL_CERT_FILE"] = str(cert)
        try:
            yield cert, key
        finally:
            if previous is None:
                os.environ.pop("SSL_CERT_FILE", None)
            else:
                os.environ["SSL_CERT_FILE"] = previous
