"""DatadogClient against a real loopback HTTP server (FakeDatadog), hostile cases included."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time

import pytest

import wfbrowse
from tests.cassettes import INST, INSTANCE_PATH, WF
from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from tests.handlers import cut_mid_body
from tests.resolver import refuse_to_resolve
from wfbrowse.api import ApiResult, DatadogClient
from wfbrowse.credentials import Credentials, from_environment, masked
from wfbrowse.errors import (
    BadRequest,
    ConnectionLost,
    ConnectionRefused,
    DnsError,
    Forbidden,
    HttpError,
    InstanceNotFound,
    InvalidCredentials,
    InvalidResponse,
    MissingCredentials,
    RateLimited,
    RequestTimeout,
    ResponseTooLarge,
    ServerError,
    TlsError,
    Unauthorized,
    UnsafeApiUrl,
    WfError,
    WorkflowNotFound,
)

LIST_PATH = f"/api/v2/workflows/{WF}/instances"
WORKFLOW_PATH = f"/api/v2/workflows/{WF}"
OK_BODY = (
    b'{"data":{"id":"305a472b","attributes":{"instanceStatus":{"detailsKind":"SUCCEEDED"}}}}\n'
)


@pytest.fixture
def server(fake_datadog):
    return fake_datadog


@pytest.fixture
async def client(server, test_credentials):
    c = DatadogClient(server.url, test_credentials, connect_timeout=2.0, read_timeout=5.0)
    yield c
    await c.aclose()


def assert_no_keys(text: str) -> None:
    for key in (TEST_API_KEY, TEST_APP_KEY):
        assert key not in text
        assert key[:12] not in text


def write_json(handler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except OSError:
        # The client hung up on purpose (size cap, timeout): nothing to report from here.
        handler.close_connection = True


def replying(status: int, body: bytes, headers: dict[str, str] | None = None):
    """A handler answering like add_response, but quiet when the client hangs up early."""

    def handler(request, h):
        write_json(h, status, body, headers)
        return True

    return handler


# -- what goes over the wire ---------------------------------------------------------------------
async def test_sends_keys_user_agent_and_accept(server, client):
    server.add_response("GET", INSTANCE_PATH, status=200, body=OK_BODY)
    result = await client.get_instance(WF, INST)
    assert len(server.requests) == 1
    request = server.requests[0]
    assert request.method == "GET"
    assert request.path == INSTANCE_PATH
    assert request.header("DD-API-KEY") == TEST_API_KEY
    assert request.header("DD-APPLICATION-KEY") == TEST_APP_KEY
    assert request.header("User-Agent") == f"wfbrowse/{wfbrowse.__version__}"
    assert request.header("Accept") == "application/json"
    assert "authorization" not in request.headers
    assert isinstance(result, ApiResult)
    assert result.status == 200
    assert result.data["data"]["attributes"]["instanceStatus"]["detailsKind"] == "SUCCEEDED"
    assert result.raw == OK_BODY
    assert result.size == len(OK_BODY)
    assert result.elapsed_ms > 0


async def test_custom_user_agent(server, test_credentials):
    server.add_response("GET", "/api/v1/validate", status=200, body=b'{"valid":true}')
    async with DatadogClient(server.url, test_credentials, user_agent="custom/1") as c:
        result = await c.validate()
    assert result.data == {"valid": True}
    assert server.requests[0].header("user-agent") == "custom/1"


async def test_list_instances_paging_parameters(server, client):
    server.add_response("GET", LIST_PATH, status=200, body=b'{"data":[],"meta":{}}')
    await client.list_instances(WF, page_size=25, page_number=3)
    await client.list_instances(WF)
    assert server.requests[0].query == {"page[size]": ["25"], "page[number]": ["3"]}
    assert server.requests[1].query == {"page[size]": ["50"], "page[number]": ["0"]}


async def test_get_workflow_path(server, client):
    server.add_response("GET", WORKFLOW_PATH, status=200, body=b'{"data":{"id":"w"}}')
    result = await client.get_workflow(WF)
    assert result.data == {"data": {"id": "w"}}
    assert server.requests[0].path == WORKFLOW_PATH


async def test_ids_cannot_change_the_path(server, client):
    with pytest.raises(WfError):
        await client.get_instance("a/../b", "c?x=1#f")
    assert server.requests[0].path == "/api/v2/workflows/a%2F..%2Fb/instances/c%3Fx%3D1%23f"
    assert server.requests[0].query == {}


async def test_keep_alive_reuses_one_connection(server, client):
    ports: list[int] = []

    def handler(request, h):
        ports.append(h.client_address[1])
        write_json(h, 200, b'{"ok":true}')
        return True

    server.add_handler("GET", INSTANCE_PATH, handler)
    for _ in range(3):
        await client.get_instance(WF, INST)
    assert len(ports) == 3
    assert len(set(ports)) == 1


async def test_client_is_created_lazily_and_recreated_after_close(server, client):
    assert client._client is None
    server.add_response("GET", INSTANCE_PATH, status=200, body=OK_BODY)
    await client.get_instance(WF, INST)
    await client.aclose()
    await client.get_instance(WF, INST)
    assert len(server.requests) == 2


def test_importing_the_client_does_not_import_httpx():
    code = "import sys, wfbrowse.api; sys.exit('httpx' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# -- rate limits ---------------------------------------------------------------------------------
async def test_rate_limit_from_success_and_error_in_any_case(server, client):
    seen = []
    client.on_rate_limit = seen.append
    server.add_response(
        "GET",
        INSTANCE_PATH,
        status=200,
        body=OK_BODY,
        headers={"x-ratelimit-remaining": "9", "X-RATELIMIT-LIMIT": "10", "X-RateLimit-Reset": "7"},
        times=1,
    )
    server.add_response(
        "GET",
        INSTANCE_PATH,
        status=500,
        body=b'{"errors":["Internal Server Error"]}',
        headers={"X-RateLimit-Remaining": "8", "X-RateLimit-Name": "workflows_read"},
        times=1,
    )
    result = await client.get_instance(WF, INST)
    assert result.rate_limit is not None
    assert (result.rate_limit.remaining, result.rate_limit.limit) == (9, 10)
    assert client.last_rate_limit is result.rate_limit

    with pytest.raises(ServerError) as caught:
        await client.get_instance(WF, INST)
    assert caught.value.rate_limit is not None
    assert caught.value.rate_limit.remaining == 8
    assert client.last_rate_limit is caught.value.rate_limit
    assert [r.remaining for r in seen] == [9, 8]


async def test_response_without_rate_limit_keeps_the_last_one(server, client):
    server.add_response(
        "GET", INSTANCE_PATH, status=200, body=OK_BODY, headers={"X-RateLimit-Limit": "5"}, times=1
    )
    server.add_response("GET", INSTANCE_PATH, status=200, body=OK_BODY)
    await client.get_instance(WF, INST)
    second = await client.get_instance(WF, INST)
    assert second.rate_limit is None
    assert client.last_rate_limit is not None
    assert client.last_rate_limit.limit == 5


# -- HTTP errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "body", "headers", "cls", "in_message", "in_hint"),
    [
        (401, b'{"errors":["Unauthorized"]}', {}, Unauthorized, "API key rejected", "DD_API_KEY"),
        (
            403,
            b'{"errors":["Forbidden"]}',
            {},
            Forbidden,
            "access denied",
            "Actions API access",
        ),
        (
            404,
            b'{"errors":[{"code":"WORKFLOW_NOT_FOUND","detail":"workflow not found"}]}',
            {},
            WorkflowNotFound,
            "workflow not found",
            "workflow ID",
        ),
        (
            404,
            b'{"errors":[{"code":"INSTANCE_NOT_FOUND","detail":"instance x not found"}]}',
            {},
            InstanceNotFound,
            "instance x not found",
            "few seconds",
        ),
        (
            429,
            b'{"errors":["Too many requests"]}',
            {"X-RateLimit-Reset": "12", "X-RateLimit-Name": "wf", "X-RateLimit-Remaining": "0"},
            RateLimited,
            "rate limited (bucket wf): resets in 12 s",
            "wait",
        ),
        (
            500,
            b'{"errors":["Internal Server Error"]}',
            {},
            ServerError,
            "HTTP 500",
            "try again",
        ),
        (
            502,
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\r\n",
            {"Content-Type": "text/html"},
            ServerError,
            "HTTP 502 Bad Gateway",
            "try again",
        ),
        (
            400,
            b'{"errors":[{"code":"INVALID_FIELD_VALUE","detail":"value x is invalid"}]}',
            {"Content-Type": "text/plain"},
            BadRequest,
            "value x is invalid",
            "UUID",
        ),
    ],
)
async def test_http_error_mapping(server, client, status, body, headers, cls, in_message, in_hint):
    server.add_response("GET", INSTANCE_PATH, status=status, body=body, headers=headers)
    with pytest.raises(cls) as caught:
        await client.get_instance(WF, INST)
    error = caught.value
    assert type(error) is cls
    assert error.status == status
    assert in_message in error.message
    assert in_hint in error.hint
    assert "\n" not in error.one_line()
    assert_no_keys(str(error) + repr(error))
    assert error.__cause__ is None


async def test_bare_404_on_workflow_endpoint(server, client):
    server.add_response("GET", WORKFLOW_PATH, status=404, body=b"")
    with pytest.raises(WorkflowNotFound):
        await client.get_workflow(WF)


async def test_redirect_is_not_followed(server, client):
    server.add_response(
        "GET", INSTANCE_PATH, status=302, headers={"Location": f"{server.url}/elsewhere"}
    )
    with pytest.raises(HttpError) as caught:
        await client.get_instance(WF, INST)
    assert "302" in caught.value.message
    assert [r.path for r in server.requests] == [INSTANCE_PATH]


async def test_server_echoing_a_key_is_redacted(server, client):
    body = json.dumps({"errors": [{"detail": f"bad key {TEST_API_KEY}"}]}).encode()
    server.add_response("GET", INSTANCE_PATH, status=400, body=body)
    with pytest.raises(BadRequest) as caught:
        await client.get_instance(WF, INST)
    assert_no_keys(str(caught.value) + repr(caught.value) + caught.value.message)
    assert "bad key" in caught.value.message


async def test_big_error_body_is_only_read_in_part(server, client):
    body = b"<html><head><title>Maintenance</title></head>" + b"x" * (5 * 1024 * 1024)
    server.add_handler("GET", INSTANCE_PATH, replying(503, body, {"Content-Type": "text/html"}))
    with pytest.raises(ServerError) as caught:
        await client.get_instance(WF, INST)
    assert caught.value.message.endswith(": Maintenance")


# -- bad bodies on success -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "in_message"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b'{"data": {"id": "x", "attributes": {"instanceSt', "truncated"),
        (b"[1, 2]", "array"),
        (b"null", "null"),
        (b'"text"', "string"),
        (b"42", "number"),
        (b'{"data": "caf\xe9"}', "UTF-8"),
        (b"<html><title>Sign in to the proxy</title></html>", "Sign in to the proxy"),
        (b"hello, not json", "not valid JSON"),
    ],
)
async def test_invalid_success_bodies(server, client, body, in_message):
    server.add_response("GET", INSTANCE_PATH, status=200, body=body)
    with pytest.raises(InvalidResponse) as caught:
        await client.get_instance(WF, INST)
    assert in_message in caught.value.message
    assert "\n" not in caught.value.one_line()


async def test_bom_and_text_plain_are_accepted(server, client):
    body = "\ufeff".encode() + b'{"a": 1}'
    server.add_response(
        "GET", INSTANCE_PATH, status=200, body=body, headers={"Content-Type": "text/plain"}
    )
    result = await client.get_instance(WF, INST)
    assert result.data == {"a": 1}


@pytest.mark.parametrize("size", ["small", "large"])  # parsed inline, and in a thread
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"n": 123456789012345678901234567891}', {"n": 123456789012345678901234567891}),
        (b'{"s": "\\ud800"}', {"s": "\ud800"}),  # a lone surrogate, legal in JSON
        (b'{"a": [1.5, true, null, "\xc3\xa9"]}', {"a": [1.5, True, None, "\u00e9"]}),
    ],
)
async def test_json_the_fast_parser_refuses_still_parses(server, client, body, expected, size):
    if size == "large":
        body = body[:-1] + b', "pad": "' + b"x" * (1024 * 1024) + b'"}'
        expected = {**expected, "pad": "x" * (1024 * 1024)}
    server.add_response("GET", INSTANCE_PATH, status=200, body=body)
    result = await client.get_instance(WF, INST)
    assert result.data == expected


async def test_json_nested_too_deep_is_a_clear_error(server, client):
    depth = 5000
    server.add_response(
        "GET", INSTANCE_PATH, status=200, body=b'{"a":' * depth + b"1" + b"}" * depth
    )
    with pytest.raises(InvalidResponse) as caught:
        await client.get_instance(WF, INST)
    assert "nested too deeply" in caught.value.message


async def test_large_body_parsed_off_the_event_loop(server, client):
    payload = {"data": {"items": ["x" * 100] * 20_000}}
    body = json.dumps(payload).encode()
    assert len(body) > 1024 * 1024
    server.add_response("GET", INSTANCE_PATH, status=200, body=body)
    result = await client.get_instance(WF, INST)
    assert result.data == payload
    assert result.size == len(body)


async def test_body_over_cap_with_content_length(server, test_credentials):
    server.add_handler("GET", INSTANCE_PATH, replying(200, b"{" + b" " * 10_000 + b"}"))
    async with DatadogClient(server.url, test_credentials, max_body_bytes=1000) as c:
        with pytest.raises(ResponseTooLarge) as caught:
            await c.get_instance(WF, INST)
    assert "limit 1,000 bytes" in caught.value.message


async def test_body_over_cap_is_not_read_whole(server, test_credentials):
    # A chunked body that passes the cap and then never ends: reading it whole would hang
    # until the read timeout, stopping at the cap answers at once.
    release = threading.Event()
    chunk = b"[" + b"0," * 499 + b"0]"
    opening = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(5))
    assert len(chunk) * 5 > 2 * 2000

    def handler(request, h):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        with contextlib.suppress(OSError):
            h.wfile.write(opening)
        release.wait(10)  # the socket stays open: the body has not ended
        h.close_connection = True
        return True

    server.add_handler("GET", INSTANCE_PATH, handler)
    try:
        async with DatadogClient(
            server.url, test_credentials, max_body_bytes=2000, read_timeout=5.0
        ) as c:
            started = time.monotonic()
            with pytest.raises(ResponseTooLarge) as caught:
                await c.get_instance(WF, INST)
            assert time.monotonic() - started < 2.0
    finally:
        release.set()
    assert "over 2,000 bytes" in caught.value.message


# -- transport failures --------------------------------------------------------------------------
async def test_connection_refused(test_credentials):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    async with DatadogClient(f"http://127.0.0.1:{port}", test_credentials) as c:
        with pytest.raises(ConnectionRefused) as caught:
            await c.get_instance(WF, INST)
    error = caught.value
    assert f"127.0.0.1:{port}" in error.message
    assert "is the server running" in error.hint
    assert "--api-url" in error.hint
    assert error.__cause__ is None
    assert error.__context__ is None


async def test_read_timeout(server, test_credentials):
    def slow(request, h):
        time.sleep(1.0)
        write_json(h, 200, b"{}")
        return True

    server.add_handler("GET", INSTANCE_PATH, slow)
    async with DatadogClient(server.url, test_credentials, read_timeout=0.3) as c:
        started = time.monotonic()
        with pytest.raises(RequestTimeout) as caught:
            await c.get_instance(WF, INST)
    assert time.monotonic() - started < 0.9
    assert "0.3 s" in caught.value.message
    assert caught.value.__context__ is None


@pytest.mark.parametrize("how", ["close", "reset"])
async def test_connection_lost_mid_body(server, client, how):
    server.add_handler("GET", INSTANCE_PATH, cut_mid_body(how))
    with pytest.raises(ConnectionLost) as caught:
        await client.get_instance(WF, INST)
    assert "lost" in caught.value.message
    assert caught.value.__context__ is None


async def test_dns_failure(test_credentials, monkeypatch):
    asked = refuse_to_resolve(monkeypatch, "api.wfbrowse-test.invalid")
    async with DatadogClient("http://api.wfbrowse-test.invalid:9", test_credentials) as c:
        with pytest.raises(DnsError) as caught:
            await c.get_instance(WF, INST)
    assert asked == ["api.wfbrowse-test.invalid"]  # answered here, not by a name server
    assert "api.wfbrowse-test.invalid" in caught.value.message
    assert "--site" in caught.value.hint


async def test_tls_error_talking_https_to_plain_http(server, test_credentials):
    url = server.url.replace("http://", "https://")
    async with DatadogClient(url, test_credentials) as c:
        with pytest.raises(TlsError) as caught:
            await c.get_instance(WF, INST)
    assert "TLS" in caught.value.message
    assert caught.value.__context__ is None


# -- credentials ---------------------------------------------------------------------------------
async def test_missing_credentials_sends_nothing(server):
    async with DatadogClient(server.url, None) as c:
        with pytest.raises(MissingCredentials) as caught:
            await c.get_instance(WF, INST)
        assert c._client is None
    assert server.requests == []
    assert "DD_API_KEY" in caught.value.hint
    assert "DD_APP_KEY" in caught.value.hint


async def test_unsendable_key_is_refused_before_sending(server):
    secret = "abcdefgh12345678\nX-Evil: 1"
    creds = Credentials(secret, TEST_APP_KEY, "test")
    async with DatadogClient(server.url, creds) as c:
        with pytest.raises(InvalidCredentials) as caught:
            await c.validate()
    assert isinstance(caught.value, MissingCredentials)
    assert server.requests == []
    assert "abcdefgh" not in str(caught.value)


async def test_credentials_can_be_replaced(server, client):
    server.add_response("GET", "/api/v1/validate", status=200, body=b'{"valid":true}')
    client.credentials = Credentials("other-api-key-111111", "other-app-key-222222", "test")
    await client.validate()
    assert server.requests[0].header("dd-api-key") == "other-api-key-111111"


async def test_reprs_and_messages_never_show_keys(server, client, test_credentials):
    assert_no_keys(repr(client))
    assert_no_keys(str(client))
    assert_no_keys(repr(test_credentials))
    assert_no_keys(str(test_credentials))
    assert TEST_API_KEY[-4:] in repr(test_credentials)
    server.add_response("GET", INSTANCE_PATH, status=200, body=OK_BODY)
    result = await client.get_instance(WF, INST)
    assert_no_keys(repr(result))
    assert_no_keys(repr(client))


# -- credentials from the environment ------------------------------------------------------------
def test_from_environment_reads_and_strips():
    creds = from_environment({"DD_API_KEY": f"  {TEST_API_KEY}\n", "DD_APP_KEY": TEST_APP_KEY})
    assert creds == Credentials(TEST_API_KEY, TEST_APP_KEY, "environment")


def test_from_environment_accepts_application_key_name():
    creds = from_environment({"DD_API_KEY": "a" * 32, "DD_APPLICATION_KEY": "b" * 40})
    assert creds is not None
    assert creds.app_key == "b" * 40
    blank_short_name = {"DD_API_KEY": "a" * 32, "DD_APP_KEY": " ", "DD_APPLICATION_KEY": "c" * 40}
    assert from_environment(blank_short_name).app_key == "c" * 40


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"DD_API_KEY": "a" * 32},
        {"DD_APP_KEY": "b" * 40},
        {"DD_API_KEY": " ", "DD_APP_KEY": "b"},
    ],
)
def test_from_environment_needs_both(environ):
    assert from_environment(environ) is None


def test_from_environment_defaults_to_os_environ(monkeypatch):
    monkeypatch.setenv("DD_API_KEY", TEST_API_KEY)
    monkeypatch.setenv("DD_APP_KEY", TEST_APP_KEY)
    creds = from_environment()
    assert creds is not None
    assert creds.api_key == TEST_API_KEY


def test_masked():
    assert masked("0123456789abcdef") == "…cdef"
    assert masked("short") == "…"
    assert masked("") == "(empty)"


# -- a broken environment ------------------------------------------------------------------------
# The environment (proxies, CA file) only applies to real Datadog hosts: these two use one, with
# name resolution refused, so that nothing could leave the machine even if a request were sent.
async def test_missing_ca_file(test_credentials, monkeypatch, tmp_path):
    asked = refuse_to_resolve(monkeypatch, "api.datadoghq.com")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    async with DatadogClient("https://api.datadoghq.com", test_credentials) as client:
        with pytest.raises(TlsError) as caught:
            await client.validate()
    assert "SSL_CERT_FILE" in caught.value.hint
    assert asked == []  # refused while setting up, before any connection


async def test_bad_proxy_setting_is_not_quoted(test_credentials, monkeypatch):
    asked = refuse_to_resolve(monkeypatch, "api.datadoghq.com")
    monkeypatch.setenv("HTTPS_PROXY", "ftp://proxyuser:proxysecret@proxy.example:21")
    async with DatadogClient("https://api.datadoghq.com", test_credentials) as client:
        with pytest.raises(WfError) as caught:
            await client.validate()
    assert "HTTPS_PROXY" in caught.value.hint or "proxy" in caught.value.hint.lower()
    assert "proxysecret" not in str(caught.value)
    assert asked == []


async def test_proxies_are_not_used_for_loopback(server, client, monkeypatch):
    """The demo and local servers stay reachable behind a corporate proxy setting."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    server.add_response("GET", "/api/v1/validate", status=200, body='{"valid": true}')
    result = await client.validate()
    assert result.data == {"valid": True}


async def test_unusable_base_url(test_credentials):
    async with DatadogClient("http://[::1", test_credentials) as c:
        with pytest.raises(UnsafeApiUrl):
            await c.validate()
    async with DatadogClient("ftp://127.0.0.1:9", test_credentials) as c:
        with pytest.raises(UnsafeApiUrl):
            await c.validate()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_tls_error_for_an_untrusted_certificate(test_credentials, tmp_path):
    # What a TLS-intercepting corporate proxy looks like: a certificate nobody here trusts.
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    command = [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
    ]
    subprocess.run([*command, "-keyout", key, "-out", cert], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def accept_once():
        conn, _ = listener.accept()
        with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True):
            pass

    thread = threading.Thread(target=accept_once, daemon=True)
    thread.start()
    try:
        async with DatadogClient(f"https://127.0.0.1:{port}", test_credentials) as c:
            with pytest.raises(TlsError) as caught:
                await c.validate()
    finally:
        listener.close()
        thread.join(timeout=5)
    assert "certificate verify failed" in caught.value.message
    assert "SSL_CERT_FILE" in caught.value.hint


async def test_after_a_429_nothing_is_sent_before_the_reset(server, client):
    server.add_response(
        "GET",
        INSTANCE_PATH,
        status=429,
        body='{"errors":["Too many requests"]}',
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30", "X-RateLimit-Limit": "5"},
    )
    with pytest.raises(RateLimited):
        await client.get_instance(WF, INST)
    with pytest.raises(RateLimited) as caught:
        await client.validate()  # any request, any endpoint
    assert "nothing is sent" in caught.value.message
    assert len(server.requests) == 1  # the second one never left


async def test_a_body_trickling_past_the_deadline_is_cut_with_what_arrived(
    server, test_credentials
) -> None:
    """Each byte comes well within the read timeout, so only the whole-request deadline can
    stop it."""
    import time as clock

    def trickle(request, handler) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b'{"data": "')
        with contextlib.suppress(OSError):
            for _ in range(200):
                handler.wfile.write(b"x" * 100)
                handler.wfile.flush()
                clock.sleep(0.05)
        return True

    server.add_handler("GET", INSTANCE_PATH, trickle)
    async with DatadogClient(server.url, test_credentials, read_timeout=5, deadline=1.0) as c:
        started = clock.monotonic()
        with pytest.raises(RequestTimeout) as caught:
            await c.get_instance(WF, INST)
        assert clock.monotonic() - started < 3
    message = caught.value.one_line()
    assert "took longer than 1 s" in message
    assert " bytes received" in message
    assert "--timeout" in message
