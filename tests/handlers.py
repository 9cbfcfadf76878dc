"""Handlers for the loopback server that misbehave at the socket level (the tests of the
client and of the app share them)."""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from wfbrowse.demo.server import RecordedRequest

Handler = Callable[[RecordedRequest, BaseHTTPRequestHandler], bool]


def no_delay(h: BaseHTTPRequestHandler) -> None:
    """Headers and body go out in separate writes: without this, Nagle's algorithm and the
    client's delayed ACK add 40 ms to every answer."""
    h.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def headers_then(
    h: BaseHTTPRequestHandler, status: int = 200, headers: dict[str, str] | None = None
) -> None:
    no_delay(h)
    h.send_response(status)
    for name, value in (headers or {"Content-Type": "application/json"}).items():
        h.send_header(name, value)
    h.end_headers()


def cut_mid_body(how: str) -> Handler:
    """Headers promise 100,000 bytes; 1,000 come, then a FIN ("close") or a RST ("reset")."""

    def handler(request: RecordedRequest, h: BaseHTTPRequestHandler) -> bool:
        headers_then(h, 200, {"Content-Type": "application/json", "Content-Length": "100000"})
        h.wfile.write(b'{"data": {"id": "' + b"x" * 1000)
        h.wfile.flush()
        if how == "reset":
            # SO_LINGER with a zero timeout: close() sends a TCP RST instead of a FIN.
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        return True

    return handler
