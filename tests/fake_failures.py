"""How the fake Slack fails a call it was told to fail: a refusal, or an answer that is lost or
comes too late."""

from __future__ import annotations

import select
import socket
import time
from dataclasses import dataclass

# What `_handle` answers instead of an HTTP status when the answer never reaches the client:
# Slack did the call, and the connection closed at once (LOST) or once the client gave up (LATE).
LOST, LATE = -1, -2


@dataclass(frozen=True)
class Failure:
    status: int
    error: str
    headers: dict[str, str]
    channel: str | None
    # "refuse": Slack answers the error; LOST or LATE: Slack does it, its answer never arrives.
    kind: str | int = "refuse"


def wait_for_hang_up(connection: socket.socket, limit: float = 60.0) -> None:
    """Wait until the client closes the connection (it gave up on the answer)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        readable, _, _ = select.select([connection], [], [], 0.05)
        if not readable:
            continue
        try:
            if not connection.recv(1, socket.MSG_PEEK):
                return
        except OSError:
            return
