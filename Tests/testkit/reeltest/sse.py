"""A raw Server-Sent Events client over a socket (no library hides what the
host sends): the response head, then events and comments as they arrive."""
from __future__ import annotations

import json
import socket
import time


class SSEStream:
    def __init__(self, port: int, path: str, headers: dict | None = None, timeout: float = 30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        self.status = 0
        self.headers: dict[str, str] = {}
        self.text = ""  # decoded body so far (chunked coding removed)
        self._read_head()

    def _recv(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buffer += data
        return True

    def _read_head(self) -> None:
        while b"\r\n\r\n" not in self.buffer:
            if not self._recv():
                raise ConnectionError("closed before the response head")
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.chunked = self.headers.get("transfer-encoding", "").lower() == "chunked"
        self.ended = False

    def _pump(self) -> bool:
        """Moves the whole chunks already received into `text`, or waits for
        more bytes if there is none; False at the end."""
        if not self.chunked:
            self.text += self.buffer.decode()
            self.buffer = b""
            if not self._recv():
                self.ended = True
                return False
            return True
        moved = False
        while b"\r\n" in self.buffer:
            size_line, rest = self.buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                self.ended = True
                return False
            if len(rest) < size + 2:
                break
            self.text += rest[:size].decode()
            self.buffer = rest[size + 2:]
            moved = True
        if moved:
            return True
        if not self._recv():
            self.ended = True
            return False
        return True

    def body(self) -> str:
        """The whole body of a response that is not a stream (an error)."""
        length = int(self.headers.get("content-length", "0"))
        while len(self.buffer) < length and self._recv():
            pass
        return self.buffer.decode()

    def wait_for(self, predicate, timeout: float = 20, what: str = "stream text"):
        deadline = time.monotonic() + timeout
        while True:
            result = predicate(self.text)
            if result:
                return result
            if self.ended or time.monotonic() > deadline:
                raise AssertionError(f"{what} never came; got {self.text[-2000:]!r} (ended={self.ended})")
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                if not self._pump():
                    continue
            except socket.timeout:
                continue

    def events(self) -> list[dict]:
        """Complete events so far: {id, event, data(parsed JSON)}."""
        found = []
        for block in self.text.split("\n\n")[:-1]:
            fields = {}
            for line in block.split("\n"):
                if line.startswith(":") or not line:
                    continue
                name, _, value = line.partition(":")
                fields[name] = value[1:] if value.startswith(" ") else value
            if "data" in fields:
                found.append({"id": fields.get("id"), "event": fields.get("event"), "data": json.loads(fields["data"])})
        return found

    def wait_events(self, count: int, timeout: float = 20) -> list[dict]:
        return self.wait_for(lambda _: len(self.events()) >= count and self.events(), timeout=timeout,
                             what=f"{count} events")

    def wait_end(self, timeout: float = 20) -> None:
        self.wait_for(lambda _: self.ended, timeout=timeout, what="the end of the stream")

    def close(self) -> None:
        self.sock.close()
