"""The Slack both bots talk to: the tests' fake Web API, answering each call after 50 ms."""

from __future__ import annotations

import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.fake_slack import Call, FakeSlack

WHY = re.compile(r"Why #(\d+):")


@dataclass
class SlowSlack(FakeSlack):
    """Answers like Slack, `delay` seconds after each Web API call, and indexes the "why?"s.

    A call is recorded when it is answered: that is when the message is in Slack.
    """

    delay: float = 0.05
    # A certificate chain and key: answer over TLS, as Slack does (the bot must trust the
    # certificate: SSL_CERT_FILE).
    tls: tuple[Path, Path] | None = None
    # (channel, thread_ts, why number) -> when it was posted (time.monotonic)
    whys: dict[tuple[str, str, int], float] = field(default_factory=dict)
    # channel -> the thread of its COE, read off the first "why?" posted in it
    threads: dict[str, str] = field(default_factory=dict)
    _posted: threading.Condition = field(default_factory=threading.Condition)

    def _listen(self, server: ThreadingHTTPServer) -> None:
        if self.tls is None:
            return
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*self.tls)
        # The handshake on the connection's own thread, not on the one accepting them all.
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )

    @property
    def scheme(self) -> str:
        return "http" if self.tls is None else "https"

    def _before_answer(self, path: str) -> None:
        if path.startswith("/api/"):
            time.sleep(self.delay)

    def _record(self, method: str, params: dict[str, Any]) -> Call:
        call = Call(method, params)
        with self._lock:
            self.calls.append(call)
        if method != "chat.postMessage" or not params.get("thread_ts"):
            return call
        matched = WHY.match(str(params.get("text") or ""))
        if matched is None:
            return call
        channel, thread_ts = str(params["channel"]), str(params["thread_ts"])
        number = int(matched[1])
        with self._posted:
            self.whys.setdefault((channel, thread_ts, number), call.at)
            if number == 1:
                self.threads.setdefault(channel, thread_ts)
            self._posted.notify_all()
        return call

    def wait_for_threads(self, channels: list[str], timeout: float) -> list[str]:
        """The COE thread of each channel, once its first "why?" is in."""
        with self._posted:
            if not self._posted.wait_for(
                lambda: all(channel in self.threads for channel in channels), timeout
            ):
                missing = sum(1 for channel in channels if channel not in self.threads)
                raise TimeoutError(f"{missing} of {len(channels)} sessions never asked why #1")
            return [self.threads[channel] for channel in channels]

    def wait_for_whys(
        self, sessions: list[tuple[str, str]], number: int, timeout: float
    ) -> dict[tuple[str, str], float]:
        """When why #`number` was posted in each (channel, thread) session."""
        with self._posted:
            done = self._posted.wait_for(
                lambda: all((*session, number) in self.whys for session in sessions), timeout
            )
            if not done:
                missing = sum(1 for session in sessions if (*session, number) not in self.whys)
                raise TimeoutError(
                    f"{missing} of {len(sessions)} sessions never asked why #{number}"
                )
            return {session: self.whys[(*session, number)] for session in sessions}
