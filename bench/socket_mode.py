"""Socket Mode's side of Slack for the benchmark: the WebSocket a bot connects to (the URL that
apps.connections.open hands out), over which Slack sends each request as an envelope and waits
for the bot to ack it by its `envelope_id`, within three seconds.

Only what slack_sdk's builtin client uses: the HTTP upgrade, text frames each way, and a pong
for each ping (without one the client takes the connection for dead).
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import time
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class SocketModeServer:
    """One bot's WebSocket: envelopes sent with `send`, their acks timed in `acked`."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._client: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._acked = threading.Condition()
        # envelope_id -> when it was sent, and when the bot acked it (time.monotonic)
        self.sent: dict[str, float] = {}
        self.acked: dict[str, float] = {}

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link/?ticket=bench"

    def start(self) -> SocketModeServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._listener.close()
        if self._client is not None:
            self._client.close()

    def connected(self) -> bool:
        return self._client is not None

    def send(self, envelopes: list[dict[str, Any]]) -> None:
        """Send these envelopes back to back, as Slack does under a burst."""
        assert self._client is not None
        for envelope in envelopes:
            frame = _frame(TEXT, json.dumps(envelope).encode())
            with self._send_lock:
                self.sent[envelope["envelope_id"]] = time.monotonic()
                self._client.sendall(frame)

    def wait_for_acks(self, envelope_ids: list[str], timeout: float) -> list[float]:
        """Milliseconds from each envelope sent to its ack."""
        with self._acked:
            everyone = lambda: all(envelope in self.acked for envelope in envelope_ids)  # noqa: E731
            if not self._acked.wait_for(everyone, timeout):
                missing = sum(1 for envelope in envelope_ids if envelope not in self.acked)
                raise TimeoutError(f"{missing} of {len(envelope_ids)} envelopes never acked")
        return [(self.acked[e] - self.sent[e]) * 1000 for e in envelope_ids]

    def _accept(self) -> None:
        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = client.makefile("rb")
        key = ""
        while (line := reader.readline().decode().strip()) != "":
            name, _, value = line.partition(":")
            if name.strip().lower() == "sec-websocket-key":
                key = value.strip()
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        client.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        self._client = client
        self._read(reader)

    def _read(self, reader: Any) -> None:
        while True:
            try:
                opcode, payload = _read_frame(reader)
            except (OSError, ValueError):
                return
            if opcode == PING:
                with self._send_lock:
                    self._client.sendall(_frame(PONG, payload))  # type: ignore[union-attr]
            elif opcode == TEXT:
                envelope_id = json.loads(payload).get("envelope_id")
                with self._acked:
                    self.acked.setdefault(envelope_id, time.monotonic())
                    self._acked.notify_all()
            elif opcode == CLOSE:
                return


def _frame(opcode: int, payload: bytes) -> bytes:
    """A frame from the server: final, unmasked."""
    length = len(payload)
    if length <= 125:
        header = struct.pack("!BB", 0x80 | opcode, length)
    elif length <= 65535:
        header = struct.pack("!BBH", 0x80 | opcode, 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
    return header + payload


def _read_frame(reader: Any) -> tuple[int, bytes]:
    """A frame from the client, which masks every one; (opcode, payload)."""
    first, second = _exactly(reader, 2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", _exactly(reader, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", _exactly(reader, 8))
    mask = _exactly(reader, 4) if second & 0x80 else b"\0\0\0\0"
    data = _exactly(reader, length)
    return first & 0x0F, bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))


def _exactly(reader: Any, size: int) -> bytes:
    data = reader.read(size)
    if len(data) < size:
        raise ValueError("the client closed the connection")
    return bytes(data)
