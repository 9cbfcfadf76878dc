"""The one error family the app shows: every failure becomes a WfError with a hint.

A WfError is meant for a status bar: `one_line()` is a single line, with whatever the server
or the network said escaped (a response body can hold newlines, ANSI escapes or bidi marks,
and none of them may reach the terminal raw). Messages are built from the status line and the
response body only: request headers, and so API keys, never go into them.

`error_from_response` reads every error-body shape Datadog (or a proxy in front of it) is known
to send, without trusting the content-type.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any, ClassVar, Literal

from wfbrowse.key_runs import hide_runs
from wfbrowse.ratelimit import RateLimit, format_delay
from wfbrowse.textsafe import KEY_HIDDEN, escape_controls, shorten

Endpoint = Literal["instance", "instances", "workflow", "cancel", "validate"]

# How much server-provided text goes into a message: enough for any real `detail`, short
# enough for a status bar.
MAX_DETAIL = 120
# Only the start of an error body is looked at; a 5 MB HTML error page has its title early.
_SCAN_LIMIT = 64 * 1024

_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html|head|body|title)\b", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")  # not \s: U+2028 must stay visible (escaped)


class WfError(Exception):
    """Base of every error the app reports: a one-line message plus what to do about it."""

    default_message: ClassVar[str] = "request failed"
    default_hint: ClassVar[str] = ""

    def __init__(
        self,
        message: str | None = None,
        hint: str | None = None,
        *,
        status: int | None = None,
        rate_limit: RateLimit | None = None,
        code: str | None = None,
    ) -> None:
        self.message = escape_controls(self.default_message if message is None else message)
        self.hint = escape_controls(self.default_hint if hint is None else hint)
        self.status = status
        self.rate_limit = rate_limit
        self.code = code
        super().__init__(self.message)

    def one_line(self) -> str:
        # Escaped again: the attributes are public and may have been changed since __init__.
        message = escape_controls(self.message)
        hint = escape_controls(self.hint)
        return f"{message} — {hint}" if hint else message

    def redact(self, secrets: Iterable[str]) -> None:
        """Hide any secret the server echoed back into the message or hint, or any long part
        of one (a detail cut short can end in the middle of a key)."""
        keys = [secret for secret in secrets if len(secret) >= 4]
        self.message = hide_runs(self.message, keys, KEY_HIDDEN)
        self.hint = hide_runs(self.hint, keys, KEY_HIDDEN)
        self.args = (self.message,)

    def __str__(self) -> str:
        return self.one_line()


# -- HTTP status errors ------------------------------------------------------------------------
class BadRequest(WfError):
    default_message = "bad request (HTTP 400)"
    default_hint = "check the workflow and instance IDs: they are UUIDs"


class Unauthorized(WfError):
    default_message = "API key rejected (HTTP 401)"
    default_hint = "check DD_API_KEY / the keys screen, and that --site is the key's Datadog site"


class Forbidden(WfError):
    default_message = "access denied (HTTP 403)"
    default_hint = (
        "the application key needs Actions API access (Organization Settings > Application Keys)"
        " and the workflows_read permission"
    )


class NotFound(WfError):
    default_message = "not found (HTTP 404)"
    default_hint = "check the IDs, and that --site / --api-url points at the right Datadog site"


class WorkflowNotFound(NotFound):
    default_message = "workflow not found"
    default_hint = "check the workflow ID, and that --site is the Datadog site of its org"


class InstanceNotFound(NotFound):
    default_message = "instance not found"
    default_hint = (
        "right after a run starts it can briefly be not found — try again in a few seconds;"
        " otherwise check the instance ID"
    )


class RateLimited(WfError):
    default_message = "rate limited (HTTP 429)"
    default_hint = "wait for the limit to reset, then try again"

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before the next request, when the server said."""
        return None if self.rate_limit is None else self.rate_limit.reset_in()


class ServerError(WfError):
    default_message = "Datadog server error"
    default_hint = "a problem on Datadog's side (or a proxy's) — try again shortly"


class HttpError(WfError):
    default_message = "unexpected HTTP status"
    default_hint = "unexpected answer — check --site / --api-url and any proxy in between"


# -- transport and payload errors --------------------------------------------------------------
class RequestTimeout(WfError):
    default_message = "request timed out"
    default_hint = "the network or the server is slow — try again; check --site and HTTPS_PROXY"


class ConnectFailed(WfError):
    default_message = "cannot connect"
    default_hint = "check the network, --site / --api-url and HTTPS_PROXY"


class ConnectionRefused(ConnectFailed):
    default_message = "connection refused"
    default_hint = "is the server running? check --site / --api-url"


class ConnectionLost(WfError):
    default_message = "connection lost while reading the response"
    default_hint = "the server or a proxy closed the connection — try again"


class DnsError(WfError):
    default_message = "cannot resolve the API host"
    default_hint = "check --site / --api-url and the network's DNS"


class TlsError(WfError):
    default_message = "TLS handshake failed"
    default_hint = (
        "a proxy may be intercepting HTTPS: point SSL_CERT_FILE at its CA bundle;"
        " otherwise check --api-url"
    )


class InvalidResponse(WfError):
    default_message = "the server's answer is not a JSON object"
    default_hint = "check --site / --api-url: something other than the Datadog API answered"


class ResponseTooLarge(WfError):
    default_message = "response too large"
    default_hint = "the response is over the size limit and was not loaded"


class MissingCredentials(WfError):
    default_message = "no Datadog API keys"
    default_hint = "set DD_API_KEY and DD_APP_KEY"


class InvalidCredentials(MissingCredentials):
    default_message = "the Datadog keys contain characters that cannot be sent"
    default_hint = "paste the keys again: they are plain letters and digits"


class UnsafeApiUrl(WfError):
    default_message = "refused API URL"
    default_hint = "use an https:// URL (plain http:// only for localhost)"


# -- reading error responses -------------------------------------------------------------------
def status_line(status: int, reason: str = "") -> str:
    """ "HTTP 502 Bad Gateway", with the standard phrase when the server sent none."""
    phrase = escape_controls(reason.strip()) or _standard_phrase(status)
    return f"HTTP {status} {phrase}".rstrip()


def _standard_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def parse_error_body(body: bytes) -> tuple[str | None, str | None]:
    """(code, detail) from an error body of any known shape; detail is escaped and shortened."""
    text = body[:_SCAN_LIMIT].decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if not text:
        return None, None
    code: str | None = None
    detail: str | None = None
    if text[0] in '{["':
        parsed = _loads(text)
        if parsed is not None:
            code, detail = _from_json(parsed)
            if code is None and detail is None and not _is_empty_json(parsed):
                detail = _first_line(text)
            return _clean(code, 64), _clean(detail)
    if _HTML_START.match(text):
        match = _HTML_TITLE.search(text)
        if match:
            detail = html.unescape(_WHITESPACE.sub(" ", match.group(1)))
        return None, _clean(detail)
    return None, _clean(_first_line(text))


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _is_empty_json(value: Any) -> bool:
    # An empty answer, or a known envelope with nothing in it: not worth quoting raw.
    if isinstance(value, dict) and ("errors" in value or "error" in value):
        return True
    return value in ({}, [], "", None)


def _clean(text: str | None, limit: int = MAX_DETAIL) -> str | None:
    if text is None:
        return None
    cleaned = shorten(escape_controls(_WHITESPACE.sub(" ", text).strip()), limit)
    return cleaned or None


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def _from_json(value: Any) -> tuple[str | None, str | None]:
    """Datadog's shapes: {"errors": [...]} with strings or {code, status, title, detail}."""
    if isinstance(value, str):
        return None, value
    if isinstance(value, list):
        return _from_entries(value)
    if not isinstance(value, dict):
        return None, None
    errors = value.get("errors")
    if isinstance(errors, list):
        return _from_entries(errors)
    if isinstance(errors, (str, dict)):
        return _from_entries([errors])
    # Shapes seen from other services and proxies: {"error": ...}, {"message": ...}.
    error = value.get("error")
    if isinstance(error, (str, dict)):
        return _from_entries([error])
    return _from_entries([value])


def _from_entries(entries: list[Any]) -> tuple[str | None, str | None]:
    code: str | None = None
    texts: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            text: str | None = entry
        elif isinstance(entry, dict):
            if code is None:
                code = _scalar(entry.get("code"))
            text = _entry_text(entry)
        else:
            text = None
        if text and text.strip() and text.strip() not in texts:
            texts.append(text.strip())
    return code, ("; ".join(texts) or None)


def _entry_text(entry: dict[str, Any]) -> str | None:
    # `detail` is the specific sentence; `title` ("Invalid Parameter") only when it is alone.
    for key in ("detail", "message", "title", "error", "code"):
        text = _scalar(entry.get(key))
        if text:
            return text
    return None


def _scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _informative(detail: str | None, status: int, reason: str) -> bool:
    """False when the detail only repeats the status ("Forbidden", "502 Bad Gateway")."""
    if not detail:
        return False
    said = detail.strip().casefold()
    line = status_line(status, reason)
    generic = {line.casefold(), line.removeprefix("HTTP ").casefold(), reason.strip().casefold()}
    generic.add(_standard_phrase(status).casefold())
    return said not in generic


def _with_detail(head: str, detail: str | None, status: int, reason: str) -> str:
    return f"{head}: {detail}" if _informative(detail, status, reason) else head


def _seconds(delay: float) -> str:
    whole = max(0, math.ceil(delay))
    return f"{whole} s" if whole < 60 else format_delay(whole)


def _rate_limited_message(rate_limit: RateLimit | None) -> str:
    bucket = f" (bucket {rate_limit.name})" if rate_limit and rate_limit.name else ""
    left = rate_limit.reset_in() if rate_limit else None
    if left is None:
        return f"rate limited{bucket} (HTTP 429)"
    return f"rate limited{bucket}: resets in {_seconds(left)}"


def _not_found(code: str | None, detail: str | None, endpoint: Endpoint) -> type[NotFound]:
    if code == "WORKFLOW_NOT_FOUND":
        return WorkflowNotFound
    if code == "INSTANCE_NOT_FOUND":
        return InstanceNotFound
    if endpoint == "workflow":
        return WorkflowNotFound
    said = (detail or "").casefold()
    if code is None and said.startswith("workflow") and said.endswith("not found"):
        return WorkflowNotFound
    if code is None and said.startswith("instance") and said.endswith("not found"):
        return InstanceNotFound
    return NotFound


_CANCEL_FORBIDDEN_HINT = (
    "cancelling needs the workflows_run permission, and an application key with Actions API access"
)


def error_from_response(
    status: int,
    reason: str,
    body: bytes,
    *,
    endpoint: Endpoint,
    rate_limit: RateLimit | None,
) -> WfError:
    """The WfError for a non-2xx response, whatever shape its body has."""
    code, detail = parse_error_body(body)
    line = status_line(status, reason)
    extra: dict[str, Any] = {"status": status, "rate_limit": rate_limit, "code": code}
    if status == 400:
        return BadRequest(detail or line, **extra)
    if status == 401:
        return Unauthorized(
            _with_detail(Unauthorized.default_message, detail, status, reason), **extra
        )
    if status == 403:
        denied = _with_detail(Forbidden.default_message, detail, status, reason)
        if endpoint == "cancel":
            # Cancelling needs the write permission, not the read one the default hint names.
            return Forbidden(denied, _CANCEL_FORBIDDEN_HINT, **extra)
        return Forbidden(denied, **extra)
    if status == 404:
        cls = _not_found(code, detail, endpoint)
        message = detail if _informative(detail, status, reason) else cls.default_message
        return cls(message, **extra)
    if status == 429:
        hint = (
            None if rate_limit and rate_limit.reset is not None else "wait a little, then try again"
        )
        return RateLimited(_rate_limited_message(rate_limit), hint, **extra)
    if 500 <= status <= 599:
        return ServerError(
            _with_detail(f"Datadog server error ({line})", detail, status, reason), **extra
        )
    if 300 <= status <= 399:
        hint = "the server answered with a redirect (not followed) — check --site / --api-url"
        return HttpError(_with_detail(line, detail, status, reason), hint, **extra)
    return HttpError(_with_detail(line, detail, status, reason), **extra)
