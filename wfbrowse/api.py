"""The Datadog Workflow Automation API client: one pooled HTTP client for the app's life.

Every failure leaves this module as a `WfError` (see errors.py): no httpx exception, no
traceback, and no request header in any message. httpx is imported on first use, so that
`wfbrowse --help` and the other fast paths never pay for it. Nothing is retried here: whether
to wait and try again is the app's call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import wfbrowse
from wfbrowse.bounded_decoding import (
    ACCEPT_ENCODING,
    BoundedDecoder,
    EncodingError,
    UnsupportedEncoding,
)
from wfbrowse.debuglog import HttpTrace
from wfbrowse.errors import (
    ConnectFailed,
    ConnectionLost,
    ConnectionRefused,
    DnsError,
    Endpoint,
    HttpError,
    InvalidCredentials,
    InvalidResponse,
    MissingCredentials,
    RateLimited,
    RequestTimeout,
    ResponseTooLarge,
    TlsError,
    UnsafeApiUrl,
    WfError,
    error_from_response,
    parse_error_body,
)
from wfbrowse.jsonload import MAX_NESTING, is_blank, json_kind, loads_exact
from wfbrowse.ratelimit import RateLimit
from wfbrowse.sites import is_loopback_url
from wfbrowse.textsafe import escape_controls
from wfbrowse.watch import RateGate

if TYPE_CHECKING:
    import httpx

    from wfbrowse.credentials import Credentials

# An error body is only read for its message: its start is enough, whatever the size cap.
_ERROR_BODY_LIMIT = 64 * 1024
# Bodies above this are parsed in a worker thread so the UI keeps drawing meanwhile.
_THREAD_PARSE_THRESHOLD = 1024 * 1024


@dataclass(frozen=True)
class ApiResult:
    """A successful response: the parsed object and what it cost."""

    data: dict[str, Any]
    status: int
    elapsed_ms: float
    size: int  # bytes of body
    rate_limit: RateLimit | None
    raw: bytes  # the exact body bytes (after any content-encoding is undone)


class DatadogClient:
    """Talks to one Datadog API base URL with one set of keys."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        deadline: float = 120.0,
        max_body_bytes: int = 64 * 1024 * 1024,
        user_agent: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._credentials = credentials
        self.connect_timeout = connect_timeout
        # The most one request may take, body included: a server that trickles its answer a
        # byte at a time never trips the read timeout, which only bounds each wait. No single
        # wait may be longer than the whole.
        self.deadline = deadline
        self.read_timeout = min(read_timeout, deadline)
        self.max_body_bytes = max_body_bytes
        self.user_agent = user_agent or f"wfbrowse/{wfbrowse.__version__}"
        self.last_rate_limit: RateLimit | None = None
        self.gate = RateGate()  # shared by every request this client sends
        self.on_rate_limit: Callable[[RateLimit], None] | None = None
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"DatadogClient(base_url={self.base_url!r}, credentials={self._credentials!r})"

    @property
    def credentials(self) -> Credentials | None:
        return self._credentials

    @credentials.setter
    def credentials(self, value: Credentials | None) -> None:
        # Keys are sent per request, so new keys apply from the next request on, same pool.
        self._credentials = value

    # -- endpoints -----------------------------------------------------------------------------
    async def get_instance(self, workflow_id: str, instance_id: str) -> ApiResult:
        path = f"/api/v2/workflows/{_seg(workflow_id)}/instances/{_seg(instance_id)}"
        return await self._request(path, endpoint="instance")

    async def list_instances(
        self, workflow_id: str, *, page_size: int = 50, page_number: int = 0
    ) -> ApiResult:
        params = {"page[size]": str(page_size), "page[number]": str(page_number)}
        path = f"/api/v2/workflows/{_seg(workflow_id)}/instances"
        return await self._request(path, endpoint="instances", params=params)

    async def get_workflow(self, workflow_id: str) -> ApiResult:
        return await self._request(f"/api/v2/workflows/{_seg(workflow_id)}", endpoint="workflow")

    async def validate(self) -> ApiResult:
        return await self._request("/api/v1/validate", endpoint="validate")

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def __aenter__(self) -> DatadogClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- plumbing ------------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            failure: WfError | None = None
            try:
                self._client = self._new_client()
            except (httpx.InvalidURL, OSError, ValueError) as exc:
                failure = _setup_error(exc, self.base_url)
            if failure is not None:
                raise failure
        assert self._client is not None
        return self._client

    def _new_client(self) -> httpx.AsyncClient:
        import httpx

        return httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(
                connect=self.connect_timeout,
                read=self.read_timeout,
                write=self.read_timeout,
                pool=self.connect_timeout,
            ),
            # HTTPS_PROXY, SSL_CERT_FILE and friends work as users expect, except towards
            # loopback (the demo, a local test server), which no proxy can reach for us.
            trust_env=not is_loopback_url(self.base_url),
            follow_redirects=False,  # a redirect would carry the keys to another host
            headers={
                "User-Agent": self.user_agent,
                "Accept": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,  # what bounded_decoding undoes
            },
        )

    def _auth_headers(self) -> dict[str, str]:
        creds = self._credentials
        if creds is None:
            raise MissingCredentials()
        for key in (creds.api_key, creds.app_key):
            # httpx would raise with the offending value in its message: refuse first.
            if not key or not key.isascii() or not key.isprintable():
                raise InvalidCredentials()
        return {"DD-API-KEY": creds.api_key, "DD-APPLICATION-KEY": creds.app_key}

    async def cancel_instance(self, workflow_id: str, instance_id: str) -> ApiResult:
        """PUT .../cancel, sent once: the caller decides about any retry (none, for a write)."""
        path = f"/api/v2/workflows/{_seg(workflow_id)}/instances/{_seg(instance_id)}/cancel"
        return await self._request(path, endpoint="cancel", method="PUT")

    async def _request(
        self,
        path: str,
        *,
        endpoint: Endpoint,
        params: dict[str, str] | None = None,
        method: str = "GET",
    ) -> ApiResult:
        headers = self._auth_headers()
        # After a 429, or with the budget spent, nothing goes out before the reset: the
        # request is answered here, without being sent.
        wait = self.gate.wait_needed(time.monotonic())
        if wait > 0:
            raise RateLimited(
                f"rate limited: nothing is sent for {math.ceil(wait)} s, until the limit resets",
                "try again after that",
                rate_limit=self.last_rate_limit,
            )
        # None unless the debug log is on (--log): then this request and its answer go there.
        trace = HttpTrace.begin(method, self.base_url + path, headers, headers.values())
        received = _Received()
        try:
            try:
                result = await asyncio.wait_for(
                    self._send(method, path, headers, params, endpoint, trace, received),
                    self.deadline,
                )
            except asyncio.TimeoutError:
                raise RequestTimeout(
                    f"the answer from {self._where()} took longer than {self.deadline:g} s "
                    f"({_mib(received.size)} received)",
                    "the server or the network is very slow — try again later, or allow "
                    "more time with --timeout",
                ) from None
        except WfError as error:
            self.gate.note(error.rate_limit, status=error.status or 0, now=time.monotonic())
            if self._credentials is not None:
                error.redact((self._credentials.api_key, self._credentials.app_key))
            if trace is not None:
                trace.failed(error, error.status)
            raise
        self.gate.note(result.rate_limit, status=result.status, now=time.monotonic())
        if trace is not None:
            trace.succeeded(result.status, result.size)
        return result

    async def _send(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        params: dict[str, str] | None,
        endpoint: Endpoint,
        trace: HttpTrace | None = None,
        received: _Received | None = None,
    ) -> ApiResult:
        import httpx

        client = self._http()
        failure: WfError | None = None
        started = time.perf_counter()
        answered = False  # a status line and headers came back
        try:
            async with client.stream(method, path, params=params, headers=headers) as response:
                answered = True
                if trace is not None:
                    request = response.request
                    trace.exchanged(
                        str(request.url),
                        request.headers.multi_items(),
                        response.headers.multi_items(),
                    )
                rate_limit = self._note_rate_limit(response.headers.multi_items())
                status = response.status_code
                if not 200 <= status <= 299:
                    body = await _read_prefix(response, _ERROR_BODY_LIMIT)
                    raise error_from_response(
                        status,
                        response.reason_phrase,
                        body,
                        endpoint=endpoint,
                        rate_limit=rate_limit,
                    )
                body = await _read_capped(response, self.max_body_bytes, received)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError) as exc:
            # Mapped here but raised below, outside this block, so the httpx exception (whose
            # frames hold the request and its headers) is neither chained nor kept as context.
            failure = self._map_exception(exc, answered=answered)
        if failure is not None:
            raise failure
        elapsed_ms = (time.perf_counter() - started) * 1000
        data = await _parse_object(body, status)
        return ApiResult(data, status, elapsed_ms, len(body), rate_limit, body)

    def _note_rate_limit(self, headers: list[tuple[str, str]]) -> RateLimit | None:
        rate_limit = RateLimit.from_headers(headers)
        if rate_limit is not None:
            self.last_rate_limit = rate_limit
            if self.on_rate_limit is not None:
                self.on_rate_limit(rate_limit)
        return rate_limit

    def _where(self) -> str:
        parts = urlsplit(self.base_url)
        host = parts.hostname or "?"
        if ":" in host:
            host = f"[{host}]"  # an IPv6 literal, written as in a URL
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return f"{host}:{port}"

    def _map_exception(self, exc: BaseException, *, answered: bool = True) -> WfError:
        import httpx

        where = self._where()
        if isinstance(exc, httpx.TimeoutException):
            return _timeout_error(exc, where, self.connect_timeout, self.read_timeout)
        if isinstance(exc, httpx.ConnectError):
            return _connect_error(exc, where)
        if (
            isinstance(exc, httpx.RemoteProtocolError)
            and not answered
            # (h11's words for a connection closed before a single byte: that one may be a
            # busy server or proxy, and trying again can help.)
            and "without sending a response" not in str(exc)
        ):
            # Bytes came back, but no HTTP answer (an SSH banner, a TLS alert, garbage): no
            # retry helps, the address is wrong.
            return InvalidResponse(
                f"{where} did not answer in HTTP",
                "check --api-url / --site: something other than an HTTP server is there",
            )
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            return ConnectionLost(f"connection to {where} lost while reading the response")
        if isinstance(exc, httpx.ProxyError):
            return ConnectFailed(
                f"the proxy refused the connection to {where}", "check HTTPS_PROXY / HTTP_PROXY"
            )
        if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
            return UnsafeApiUrl(f"unusable API URL {self.base_url!r}")
        if isinstance(exc, httpx.DecodingError):
            return InvalidResponse("the response's content-encoding could not be decoded")
        if isinstance(exc, OSError) and not isinstance(exc, httpx.HTTPError):
            return ConnectFailed(f"cannot talk to {where}: {escape_controls(exc.strerror or '')}")
        return HttpError(f"request to {where} failed ({type(exc).__name__})")


def _setup_error(exc: Exception, base_url: str) -> WfError:
    """Why the HTTP client could not even be built: the environment or the URL is off."""
    import httpx

    if isinstance(exc, httpx.InvalidURL):
        return UnsafeApiUrl(f"unusable API URL {base_url!r}")
    if isinstance(exc, OSError):
        reason = escape_controls(exc.strerror or type(exc).__name__)
        return TlsError(
            f"cannot load the CA certificates: {reason}",
            "fix or unset SSL_CERT_FILE / SSL_CERT_DIR",
        )
    # Typically a proxy URL with an unknown scheme. Its text is not quoted: proxy URLs can
    # carry a user name and password.
    return ConnectFailed(
        "invalid proxy setting in the environment", "check HTTP_PROXY / HTTPS_PROXY / ALL_PROXY"
    )


def _seg(value: str) -> str:
    """One path segment: a pasted "abc/../x" or "id?x=y" must not change which URL is asked."""
    return quote(value.strip(), safe="")


def _decoder(response: httpx.Response) -> BoundedDecoder:
    try:
        return BoundedDecoder(response.headers.get("content-encoding", ""))
    except UnsupportedEncoding as error:
        raise InvalidResponse(
            f"the response's content-encoding is not supported: {error}"
        ) from None


async def _decoded(response: httpx.Response, room: Callable[[], int]) -> AsyncIterator[bytes]:
    """The body, its content-encoding undone (see bounded_decoding): each piece at most one
    byte over `room()`, the room the caller has left when it asks for the next piece."""
    decoder = _decoder(response)
    try:
        async for chunk in response.aiter_raw():
            piece = decoder.feed(chunk, room())
            if piece:
                yield piece
        rest = decoder.finish(room())
    except EncodingError:
        raise InvalidResponse("the response's content-encoding could not be decoded") from None
    if rest:
        yield rest


async def _read_prefix(response: httpx.Response, limit: int) -> bytes:
    """Up to `limit` bytes of the body; the rest is left unread (the connection is dropped)."""
    chunks: list[bytes] = []
    counter = _Received()
    with contextlib.suppress(InvalidResponse):  # an error page's status says enough alone
        async for chunk in _decoded(response, lambda: limit - counter.size):
            chunks.append(chunk)
            counter.size += len(chunk)
            if counter.size >= limit:
                break
    return b"".join(chunks)[:limit]


class _Received:
    """How much of a body has arrived (for the message when the deadline passes)."""

    size = 0


async def _read_capped(
    response: httpx.Response, limit: int, received: _Received | None = None
) -> bytes:
    """The whole body, or ResponseTooLarge as soon as it is known to be over `limit`."""
    declared = response.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise ResponseTooLarge(_too_large_message(int(declared), limit, declared=True))
    chunks: list[bytes] = []
    counter = received or _Received()
    async for chunk in _decoded(response, lambda: limit - counter.size):
        counter.size += len(chunk)
        if counter.size > limit:
            raise ResponseTooLarge(_too_large_message(counter.size, limit, declared=False))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large_message(size: int, limit: int, *, declared: bool) -> str:
    amount = f"{_mib(size)}" if declared else f"over {_mib(limit)}"
    return f"response too large: {amount} (limit {_mib(limit)})"


def _mib(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MiB"


async def _parse_object(body: bytes, status: int) -> dict[str, Any]:
    """The body as a JSON object, checked strictly (the content-type is not trusted)."""
    if is_blank(body):
        raise InvalidResponse(f"empty response body (HTTP {status})")
    try:
        if len(body) > _THREAD_PARSE_THRESHOLD:
            data = await asyncio.to_thread(loads_exact, body)
        else:
            data = loads_exact(body)
    except UnicodeDecodeError:
        raise InvalidResponse("the response is not valid UTF-8") from None
    except RecursionError:
        raise InvalidResponse(
            f"the response JSON is nested too deeply (over {MAX_NESTING:,} levels)"
        ) from None
    except ValueError as exc:
        text = body.decode("utf-8", "replace").removeprefix("\ufeff")
        raise InvalidResponse(_not_json_message(text, exc)) from None
    if not isinstance(data, dict):
        raise InvalidResponse(f"expected a JSON object, got {json_kind(data)}")
    return data


def _not_json_message(text: str, exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError) and (
        exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
    ):
        # The body ended early (the length was right, the JSON was cut before it was sent).
        return "the response JSON is truncated"
    if isinstance(exc, json.JSONDecodeError) and (
        exc.msg.startswith("number ") or exc.msg.endswith("is not a JSON value")
    ):
        # What jsonload refuses although `json` would read it: NaN, 1e400, 5,000 digits.
        return f"the response JSON holds what cannot be shown exactly: {escape_controls(exc.msg)}"
    _, detail = parse_error_body(text.encode())
    if detail and text.lstrip()[:1] == "<":
        # A captive portal or a proxy's page answering 200 in the API's place.
        return f"expected JSON, got an HTML page: {detail}"
    return "the response is not valid JSON"


def _timeout_error(exc: BaseException, where: str, connect: float, read: float) -> RequestTimeout:
    import httpx

    if isinstance(exc, httpx.ConnectTimeout):
        return RequestTimeout(f"connecting to {where} timed out after {connect:g} s")
    if isinstance(exc, httpx.PoolTimeout):
        return RequestTimeout(f"no free connection to {where} within {connect:g} s")
    if isinstance(exc, httpx.WriteTimeout):
        return RequestTimeout(f"sending the request to {where} timed out after {read:g} s")
    return RequestTimeout(f"no answer from {where} within {read:g} s")


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and contexts, and the members of any exception group."""
    seen: list[BaseException] = []
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        for nested in (current.__cause__, current.__context__):
            if nested is not None:
                pending.append(nested)
        members = getattr(current, "exceptions", None)
        if isinstance(members, (list, tuple)):
            pending.extend(m for m in members if isinstance(m, BaseException))
    return seen


def _connect_error(exc: BaseException, where: str) -> WfError:
    import ssl  # loaded by httpx already; imported here to keep this module light

    causes = _causes(exc)
    host = where.rsplit(":", 1)[0]
    if any(isinstance(c, socket.gaierror) for c in causes):
        return DnsError(f"cannot resolve host {host}")
    for cause in causes:
        if isinstance(cause, ssl.SSLError):
            return TlsError(f"TLS error talking to {where}: {_tls_reason(cause)}")
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return ConnectionRefused(f"connection refused by {where}")
    reason = next(
        (c.strerror for c in causes if isinstance(c, OSError) and c.strerror), "connection failed"
    )
    return ConnectFailed(f"cannot connect to {where}: {escape_controls(reason)}")


def _tls_reason(error: OSError) -> str:
    # "certificate verify failed: self-signed certificate in certificate chain" says the most;
    # otherwise OpenSSL's short reason code ("WRONG_VERSION_NUMBER").
    verify = getattr(error, "verify_message", None)
    if verify:
        return escape_controls(f"certificate verify failed: {verify}")
    return escape_controls(str(getattr(error, "reason", None) or type(error).__name__))
