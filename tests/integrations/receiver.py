"""A real webhook receiver on 127.0.0.1 in a thread: records every POST (headers and body) and answers the
statuses it is given in turn (then 200). `hold` makes it wait before answering; `on_request` runs when a request
is in, before the answer (a crash test kills the worker there)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.received: list[Received] = []
        self.hold = threading.Event()
        self.hold.set()  # cleared by a test that wants the receiver to hang
        self.arrived = threading.Event()
        self.on_request: Callable[[], None] | None = None  # runs in the server's thread, before the answer
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                outer.received.append(Received(self.path, dict(self.headers.items()), body))
                outer.arrived.set()
                if outer.on_request is not None:
                    outer.on_request()
                outer.hold.wait(timeout=120)
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def receiver(statuses: list[int] | None = None) -> Iterator[Receiver]:
    server = Receiver(statuses)
    server.thread.start()
    try:
        yield server
    finally:
        server.hold.set()
        server.httpd.shutdown()
        server.httpd.server_close()
