"""Running coe-bot as a child process: its environment, the command line, and `serve`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.fake_slack import FakeSlack
from tests.slack_requests import SIGNING_SECRET, SlackSender

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def coe_bot(
    *args: str, env: dict[str, str], cwd: Path = ROOT, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """`coe-bot <args>` run to the end, with exactly `env` as its environment (and this
    checkout's code, whatever the directory it runs in)."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


OUR_VARIABLES = ("SLACK_", "COE_", "DATABASE_URL", "PORT", "LOG_LEVEL")


def clean_env(**settings: str) -> dict[str, str]:
    """The environment of a coe-bot process: ours only, none inherited, none from a `.env`.

    Every setting is given, blank when unused, because `.env` never overrides what is set.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(OUR_VARIABLES)}
    blank = {
        "SLACK_BOT_TOKEN": "",
        "SLACK_SIGNING_SECRET": "",
        "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": "",
        "DATABASE_URL": "",
        "PORT": "",
        "LOG_LEVEL": "",
        "COE_DIGEST_CHANNEL": "",
    }
    return {**env, **blank, **settings}


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`coe-bot <args>` in `cwd` with the settings in `env` and only those."""
    settings = {**env, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
    return coe_bot(*args, env=clean_env(**settings), cwd=cwd)


class BotProcess:
    """`coe-bot serve` over HTTP in a child process, with its output in a file."""

    def __init__(self, fake: FakeSlack, database_url: str, log: Path) -> None:
        self.port = free_port()
        self.log = log
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-test-token",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=database_url,
            PORT=str(self.port),
        )
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{self.port}"
        self.slack = SlackSender(f"{self.url}/slack/events", fake.response_url())
        self.wait_until_healthy()

    def wait_until_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"coe-bot exited early:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"coe-bot never became healthy:\n{self.log.read_text()}")

    def kill_9(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
