"""The Slack both bots talk to: the tests' fake Web API, answering each call after 50 ms."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fake_slack import Call, FakeSlack

WHY = re.compile(r"Why #(\d+):")


class _Server(ThreadingHTTPServer):
    # A burst opens hundreds of connections at once; the default backlog of 5 would drop some,
    # and a dropped connection is retried a whole second later.
    request_queue_size = 1024
    daemon_threads = True


@dataclass
class SlowSlack(FakeSlack):
    """Answers like Slack, `delay` seconds after each Web API call, and indexes the "why?"s.

    A call is recorded when it is answered: that is when the message is in Slack.
    """

    delay: float = 0.05
    # (channel, thread_ts, why number) -> when it was posted (time.monotonic)
    whys: dict[tuple[str, str, int], float] = field(default_factory=dict)
    # channel -> the thread of its COE, read off the first "why?" posted in it
    threads: dict[str, str] = field(default_factory=dict)
    _posted: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> SlowSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # as Slack: connections stay open between calls
            # An answer's headers and body are two writes: with Nagle's algorithm on, the body
            # waits for the client's delayed ACK of the headers (40 ms) on a reused connection.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.path.startswith("/api/"):
                    time.sleep(fake.delay)
                status, body, headers = fake._handle(
                    self.path, raw, self.headers.get("Content-Type", "")
                )
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

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
