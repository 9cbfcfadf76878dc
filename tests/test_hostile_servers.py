"""Hostile and broken servers, as the user sees them in the app.

Every case first loads a good run (so a tree is on screen), then fetches another instance
from a server that misbehaves, and checks what a person would: one line in the status bar
saying what happened and what to do, no traceback, the previous run still on screen, and an
app that still answers (the cursor moves, and the good run can be fetched again).

Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from tests.cassettes import INST, INSTANCE_PATH, WF, load_interaction
from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from tests.handlers import Handler, cut_mid_body, headers_then, no_delay
from tests.screen import screen_text, settle
from wfbrowse.api import DatadogClient
from wfbrowse.credentials import Credentials
from wfbrowse.demo.server import FakeDatadog, RecordedRequest
from wfbrowse.errors import RateLimited
from wfbrowse.ratelimit import MAX_COUNT, MAX_RESET, RateLimit
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.status_bar import StatusBar
from wfbrowse.watch import MAX_BLOCK, RateGate, WatchPolicy

OTHER = "11111111-2222-4333-8444-555555555555"  # the hostile answer
OTHER_PATH = f"/api/v2/workflows/{WF}/instances/{OTHER}"
GOOD_BODY = load_interaction("test_get_a_workflow_instance_returns_ok_response").body
SIZE = (160, 40)
MIB = 1024 * 1024


# -- what the user sees --------------------------------------------------------------------------
def tree_lines(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if line.startswith((" ▾", " ▸", " │"))]


def path_line(app: WfBrowseApp) -> str:
    """The line under the tree: the jq path of the row under the cursor."""
    lines = [line.strip() for line in screen_text(app).splitlines()]
    return next((line for line in reversed(lines) if line.startswith(".")), "")


def facts_line(app: WfBrowseApp) -> str:
    """The status bar's second line: site, keys, last request, rate limit."""
    return next(line for line in screen_text(app).splitlines() if "site US1 via" in line)


def assert_one_line_error(app: WfBrowseApp, *expected: str) -> str:
    """The status bar holds one error line saying what happened — and what to do."""
    status = app.query_one(StatusBar)
    message = status.message
    assert status.message_kind == "error", message
    assert "\n" not in message and "\r" not in message
    assert message == message.strip() and message
    happened, dash, todo = message.partition(" — ")
    assert dash and happened and todo, f"no hint in {message!r}"
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    screen = screen_text(app)
    assert "Traceback" not in screen and 'File "' not in screen
    # The bar shows it, marked as an error (the start of it: a long one is cut at the width).
    assert f"✖ {message[:60]}" in screen
    return message


async def fetch(app: WfBrowseApp, pilot: Any, instance_id: str) -> None:
    app.query_one("#instance", Input).value = instance_id
    await pilot.press("ctrl+r")
    await settle(app, pilot)


async def load_good_run(app: WfBrowseApp, pilot: Any) -> list[str]:
    app.query_one("#workflow", Input).value = WF
    await fetch(app, pilot, INST)
    screen = screen_text(app)
    assert "● Canceled" in screen
    assert "▾ data: {4 keys}" in screen
    return tree_lines(screen)


async def assert_good_run_kept_and_app_alive(
    app: WfBrowseApp, pilot: Any, before: list[str], *, refetch: bool = True
) -> None:
    screen = screen_text(app)
    assert tree_lines(screen) == before
    assert "● Canceled" in screen and "Max Jul 24 2024 02:38" in screen
    assert app.return_code is None  # still running
    # The tree still answers keys.
    await pilot.press("ctrl+t", "g", "j")
    await pilot.pause()
    assert path_line(app) == ".data.attributes"
    await pilot.press("h")  # fold attributes
    await pilot.pause()
    assert "▸ attributes: {8 keys}" in screen_text(app)
    await pilot.press("l")
    await pilot.pause()
    if refetch:
        await fetch(app, pilot, INST)
        status = app.query_one(StatusBar)
        assert status.message_kind == "info"
        assert f"loaded instance {INST}" in screen_text(app)
        assert tree_lines(screen_text(app)) == before


def good_handler(request: RecordedRequest, h: BaseHTTPRequestHandler) -> bool:
    """The recorded run, on a connection closed afterwards (so no pooled connection outlives
    a server stopped on purpose)."""
    no_delay(h)
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(GOOD_BODY)))
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(GOOD_BODY)
    h.close_connection = True
    return True


# -- hostile answers -----------------------------------------------------------------------------
def reply(
    status: int, body: bytes, content_type: str = "application/json", encoding: str = ""
) -> Handler:
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
    if encoding:
        headers["Content-Encoding"] = encoding

    def handler(request: RecordedRequest, h: BaseHTTPRequestHandler) -> bool:
        headers_then(h, status, headers)
        with contextlib.suppress(OSError):
            h.wfile.write(body)
        return True

    return handler


def raw_bytes(data: bytes) -> Handler:
    """Not HTTP at all: these bytes, then the connection closed."""

    def handler(request: RecordedRequest, h: BaseHTTPRequestHandler) -> bool:
        with contextlib.suppress(OSError):
            h.wfile.write(data)
        h.close_connection = True
        return True

    return handler


def trickle(body: bytes, piece: int, pause: float) -> Handler:
    """The body `piece` bytes at a time, `pause` seconds apart: each wait is far shorter than
    any read timeout. Stops when the client hangs up."""

    def handler(request: RecordedRequest, h: BaseHTTPRequestHandler) -> bool:
        headers_then(h, 200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
        try:
            for start in range(0, len(body), piece):
                h.wfile.write(body[start : start + piece])
                time.sleep(pause)
        except OSError:
            h.close_connection = True
        return True

    return handler


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of the test: handlers that hold a connection open let go then."""
    event = threading.Event()
    yield event
    event.set()


def never_answers(release: threading.Event) -> Handler:
    def handler(request: RecordedRequest, h: BaseHTTPRequestHandler) -> bool:
        release.wait(20)  # accepted, read, and then nothing: not even a status line
        h.close_connection = True
        return True

    return handler


TRUNCATED = b'{"data": {"id": "x", "attributes": {"instanceStatus": {"detailsKind": "SUCC'
HTML_TITLE = b"<!doctype html><html><head><title>Sign in - Corp SSO</title></head><body>"
BAD_GATEWAY = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\r\n"


@functools.cache  # made once for the tests that take it (a second each)
def gzipped_zeros(mib: int, layers: int = 1) -> bytes:
    """`mib` MiB of "0", gzipped (about a thousandth of the size), then gzipped again
    `layers - 1` times (each further layer shrinks it about as much again)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    body = b"".join(packer.compress(b"0" * MIB) for _ in range(mib)) + packer.flush()
    for _ in range(layers - 1):
        body = gzip.compress(body, 9)
    return body


DEPTH = 100_000

# (id, handler factory (given the release event), LaunchOptions overrides, message parts)
CASES: list[Any] = [
    pytest.param(
        lambda _: cut_mid_body("reset"),
        {},
        ["lost while reading the response", "closed the connection — try again"],
        id="reset-mid-body",
    ),
    pytest.param(
        lambda _: cut_mid_body("close"),
        {},
        ["lost while reading the response", "try again"],
        id="closed-mid-body",
    ),
    pytest.param(
        # The read timeout and the deadline are both 2 s here: either may speak first.
        never_answers,
        {"timeout": 2.0},
        ["answer from 127.0.0.1:", " 2 s", "try again"],
        id="accepts-and-never-answers",
    ),
    pytest.param(
        # 100 bytes every 50 ms: 10 s for the whole body, past a 2 s deadline.
        lambda _: trickle(b'{"data": "' + b"x" * 100_000 + b'"}', 100, 0.05),
        {"timeout": 2.0},
        ["took longer than 2 s", "bytes received", "allow more time with --timeout"],
        id="trickles-past-the-deadline",
    ),
    pytest.param(
        # Lines ending in a blank one, read as a header block that is not HTTP. (Lines with
        # no blank line after them, then a close, look to the client like a connection
        # dropped early: those are told to try again.)
        lambda _: raw_bytes(b"220 mail.example.com ESMTP ready\r\n\r\n"),
        {},
        ["127.0.0.1:", "did not answer in HTTP", "check --api-url"],
        id="not-http-header-block",
    ),
    pytest.param(
        lambda _: raw_bytes(b""),
        {},
        ["lost while reading the response", "closed the connection — try again"],
        id="closed-before-a-byte",
    ),
    pytest.param(
        lambda _: reply(200, TRUNCATED),
        {},
        ["the response JSON is truncated", "--api-url"],
        id="truncated-json",
    ),
    pytest.param(
        lambda _: reply(200, b""),
        {},
        ["empty response body (HTTP 200)", "--api-url"],
        id="empty-200",
    ),
    pytest.param(
        lambda _: reply(200, HTML_TITLE + b"<p>log in</p></body></html>", "text/html"),
        {},
        ["expected JSON, got an HTML page: Sign in - Corp SSO", "--api-url"],
        id="html-200",
    ),
    pytest.param(
        lambda _: reply(502, BAD_GATEWAY, "text/html"),
        {},
        ["Datadog server error (HTTP 502 Bad Gateway)", "try again shortly"],
        id="html-502",
    ),
    pytest.param(
        # Under a kilobyte on the wire that would inflate to 256 MiB, through two layers.
        lambda _: reply(200, gzipped_zeros(256, layers=2), encoding="gzip, gzip"),
        {},
        ["content-encoding is not supported: 2 layers of content-encoding", "--api-url"],
        id="gzip-twice",
    ),
    pytest.param(
        lambda _: reply(200, b"\x28\xb5\x2f\xfd" + b"\0" * 64, encoding="zstd"),
        {},
        ["content-encoding is not supported: content-encoding 'zstd'"],
        id="unasked-encoding",
    ),
    pytest.param(
        lambda _: reply(200, b"\x1f\x8b\x08\x00 not gzip after all", encoding="gzip"),
        {},
        ["the response's content-encoding could not be decoded", "--api-url"],
        id="broken-gzip",
    ),
    pytest.param(
        lambda _: reply(200, b'{"data": {"name": "caf\xe9 \xff\xfe", "id": "\xc3\x28"}}'),
        {},
        ["the response is not valid UTF-8", "--api-url"],
        id="invalid-utf8",
    ),
    pytest.param(
        lambda _: reply(200, b'{"data": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"),
        {},
        ["the response JSON is nested too deeply", "--api-url"],
        id="nested-100000-levels",
    ),
    pytest.param(
        # Deep enough for the parsers, too deep for copying it back out (json.dumps
        # recurses once a level): refused as well, rather than crashing on `y` later.
        lambda _: reply(200, b'{"data": ' + b"[" * 990 + b"]" * 990 + b"}"),
        {},
        ["the response JSON is nested too deeply (over 512 levels)"],
        id="nested-990-levels",
    ),
    pytest.param(
        lambda _: reply(200, b'{"data": {"ratio": NaN, "max": Infinity}}'),
        {},
        ["cannot be shown exactly: NaN is not a JSON value", "--api-url"],
        id="nan-is-not-json",
    ),
    pytest.param(
        lambda _: reply(200, b'{"data": {"huge": 1e400}}'),
        {},
        ["cannot be shown exactly: number out of range"],
        id="number-out-of-range",
    ),
    pytest.param(
        lambda _: reply(200, b'{"data": {"n": ' + b"7" * 5000 + b"}}"),
        {},
        ["cannot be shown exactly: number with more than 4,300 digits"],
        id="integer-of-5000-digits",
    ),
]


@pytest.mark.parametrize(("make_handler", "overrides", "expected"), CASES)
async def test_a_hostile_answer_is_one_line_and_the_run_on_screen_stays(
    fake_datadog, launch_options, release, make_handler, overrides, expected
) -> None:
    fake_datadog.add_handler("GET", INSTANCE_PATH, good_handler)
    fake_datadog.add_handler("GET", OTHER_PATH, make_handler(release))
    app = WfBrowseApp(launch_options(fake_datadog, **overrides))
    async with app.run_test(size=SIZE) as pilot:
        before = await load_good_run(app, pilot)
        started = time.monotonic()
        await fetch(app, pilot, OTHER)
        assert time.monotonic() - started < 10  # a hang is cut, whatever the server does
        assert_one_line_error(app, *expected)
        await assert_good_run_kept_and_app_alive(app, pilot, before)


def fake_datadog_on(port: int) -> FakeDatadog:
    """A FakeDatadog listening on a given port (FakeDatadog itself takes a free one): the
    server of a test comes back where the app knows it."""
    server = FakeDatadog()
    handler_class = server._httpd.RequestHandlerClass
    server._httpd.server_close()
    server._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler_class)
    server._httpd.daemon_threads = True
    return server.start()


async def test_connection_refused_then_the_server_comes_back(launch_options) -> None:
    server = FakeDatadog().start()
    port = server.port
    server.add_handler("GET", INSTANCE_PATH, good_handler)
    app = WfBrowseApp(launch_options(server))
    async with app.run_test(size=SIZE) as pilot:
        before = await load_good_run(app, pilot)
        server.stop()  # nothing listens on the port any more
        await fetch(app, pilot, OTHER)
        assert_one_line_error(
            app, f"connection refused by 127.0.0.1:{port}", "is the server running?"
        )
        await assert_good_run_kept_and_app_alive(app, pilot, before, refetch=False)
        with fake_datadog_on(port) as back:
            back.add_handler("GET", INSTANCE_PATH, good_handler)
            await fetch(app, pilot, INST)
            assert f"loaded instance {INST}" in screen_text(app)
            assert app.query_one(StatusBar).message_kind == "info"


async def test_a_trickle_that_ends_within_the_deadline_loads(fake_datadog, launch_options) -> None:
    document = {
        "data": {
            "id": OTHER,
            "attributes": {"instanceStatus": {"detailsKind": "SUCCEEDED"}, "note": "slow"},
        }
    }
    body = json.dumps(document).encode()
    pieces = 20
    fake_datadog.add_handler("GET", INSTANCE_PATH, good_handler)
    # About a second in all, each piece well within the read timeout, under a 10 s deadline.
    fake_datadog.add_handler("GET", OTHER_PATH, trickle(body, -(-len(body) // pieces), 0.05))
    app = WfBrowseApp(launch_options(fake_datadog, timeout=10.0))
    async with app.run_test(size=SIZE) as pilot:
        await load_good_run(app, pilot)
        await fetch(app, pilot, OTHER)
        screen = screen_text(app)
        assert app.query_one(StatusBar).message_kind == "info"
        assert f"loaded instance {OTHER}" in screen
        assert 'note: "slow"' in screen
        assert "● SUCCEEDED" in screen
        assert "Canceled" not in screen


# -- a body far over the size cap ----------------------------------------------------------------
HUGE = 200 * 1000 * 1000  # 200 MB, against the documented 64 MiB cap


def vm_kib(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    assert match is not None
    return int(match.group(1))


def reset_peak_memory() -> bool:
    """Start VmHWM afresh from the current RSS (Linux: "5" into clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def endless_json(declared: bool, sent: list[int], done: threading.Event) -> Handler:
    """200 MB of one JSON string, made 1 MiB at a time as the client reads (never held
    whole), with a Content-Length or chunked. Records how much the socket took."""

    def handler(request: RecordedRequest, h: BaseHTTPRequestHandler) -> bool:
        written = 0
        piece = b"x" * MIB
        try:
            framing = (
                {"Content-Length": str(HUGE)} if declared else {"Transfer-Encoding": "chunked"}
            )
            headers_then(h, 200, {"Content-Type": "application/json", **framing})
            while written < HUGE:
                data = (b'{"data": "' + piece)[:MIB] if written == 0 else piece
                data = data[: HUGE - written]
                h.wfile.write(data if declared else b"%x\r\n%s\r\n" % (len(data), data))
                written += len(data)
            if not declared:
                h.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up: what it should do
        finally:
            h.close_connection = True
            sent.append(written)
            done.set()
        return True

    return handler


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc/self/status")
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_200_mb_body_is_refused_at_the_cap_without_being_read(
    fake_datadog, launch_options, declared
) -> None:
    sent: list[int] = []
    done = threading.Event()
    fake_datadog.add_handler("GET", INSTANCE_PATH, good_handler)
    fake_datadog.add_handler("GET", OTHER_PATH, endless_json(declared, sent, done))
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=SIZE) as pilot:
        before = await load_good_run(app, pilot)
        baseline = vm_kib("VmRSS")
        peak_known = reset_peak_memory()
        started = time.monotonic()
        await fetch(app, pilot, OTHER)
        assert time.monotonic() - started < 10
        peak = vm_kib("VmHWM") if peak_known else vm_kib("VmRSS")
        if declared:
            expected = ["response too large: 190.7 MiB (limit 64.0 MiB)", "not loaded"]
        else:
            expected = ["response too large: over 64.0 MiB (limit 64.0 MiB)", "not loaded"]
        assert_one_line_error(app, *expected)
        # The server could not hand over all of it: the client stopped reading and hung up.
        assert done.wait(10)
        assert sent[0] < HUGE
        if declared:
            assert sent[0] < 64 * MIB  # refused on the headers alone
        # At most the 64 MiB the cap allows was held, nothing like 200 MB.
        grown_mib = (peak - baseline) / 1024
        assert grown_mib < 140, f"memory grew by {grown_mib:.0f} MiB"
        await assert_good_run_kept_and_app_alive(app, pilot, before)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc/self/status")
@pytest.mark.parametrize("layers", [1, 2], ids=["gzip", "gzip-twice"])
async def test_a_gzip_bomb_never_inflates_past_the_cap(
    fake_datadog, launch_options, layers
) -> None:
    """256 MiB of zeros, four times the cap, in 256 KB of gzip (or under a kilobyte of gzip
    twice): refused, at the cap at most. (Inflated chunk by chunk without a bound, such a
    body took as much as it inflates to: 2 GB for 1 GiB sent twice-gzipped.)"""
    body = gzipped_zeros(256, layers)
    encoding = ", ".join(["gzip"] * layers)
    fake_datadog.add_handler("GET", INSTANCE_PATH, good_handler)
    fake_datadog.add_handler("GET", OTHER_PATH, reply(200, body, encoding=encoding))
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=SIZE) as pilot:
        before = await load_good_run(app, pilot)
        baseline = vm_kib("VmRSS")
        peak_known = reset_peak_memory()
        await fetch(app, pilot, OTHER)
        peak = vm_kib("VmHWM") if peak_known else vm_kib("VmRSS")
        if layers == 1:
            assert_one_line_error(app, "response too large: over 64.0 MiB (limit 64.0 MiB)")
        else:
            assert_one_line_error(app, "content-encoding is not supported: 2 layers")
        grown_mib = (peak - baseline) / 1024
        assert grown_mib < 140, f"memory grew by {grown_mib:.0f} MiB"
        await assert_good_run_kept_and_app_alive(app, pilot, before)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw"])
async def test_a_compressed_run_loads(fake_datadog, launch_options, encoding) -> None:
    """What the client asks for (gzip, deflate: with its zlib header or, as some servers
    send it, without) is undone, and the run shows as if sent plain."""
    if encoding == "gzip":
        body = gzip.compress(GOOD_BODY)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS if encoding == "deflate-raw" else 15)
        body = packer.compress(GOOD_BODY) + packer.flush()
    header = encoding.removesuffix("-raw")
    fake_datadog.add_handler("GET", INSTANCE_PATH, reply(200, body, encoding=header))
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=SIZE) as pilot:
        await load_good_run(app, pilot)
    [request] = fake_datadog.requests
    assert request.header("Accept-Encoding") == "gzip, deflate"


# -- a value of 5 MB -----------------------------------------------------------------------------
BIG = "START-" + "0123456789abcdef" * (5 * 1000 * 1000 // 16) + "-END"
BIG_RUN = {"data": {"attributes": {"big": BIG, "after": 1}, "id": OTHER}}


async def test_a_5_mb_string_loads_and_is_copied_whole(fake_datadog, launch_options) -> None:
    fake_datadog.add_handler("GET", INSTANCE_PATH, good_handler)
    fake_datadog.add_response("GET", OTHER_PATH, status=200, body=json.dumps(BIG_RUN))
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=SIZE) as pilot:
        await load_good_run(app, pilot)
        await fetch(app, pilot, OTHER)
        assert f"loaded instance {OTHER}" in screen_text(app)
        assert app.query_one(StatusBar).message_kind == "info"
        # Shown cut on its row.
        await pilot.press("j", "j")
        await pilot.pause()
        assert path_line(app) == ".data.attributes.big"
        row = next(line for line in screen_text(app).splitlines() if "big: " in line)
        assert '"START-0123' in row and "…" in row and "-END" not in row
        assert "after: 1" in screen_text(app)
        # `y`: the whole of it, exactly.
        await pilot.press("y")
        await settle(app, pilot)
        assert len(app.clipboard) == len(BIG)
        assert app.clipboard == BIG
        assert f"copied value ({len(BIG):,} chars)" in screen_text(app)
        await pilot.press("j")
        await pilot.pause()
        assert path_line(app) == ".data.attributes.after"


async def test_a_5_mb_string_opens_in_the_value_view_without_freezing(
    fake_datadog, launch_options
) -> None:
    fake_datadog.add_response("GET", OTHER_PATH, status=200, body=json.dumps(BIG_RUN))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=OTHER))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j")
        await pilot.pause()
        assert path_line(app) == ".data.attributes.big"
        started = time.monotonic()
        await pilot.press("enter")  # `v` opens the same view
        await pilot.pause()
        opened = time.monotonic() - started
        screen = screen_text(app)
        assert f".data.attributes.big · {len(BIG):,} chars · Esc to close" in screen
        assert "START-0123456789abcdef" in screen
        assert opened < 5, f"the value view took {opened:.1f} s to open"


async def test_enter_and_v_show_a_long_value_whole(fake_datadog, launch_options) -> None:
    """The value view itself, on a value long enough to need it (100,000 chars)."""
    value = "START-" + "fedcba9876543210" * 6250 + "-END"
    document = {"data": {"attributes": {"long": value}}}
    fake_datadog.add_response("GET", OTHER_PATH, status=200, body=json.dumps(document))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=OTHER))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j")
        await pilot.pause()
        for key in ("enter", "v"):
            await pilot.press(key)
            await pilot.pause()
            screen = screen_text(app)
            assert f".data.attributes.long · {len(value):,} chars · Esc to close" in screen
            assert "START-fedcba9876543210" in screen
            # Scrolled to the bottom (as with the mouse wheel or the scroll bar).
            app.screen.query_one(TextArea).scroll_end(animate=False, immediate=True)
            await pilot.pause()
            assert "-END" in screen_text(app).replace("\n", "")
            await pilot.press("escape")
            await pilot.pause()
            assert "Esc to close" not in screen_text(app)


async def test_the_value_view_copies_with_y_and_keeps_tabs(fake_datadog, launch_options) -> None:
    """`y` in the value view copies the value whole (its label says so); a selection copied
    from it keeps a stack trace's tabs as tabs."""
    trace = "java.lang.IllegalStateException: boom\n\tat com.acme.Main.run(Main.java:42)\n" * 3
    long = "L" * 130_000
    document = {"data": {"attributes": {"trace": trace, "long": long}}}
    fake_datadog.add_response("GET", OTHER_PATH, status=200, body=json.dumps(document))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=OTHER))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j", "enter")  # `trace`
        await pilot.pause()
        assert f"{len(trace):,} chars · Esc to close · y copies it" in screen_text(app)
        area = app.screen.query_one(TextArea)
        assert area.text == trace  # tabs kept (drawn as spaces), nothing else changed
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard == trace
        assert f"copied value ({len(trace):,} chars)" in screen_text(app)
        await pilot.press("escape", "j", "enter")  # `long`: more than the view shows
        await pilot.pause()
        assert "the first 120,000 shown (y copies it all)" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard == long


LONG_STRINGS = [
    pytest.param("x" * 510, id="510-chars"),
    pytest.param("y" * 123_456, id="123456-chars"),
    pytest.param("\x1b[2J" * 400, id="1600-chars-of-escapes"),
    pytest.param("z" * 5_000_010, id="5000010-chars"),
    pytest.param("日本語のテキスト" * 40, id="320-wide-chars"),  # two cells each
]


@pytest.mark.parametrize("value", LONG_STRINGS)
async def test_the_row_of_a_long_string_keeps_its_length_in_view(
    fake_datadog, launch_options, value
) -> None:
    # The same under a key of wide characters: the room is counted in cells.
    document = {"data": {"attributes": {"long": value, "長いキー": value}}}
    fake_datadog.add_response("GET", OTHER_PATH, status=200, body=json.dumps(document))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=OTHER))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        for key in ("long: ", "長いキー: "):
            row = next(line for line in screen_text(app).splitlines() if key in line)
            assert row.endswith(f'…" ({len(value):,} chars)'), row
            assert "\x1b" not in row


# -- rate-limit headers of every kind ------------------------------------------------------------
YEARS = str(10 * 365 * 24 * 3600)
RATE_HEADERS: list[dict[str, str]] = [
    {
        "X-RateLimit-Limit": "1000",
        "X-RateLimit-Period": "60",
        "X-RateLimit-Remaining": "987",
        "X-RateLimit-Reset": "42",
        "X-RateLimit-Name": "workflows_instances",
    },
    {},  # none at all
    {"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "NaN", "X-RateLimit-Reset": "soon"},
    {"X-RateLimit-Period": "0x10", "X-RateLimit-Remaining": "1.5", "X-RateLimit-Reset": "inf"},
    {"X-RateLimit-Limit": "-5", "X-RateLimit-Remaining": "-1", "X-RateLimit-Reset": "-30"},
    {
        "X-RateLimit-Limit": "9" * 40,
        "X-RateLimit-Remaining": "1e300",
        "X-RateLimit-Reset": "1e308",
        "X-RateLimit-Period": "99999999999",
    },
    {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "50", "X-RateLimit-Reset": YEARS},
    {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": YEARS},
    {
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Period": "60",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": YEARS,
    },
    {"X-RateLimit-Limit": "0", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "5"},
    {"X-RateLimit-Limit": "0", "X-RateLimit-Remaining": "3"},
    {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "5000", "X-RateLimit-Reset": "3"},
    {"x-RATELIMIT-remaining": "7", "X-ratelimit-LIMIT": "10", "X-RateLimit-RESET": "3"},
    {"X-RateLimit-Remaining": "100, 200", "X-RateLimit-Limit": " 300 ,300"},
    {"X-RateLimit-Remaining": "0", "X-RateLimit-Period": str(10**12)},  # no Reset, huge Period
    {"X-RateLimit-Remaining": "4", "X-RateLimit-Reset": "0.25"},
    {"X-RateLimit-Name": "[bold red]x[/] [@click=app.quit]boom $variable " + "n" * 200},
    {"X-RateLimit-Name": "caf\xe9", "X-RateLimit-Remaining": "1e3", "X-RateLimit-Limit": "1e3"},
]


# What the status bar shows after some of them (by index in RATE_HEADERS): the sets whose
# every value is junk leave the previous figures in place.
SHOWN = {
    5: r"│ resets (1h|59m\d\ds)$",  # only the Reset believed, cut to an hour
    6: r"rate 50/100 · resets (1h|59m\d\ds)$",
    10: r"rate 3 left$",  # a limit below what is left is dropped
    11: r"rate 5000 left · resets [1-3]s$",
    12: r"rate 7/10 · resets [1-3]s$",
    13: r"rate 100/300$",
    15: r"rate 4 left · resets [01]s$",
    16: r"│ \[bold red\]x\[/\] \[@click=app.quit\]boom \$variable n{17}$",  # cut to 64 characters
    17: r"rate 1000/1000 · café$",
}


def rate_numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def assert_sane_rate_text(text: str) -> None:
    """A rate-limit text as the status bar shows it: short, one line, believable figures."""
    assert "\n" not in text and len(text) <= 120, text
    for number in rate_numbers(text):
        assert number <= MAX_COUNT, text
    match = re.search(r"resets (?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text)
    if match is not None:
        hours, minutes, seconds = (int(group or 0) for group in match.groups())
        assert hours * 3600 + minutes * 60 + seconds <= MAX_RESET, text


def spends_the_budget(headers: dict[str, str]) -> bool:
    return headers.get("X-RateLimit-Remaining") == "0"


def rotating_rate_limits(
    header_sets: list[dict[str, str]], status_for: Callable[[int], int]
) -> tuple[Handler, list[int]]:
    """Answers with the header sets in turn (the run, or a 429 when `status_for` says)."""
    served: list[int] = []

    def handler(request: RecordedRequest, h: BaseHTTPRequestHandler) -> bool:
        index = len(served)
        served.append(index)
        status = status_for(index)
        body = GOOD_BODY if status == 200 else b'{"errors":["Too many requests"]}'
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        headers_then(h, status, {**headers, **header_sets[index % len(header_sets)]})
        h.wfile.write(body)
        return True

    return handler, served


async def test_a_thousand_answers_with_every_kind_of_rate_limit_header(fake_datadog) -> None:
    """Through the app's own client: whatever the headers say, the figures stay believable
    and no answer holds requests back for longer than the cap (an hour, or the period)."""
    handler, served = rotating_rate_limits(
        RATE_HEADERS, lambda index: 429 if index % 7 == 3 else 200
    )
    fake_datadog.add_handler("GET", INSTANCE_PATH, handler)
    credentials = Credentials(TEST_API_KEY, TEST_APP_KEY, "test")
    held_back = 0
    started = time.monotonic()
    async with DatadogClient(fake_datadog.url, credentials, read_timeout=5, deadline=10) as client:
        while len(served) < 1000:
            try:
                await client.get_instance(WF, INST)
            except RateLimited as error:
                wait = client.gate.wait_needed(time.monotonic())
                assert wait <= MAX_BLOCK
                numbers = rate_numbers(error.message)
                assert all(number <= MAX_BLOCK for number in numbers), error.one_line()
                if "nothing is sent" in error.message:
                    # Held back without being sent: the user would wait; the test moves on.
                    held_back += 1
                    client.gate = RateGate()
            last = client.last_rate_limit
            if last is not None:
                assert_sane_rate_text(last.describe())
                if last.limit is not None and last.remaining is not None:
                    assert last.remaining <= last.limit
            assert client.gate.wait_needed(time.monotonic()) <= MAX_BLOCK
    assert held_back > 0  # the spent budgets did hold requests back
    assert time.monotonic() - started < 20


async def test_rate_limit_headers_in_the_app_show_sane_figures_and_never_lock_it(
    fake_datadog, launch_options
) -> None:
    """Every kind of header through the app's own fetch; the last one spends the budget with
    a reset claimed years away: the next fetch is held back, for the period at most."""
    spent = {
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Period": "60",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": YEARS,
    }
    indexes = [i for i, headers in enumerate(RATE_HEADERS) if not spends_the_budget(headers)]
    header_sets = [RATE_HEADERS[i] for i in indexes] + [spent]
    handler, served = rotating_rate_limits(header_sets, lambda index: 200)
    fake_datadog.add_handler("GET", INSTANCE_PATH, handler)
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(200, 40)) as pilot:
        app.query_one("#workflow", Input).value = WF
        for index in range(len(header_sets)):
            await fetch(app, pilot, INST)
            assert app.query_one(StatusBar).message_kind == "info"
            assert f"loaded instance {INST}" in screen_text(app)
            facts = facts_line(app)
            assert_sane_rate_text(facts.split("│")[-1])
            if index == 0:
                assert re.search(r"rate 987/1000 · resets 4[12]s · workflows_instances", facts)
            if index < len(indexes) and indexes[index] in SHOWN:
                assert re.search(SHOWN[indexes[index]], facts), (indexes[index], facts)
        # The reset claimed years away is cut to the period: a minute at most.
        assert re.search(r"rate 0/100 · resets (1m|[1-5]?\ds)\b", facts), facts
        await fetch(app, pilot, INST)
        message = assert_one_line_error(app, "nothing is sent for")
        seconds = int(re.search(r"nothing is sent for (\d+) s", message).group(1))  # type: ignore[union-attr]
        assert seconds <= 60 + 1
        await pilot.press("ctrl+t", "g", "j")
        await pilot.pause()
        assert path_line(app) == ".data.attributes"
    assert len(served) == len(header_sets)


async def test_a_429_claiming_a_reset_years_away_holds_back_an_hour_at_most(
    fake_datadog, launch_options
) -> None:
    fake_datadog.add_handler("GET", INSTANCE_PATH, good_handler)
    fake_datadog.add_response(
        "GET",
        OTHER_PATH,
        status=429,
        body='{"errors":["Too many requests"]}',
        headers={
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Reset": YEARS,
            "X-RateLimit-Name": "workflows_read",
        },
    )
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=SIZE) as pilot:
        before = await load_good_run(app, pilot)
        await fetch(app, pilot, OTHER)
        message = assert_one_line_error(app, "rate limited (bucket workflows_read): resets in ")
        assert re.search(r"resets in (1h|59m\d\ds) — ", message), message
        assert re.search(r"rate 0/100 · resets (1h|59m\d\ds) · workflows_read", facts_line(app))
        # Held back, and for an hour at most, not for years.
        await fetch(app, pilot, OTHER)
        message = assert_one_line_error(app, "nothing is sent for")
        seconds = int(re.search(r"nothing is sent for (\d+) s", message).group(1))  # type: ignore[union-attr]
        assert seconds <= MAX_BLOCK
        await assert_good_run_kept_and_app_alive(app, pilot, before, refetch=False)
    assert [r.path for r in fake_datadog.requests].count(OTHER_PATH) == 1


@pytest.mark.parametrize("reset", [3600.5, 1e9, 1e300, None])
@pytest.mark.parametrize("period", [None, 60, 10**12])
def test_neither_the_gate_nor_the_watch_waits_past_the_cap(reset, period) -> None:
    """A RateLimit made by any means (not only from headers, which cut Reset already):
    nothing is held back, and no refresh planned, further off than MAX_BLOCK."""
    spent = RateLimit(
        limit=100, period=period, remaining=0, reset=reset, name=None, received_at=0.0
    )
    gate = RateGate()
    gate.note(spent, status=429, now=0.0)
    assert 0 < gate.wait_needed(0.0) <= MAX_BLOCK
    assert gate.wait_needed(MAX_BLOCK) == 0
    delay, _ = WatchPolicy().next_delay(changed=False, running=True, rate_limit=spent, now=0.0)
    assert delay is not None and 0 < delay <= MAX_BLOCK
    pacing = RateLimit(100, period, 50, reset, None, 0.0)
    delay, _ = WatchPolicy().next_delay(changed=False, running=True, rate_limit=pacing, now=0.0)
    assert delay is not None and delay <= MAX_BLOCK
