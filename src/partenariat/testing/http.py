"""A real HTTP server on 127.0.0.1 for connector tests: no mock transport, a real socket.

A test describes the service's published contract as a function from :class:`Request` to
:class:`Reply` and runs it with :func:`local_http_server`::

    def ban(request: Request) -> Reply:
        return Reply.json({"type": "FeatureCollection", "features": []})

    with local_http_server(ban) as server:
        client = make_client(base_url=server.url)
        ...
    assert server.requests[0].path == "/search/"

The server listens on a free port, answers each request in a thread, and records the requests
(headers included, so a test can check a token was sent — and print nothing of it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs


@attrs.frozen
class Request:
    """One request the server received."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """Return the body read as JSON."""
        return json.loads(self.body)

    def param(self, name: str) -> str | None:
        """Return the first value of the query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else None


@attrs.frozen
class Reply:
    """What the server answers: a status, headers and a body (``delay`` seconds late)."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = attrs.field(factory=dict)
    delay: float = 0.0

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> Reply:
        """Answer ``data`` as JSON."""
        return cls(
            status, json.dumps(data).encode(), {"Content-Type": "application/json", **headers}
        )


Handler = Callable[[Request], Reply]


@attrs.define
class LocalServer:
    """A running server: its :attr:`url` and the :attr:`requests` it received."""

    url: str
    requests: list[Request] = attrs.field(factory=list)


@contextmanager
def local_http_server(handler: Handler) -> Iterator[LocalServer]:
    """Run ``handler`` behind a real HTTP server on 127.0.0.1 (a free port) for the ``with`` block."""
    stop = threading.Event()
    server_state = LocalServer("")

    class _Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            request = Request(
                self.command, split.path, parse_qs(split.query), dict(self.headers.items()), body
            )
            server_state.requests.append(request)
            reply = handler(request)
            if reply.delay:
                stop.wait(reply.delay)
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output clean (and never echo a request line)."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    server_state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server_state
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


__all__ = ["Handler", "LocalServer", "Reply", "Request", "local_http_server"]
