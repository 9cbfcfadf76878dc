"""The debug log (`--log FILE`): every request and response, with the keys blanked out.

Nothing is logged, and nothing is even formatted, unless `setup()` was called: the API client
asks `HttpTrace.begin()`, which answers None when the "wfbrowse.http" logger is off.

Keys are kept out twice. The request headers that carry them are written as "<redacted>",
and a filter on the log file's handler replaces any occurrence of a known key's value in any
record (message, arguments, exception text), whoever wrote it, as a second line of defence.
The file is created with mode 0600 and the "wfbrowse" logger does not propagate, so records
never reach handlers someone else configured on the root logger.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from wfbrowse.key_runs import MIN_KEY_LEN, hide_runs
from wfbrowse.textsafe import escape_controls

if TYPE_CHECKING:
    from io import TextIOWrapper

__all__ = [
    "HTTP_LOGGER",
    "LOGGER",
    "REDACTED",
    "HttpTrace",
    "SecretFilter",
    "close",
    "remember_secrets",
    "setup",
]

LOGGER = "wfbrowse"
HTTP_LOGGER = "wfbrowse.http"
REDACTED = "<redacted>"
SECRET_HEADERS = frozenset({"dd-api-key", "dd-application-key"})

_http_log = logging.getLogger(HTTP_LOGGER)


class SecretFilter(logging.Filter):
    """Replaces every known secret in a record's text with "<redacted>"."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SecretFilter({len(self._secrets)} secrets)"

    def add(self, secrets: Iterable[str]) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if len(s) >= MIN_KEY_LEN)

    def redact(self, text: str) -> str:
        """`text` with each secret, or any long part of one (a server's detail cut short in
        the middle of a key), replaced by REDACTED."""
        with self._lock:
            secrets = tuple(self._secrets)
        return hide_runs(text, secrets, REDACTED)

    def filter(self, record: logging.LogRecord) -> bool:
        # Format now, redact, and freeze the result: the handler then writes only this text.
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = self.redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_secret_filter = SecretFilter()
_handlers: list[logging.Handler] = []


def remember_secrets(*secrets: str) -> None:
    """Add values the log file must never contain (the active keys)."""
    _secret_filter.add(secrets)


class _PrivateFileHandler(logging.FileHandler):
    """A FileHandler whose file is created 0600, and made 0600 if it already existed."""

    def _open(self) -> TextIOWrapper:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        descriptor = os.open(self.baseFilename, flags, 0o600)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(descriptor, 0o600)
            return open(descriptor, "a", encoding=self.encoding, errors=self.errors)
        except BaseException:
            os.close(descriptor)
            raise


def setup(path: Path) -> None:
    """Send the "wfbrowse" logger's records, at DEBUG and up, to `path` (appended to).

    Raises OSError when the file cannot be opened.
    """
    close()
    handler = _PrivateFileHandler(path, encoding="utf-8", delay=False)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(_secret_filter)  # on the handler: it sees records from child loggers too
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    _handlers.append(handler)


def close() -> None:
    """Detach and close the handlers `setup()` added, and turn the logger off again."""
    logger = logging.getLogger(LOGGER)
    while _handlers:
        handler = _handlers.pop()
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True


def _headers_text(headers: Iterable[tuple[str, str]]) -> str:
    parts = []
    for name, value in headers:
        shown = REDACTED if name.lower() in SECRET_HEADERS else escape_controls(value)
        parts.append(f"{escape_controls(name.lower())}: {shown}")
    return "; ".join(parts) or "-"


class HttpTrace:
    """What the log says about one request, collected while it runs."""

    def __init__(self, method: str, url: str, headers: Iterable[tuple[str, str]]) -> None:
        self.method = method
        self.url = url
        self.request_headers = [(name, value) for name, value in headers]
        self.response_headers: list[tuple[str, str]] = []
        self.started = time.perf_counter()

    def __repr__(self) -> str:
        return f"HttpTrace({self.method} {self.url})"

    @classmethod
    def begin(
        cls, method: str, url: str, headers: dict[str, str], secrets: Iterable[str] = ()
    ) -> HttpTrace | None:
        """A trace when the debug log is on, else None (and nothing is done at all)."""
        if not _http_log.isEnabledFor(logging.DEBUG):
            return None
        _secret_filter.add(secrets)
        return cls(method, url, headers.items())

    def exchanged(
        self,
        url: str,
        request_headers: Iterable[tuple[str, str]],
        response_headers: Iterable[tuple[str, str]],
    ) -> None:
        """What really went out (the client adds headers of its own) and what came back."""
        self.url = url
        self.request_headers = list(request_headers)
        self.response_headers = list(response_headers)

    def _elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def _details(self) -> str:
        rate = [(n, v) for n, v in self.response_headers if n.lower().startswith("x-ratelimit-")]
        return (
            f"request headers: {_headers_text(self.request_headers)} | "
            f"rate limit: {_headers_text(rate)}"
        )

    def succeeded(self, status: int, size: int) -> None:
        _http_log.debug(
            "%s %s -> HTTP %d in %.1f ms, %d bytes | %s",
            self.method,
            escape_controls(self.url),
            status,
            self._elapsed_ms(),
            size,
            self._details(),
        )

    def failed(self, error: Exception, status: int | None = None) -> None:
        outcome = f"HTTP {status}" if status is not None else "no response"
        _http_log.debug(
            "%s %s -> %s in %.1f ms, %s: %s | %s",
            self.method,
            escape_controls(self.url),
            outcome,
            self._elapsed_ms(),
            type(error).__name__,
            escape_controls(str(error)),
            self._details(),
        )
