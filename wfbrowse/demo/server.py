"""A Datadog-compatible HTTP server that listens on loopback only.

It serves three kinds of answers, looked up in this order for every request:

1. scripted responses (`add_response`), which tests use to replay recorded cassettes or to
   make the server answer exactly what a case needs;
2. handlers (`add_handler`), plain functions that may misbehave on purpose (slow bodies,
   dropped connections) for the hostile-server tests;
3. a `Catalog` of realistic demo runs (see `catalog.py`), used by `wfbrowse --demo`.

Anything else gets Datadog's own 404 shape. Every request is recorded (method, path, headers)
so tests can check what the client really sent, keys included: the server is the one place
where keys are supposed to arrive.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from types import TracebackType


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Reply:
    """What the server sends back."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: object, headers: Mapping[str, str] | None = None) -> Reply:
        merged = {"Content-Type": "application/json"}
        merged.update(headers or {})
        return cls(status, json.dumps(payload, separators=(",", ":")).encode() + b"\n", merged)


class Catalog(Protocol):
    """Answers requests from a set of known workflows and runs."""

    def answer(self, request: RecordedRequest) -> Reply | None: ...


# A handler gets the request and the raw handler object, so it can write whatever bytes (or
# nothing at all) to the socket. It returns True when it has answered.
Handler = Callable[[RecordedRequest, BaseHTTPRequestHandler], bool]


@dataclass
class _Scripted:
    reply: Reply
    times: int | None  # None: forever


class FakeDatadog:
    """The server. Use as a context manager, or call `start()` and `stop()`."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        *,
        expected_keys: tuple[str, str] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("the fake Datadog server listens on loopback only")
        self.catalog = catalog
        # When set, requests whose DD-API-KEY / DD-APPLICATION-KEY differ get Datadog's 403.
        self.expected_keys = expected_keys
        self.requests: list[RecordedRequest] = []
        self._scripted: dict[tuple[str, str], list[_Scripted]] = {}
        self._handlers: dict[tuple[str, str], Handler] = {}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, 0), _make_request_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeDatadog:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeDatadog:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- scripting -----------------------------------------------------------------------------
    def add_response(
        self,
        method: str,
        path: str,
        *,
        status: int,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """Answer `method path` with exactly these bytes (`times` times, or forever)."""
        raw = body.encode() if isinstance(body, str) else body
        reply = Reply(status, raw, dict(headers or {}))
        with self._lock:
            self._scripted.setdefault((method.upper(), path), []).append(_Scripted(reply, times))

    def add_handler(self, method: str, path: str, handler: Handler) -> None:
        with self._lock:
            self._handlers[(method.upper(), path)] = handler

    def clear(self) -> None:
        """Forget scripted responses, handlers and recorded requests."""
        with self._lock:
            self._scripted.clear()
            self._handlers.clear()
            self.requests.clear()

    # -- answering -----------------------------------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _scripted_reply(self, request: RecordedRequest) -> Reply | None:
        with self._lock:
            queue = self._scripted.get((request.method, request.path))
            if not queue:
                return None
            entry = queue[0]
            if entry.times is not None:
                entry.times -= 1
                if entry.times <= 0:
                    queue.pop(0)
            return entry.reply

    def _handler_for(self, request: RecordedRequest) -> Handler | None:
        with self._lock:
            return self._handlers.get((request.method, request.path))

    def _keys_rejected(self, request: RecordedRequest) -> bool:
        if self.expected_keys is None:
            return False
        api_key, app_key = self.expected_keys
        return (
            request.header("DD-API-KEY") != api_key
            or request.header("DD-APPLICATION-KEY") != app_key
        )

    def reply_for(self, request: RecordedRequest) -> Reply:
        scripted = self._scripted_reply(request)
        if scripted is not None:
            return scripted
        if self._keys_rejected(request):
            return Reply.json(403, {"errors": ["Forbidden"]})
        if self.catalog is not None:
            answer = self.catalog.answer(request)
            if answer is not None:
                return answer
        return Reply.json(404, {"errors": ["Not found"]})


def write_reply(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    """Send a Reply on the handler's connection (handlers of tests use it too)."""
    handler.send_response(reply.status)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(reply.body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(reply.body)


def _make_request_handler(server: FakeDatadog) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Datadog's front end does
        server_version = "wfbrowse-fake-datadog"

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: the test output and the demo's terminal are not ours to fill."""

        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            request = RecordedRequest(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
            )
            server._record(request)
            handler = server._handler_for(request)
            if handler is not None and handler(request, self):
                return
            write_reply(self, server.reply_for(request))

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

    return RequestHandler
