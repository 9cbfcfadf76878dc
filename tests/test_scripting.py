"""`wfbrowse get`, `list` and `open` as real processes against a fake Datadog on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from tests.tmux import TmuxSession, tmux_available
from wfbrowse.demo.catalog import (
    DEMO_WORKFLOW_ID,
    MISSING_WORKFLOW_ID,
    NOT_FOUND_INSTANCE_ID,
    SUCCEEDED_INSTANCE_ID,
    start_demo_server,
)
from wfbrowse.demo.server import FakeDatadog, RecordedRequest, Reply, write_reply
from wfbrowse.jsonload import CHECK_ASIDE_FROM
from wfbrowse.scripting import MAX_NESTING, load_saved_instance

WORKFLOW = "ccf73164-1998-4785-a7a3-8d06c7e5f558"
INSTANCE = "0b6bd0a3-5d07-4c47-a3b4-1e2f3a4b5c6d"
INSTANCE_PATH = f"/api/v2/workflows/{WORKFLOW}/instances/{INSTANCE}"
# Spacing, key order and number forms that re-encoding would change: --raw must keep them.
BODY = (
    b'{ "data": {"id": "0b6bd0a3-5d07-4c47-a3b4-1e2f3a4b5c6d", "type": "instances",\n'
    b'  "attributes": {"n": 1.50, "big": 123456789012345678901234567890, '
    b'"name": "caf\\u00e9 \xe2\x9c\x93", "z": null, "a": [1, 2]}}}\n'
)


def wfbrowse(
    *args: str, env: Mapping[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(
        [sys.executable, "-m", "wfbrowse", *args],
        capture_output=True,
        env=dict(env),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    output = result.stdout + result.stderr
    for key in (TEST_API_KEY, TEST_APP_KEY):
        assert key.encode() not in output  # keys are never printed
    assert b"Traceback" not in output
    return result


def one_error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wfbrowse: ")
    assert result.stdout == b""
    return lines[0]


@pytest.fixture
def keyed_env() -> dict[str, str]:
    return {**os.environ, "DD_API_KEY": TEST_API_KEY, "DD_APP_KEY": TEST_APP_KEY}


@pytest.fixture
def demo() -> Iterator[FakeDatadog]:
    server = start_demo_server()
    try:
        yield server
    finally:
        server.stop()


# -- get -----------------------------------------------------------------------------------------
def test_get_prints_compact_json_when_piped_and_sends_the_env_keys(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str]
) -> None:
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=BODY)
    result = wfbrowse("get", WORKFLOW, INSTANCE, "--api-url", fake_datadog.url, env=keyed_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    expected = json.dumps(json.loads(BODY), ensure_ascii=False, separators=(",", ":"))
    assert result.stdout == expected.encode() + b"\n"
    [request] = fake_datadog.requests
    assert request.path == INSTANCE_PATH
    assert request.header("DD-API-KEY") == TEST_API_KEY
    assert request.header("DD-APPLICATION-KEY") == TEST_APP_KEY


def test_get_raw_writes_the_exact_bytes(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str]
) -> None:
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=BODY)
    link = f"https://api.datadoghq.com/api/v2/workflows/{WORKFLOW}/instances/{INSTANCE}"
    result = wfbrowse("get", "--raw", link, "--api-url", fake_datadog.url, env=keyed_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert result.stdout == BODY


def on_a_terminal(
    *args: str, env: Mapping[str, str]
) -> tuple[subprocess.CompletedProcess[bytes], str]:
    """`wfbrowse ARGS` with its stdout on a pseudo-terminal: the process, and what it wrote."""
    controller, terminal = os.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "wfbrowse", *args],
            stdout=terminal,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=60,
        )
        output = os.read(controller, 65536).decode().replace("\r\n", "\n")
    finally:
        os.close(terminal)
        os.close(controller)
    return process, output


def test_get_is_indented_on_a_terminal_with_controls_escaped(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str]
) -> None:
    document = {"data": {"id": "x", "note": "bell\x07 \x1b]0;title\x07 \u202e é"}}
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=json.dumps(document))
    process, output = on_a_terminal(
        "get", WORKFLOW, INSTANCE, "--api-url", fake_datadog.url, env=keyed_env
    )
    assert process.returncode == 0, process.stderr
    assert process.stderr == b""
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output
    assert output.startswith('{\n  "data": {\n    "id": "x",\n')
    assert "\\u001b]0;title\\u0007" in output and "\\u202e é" in output
    assert json.loads(output) == document  # the escapes read back as the same text


def test_get_raw_on_a_terminal_escapes_what_could_act_on_it(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str]
) -> None:
    """JSON may carry C1 controls and bidi marks unescaped: --raw writes the body as it came,
    but on a terminal those are shown as escapes, as everywhere else."""
    body = '{"note":"\u009b31m \u009d0;title\u009c \u202e é"}'.encode()
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    process, output = on_a_terminal(
        "get", "--raw", WORKFLOW, INSTANCE, "--api-url", fake_datadog.url, env=keyed_env
    )
    assert process.returncode == 0, process.stderr
    assert not any(char in output for char in "\u009b\u009c\u009d\u202e")
    assert output == '{"note":"\\u009b31m \\u009d0;title\\u009c \\u202e é"}'
    assert json.loads(output) == json.loads(body)


@pytest.mark.parametrize("raw", [False, True])
def test_get_prints_nothing_of_a_run_echoing_a_key(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str], raw: bool
) -> None:
    """A step that logged its request headers: a long enough part of the key in use is in
    the run. Nothing is printed (exit 7), whether piped or with --raw."""
    body = json.dumps({"data": {"id": "x", "log": f"DD-API-KEY: {TEST_API_KEY[:20]}…"}})
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    flags = ["--raw"] if raw else []
    result = wfbrowse(
        "get", *flags, WORKFLOW, INSTANCE, "--api-url", fake_datadog.url, env=keyed_env
    )
    assert result.returncode == 7
    assert "holds one of your Datadog keys" in one_error_line(result)
    assert TEST_API_KEY[:16].encode() not in result.stdout + result.stderr


def test_get_output_round_trips_from_the_demo(demo: FakeDatadog, keyed_env: dict[str, str]) -> None:
    result = wfbrowse(
        "get", DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID, "--api-url", demo.url, env=keyed_env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(b"\n") == 1
    assert json.loads(result.stdout)["data"]["id"] == SUCCEEDED_INSTANCE_ID


REFUSED_PORT_ERRORS = ("connection refused", "cannot connect")


@pytest.mark.parametrize(
    ("status", "body", "code", "text"),
    [
        (400, '{"errors":["Invalid instance_id"]}', 2, "Invalid instance_id"),
        (401, '{"errors":["Unauthorized"]}', 3, "API key rejected (HTTP 401)"),
        (403, '{"errors":["Forbidden"]}', 3, "access denied (HTTP 403)"),
        (
            404,
            '{"errors":[{"status":"404","code":"WORKFLOW_NOT_FOUND","title":"Not Found"}]}',
            4,
            "check the workflow ID",
        ),
        (
            404,
            '{"errors":[{"status":"404","code":"INSTANCE_NOT_FOUND","title":"Not Found"}]}',
            4,
            "check the instance ID",
        ),
        (429, '{"errors":["Too many requests"]}', 5, "rate limited"),
        (500, '{"errors":["Internal Server Error"]}', 6, "Datadog server error (HTTP 500"),
        (502, "<html><title>502 Bad Gateway</title></html>", 6, "Datadog server error"),
        (200, "this is not json", 6, "not valid JSON"),
        (200, "[1, 2]", 6, "expected a JSON object, got an array"),
    ],
)
def test_get_errors_map_to_exit_codes(
    fake_datadog: FakeDatadog,
    keyed_env: dict[str, str],
    status: int,
    body: str,
    code: int,
    text: str,
) -> None:
    fake_datadog.add_response("GET", INSTANCE_PATH, status=status, body=body)
    result = wfbrowse("get", WORKFLOW, INSTANCE, "--api-url", fake_datadog.url, env=keyed_env)
    assert result.returncode == code, result.stderr
    assert text in one_error_line(result)


def test_get_against_a_closed_port_is_a_network_error(keyed_env: dict[str, str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The socket is closed again: nothing listens on the port.
    url = f"http://127.0.0.1:{port}"
    result = wfbrowse("get", WORKFLOW, INSTANCE, "--api-url", url, env=keyed_env)
    assert result.returncode == 6
    line = one_error_line(result)
    assert any(text in line for text in REFUSED_PORT_ERRORS), line


def test_get_demo_not_found_errors(demo: FakeDatadog, keyed_env: dict[str, str]) -> None:
    missing = wfbrowse("get", MISSING_WORKFLOW_ID, INSTANCE, "--api-url", demo.url, env=keyed_env)
    assert missing.returncode == 4
    assert "workflow" in one_error_line(missing)
    gone = wfbrowse(
        "get", DEMO_WORKFLOW_ID, NOT_FOUND_INSTANCE_ID, "--api-url", demo.url, env=keyed_env
    )
    assert gone.returncode == 4
    assert "instance" in one_error_line(gone)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((WORKFLOW,), "get needs an instance ID too"),
        (("not-a-uuid", INSTANCE), "workflow ID: 'not-a-uuid' is not a UUID"),
        ((WORKFLOW, "nope"), "instance ID: 'nope' is not a UUID"),
        (("https://example.com/x",), "not a Datadog link"),
        ((), "the following arguments are required: TARGET"),
        ((WORKFLOW, INSTANCE, "--site", "mars"), "mars"),
        ((WORKFLOW, INSTANCE, "--api-url", "http://203.0.113.9"), "--api-url"),
        # An empty value (an unset shell variable) is an error, not the default site.
        ((WORKFLOW, INSTANCE, "--site", ""), "empty Datadog site"),
        ((WORKFLOW, INSTANCE, "--api-url", ""), "empty --api-url"),
    ],
)
def test_get_usage_errors_exit_2_before_any_request(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str], args: tuple[str, ...], text: str
) -> None:
    result = wfbrowse("get", *args, env=keyed_env)
    assert result.returncode == 2, result.stderr
    assert text in one_error_line(result)
    assert fake_datadog.requests == []


def test_get_without_keys_exits_3_with_the_hint(fake_datadog: FakeDatadog) -> None:
    result = wfbrowse("get", WORKFLOW, INSTANCE, "--api-url", fake_datadog.url, env=os.environ)
    assert result.returncode == 3
    line = one_error_line(result)
    assert "set DD_API_KEY and DD_APP_KEY" in line
    assert "wfbrowse keys set" in line
    assert fake_datadog.requests == []


def test_get_with_an_unknown_profile_is_a_usage_error(fake_datadog: FakeDatadog) -> None:
    result = wfbrowse(
        "get", WORKFLOW, INSTANCE, "--profile", "ghost", "--api-url", fake_datadog.url,
        env=os.environ,
    )  # fmt: skip
    assert result.returncode == 2
    assert "unknown profile 'ghost'" in one_error_line(result)


def test_get_help_lists_the_exit_codes() -> None:
    result = wfbrowse("get", "--help", env=os.environ)
    assert result.returncode == 0
    text = result.stdout.decode()
    for line in (
        "3    authentication",
        "4    not found",
        "5    rate limited",
        "6    network",
        "7    not printed",
    ):
        assert line in text


# -- list ----------------------------------------------------------------------------------------
def pages_seen(server: FakeDatadog) -> list[tuple[str, str]]:
    return [
        (request.query["page[number]"][0], request.query["page[size]"][0])
        for request in server.requests
    ]


def test_list_prints_a_table_with_counts(demo: FakeDatadog, keyed_env: dict[str, str]) -> None:
    result = wfbrowse(
        "list", DEMO_WORKFLOW_ID, "--limit", "25", "--api-url", demo.url, env=keyed_env
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 1 + 25 + 1
    assert lines[0].split() == ["STATUS", "INSTANCE", "ID", "START", "(UTC)", "DURATION", "SOURCE"]
    assert lines[-1] == "25 of 134 runs · 105 succeeded, 20 failed, 8 canceled, 1 in progress"
    rows = [line.split() for line in lines[1:-1]]
    assert rows[0][:2] == ["Running", "710d65fb-0caa-498c-bda6-51e23969aab0"]
    assert "running" in rows[0]
    succeeded = next(row for row in rows if row[1] == SUCCEEDED_INSTANCE_ID)
    assert succeeded == [
        "Succeeded", SUCCEEDED_INSTANCE_ID, "2025-06-02", "09:14:03", "8.4s", "monitor",
    ]  # fmt: skip
    assert pages_seen(demo) == [("0", "25")]


def test_list_json_pages_until_the_limit(demo: FakeDatadog, keyed_env: dict[str, str]) -> None:
    result = wfbrowse(
        "list", DEMO_WORKFLOW_ID, "--limit", "130", "--json", "--api-url", demo.url, env=keyed_env
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 130
    items = [json.loads(line) for line in lines]
    assert all(isinstance(item, dict) and item["id"] for item in items)
    assert len({item["id"] for item in items}) == 130
    assert pages_seen(demo) == [("0", "100"), ("1", "100")]


def test_list_json_with_limit_25(demo: FakeDatadog, keyed_env: dict[str, str]) -> None:
    result = wfbrowse(
        "list", DEMO_WORKFLOW_ID, "--limit", "25", "--json", "--api-url", demo.url, env=keyed_env
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 25
    assert all("id" in json.loads(line) for line in lines)


def test_list_stops_at_the_total(demo: FakeDatadog, keyed_env: dict[str, str]) -> None:
    result = wfbrowse(
        "list", DEMO_WORKFLOW_ID, "--limit", "500", "--json", "--api-url", demo.url, env=keyed_env
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 134
    assert pages_seen(demo) == [("0", "100"), ("1", "100")]


def test_list_escapes_server_text_in_the_table(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str]
) -> None:
    item = {
        "id": "evil\x1b[31m",
        "attributes": {
            "instanceStatus": {"detailsKind": "SUCCEEDED", "displayName": "Done\x1b]52;c;eA==\x07"},
            "source": {"api\u202e": {}},
            "startTimestamp": "2025-06-02T09:14:03.512884Z",
            "endTimestamp": "2025-06-02T10:14:03.512884Z",
        },
    }
    body = json.dumps({"data": [item], "meta": {"page": {"totalCount": 1}}})
    path = f"/api/v2/workflows/{WORKFLOW}/instances"
    fake_datadog.add_response("GET", path, status=200, body=body)
    result = wfbrowse("list", WORKFLOW, "--api-url", fake_datadog.url, env=keyed_env)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "Done\\x1b]52;c;eA==\\x07" in text
    assert "evil\\x1b[31m" in text and "api\\u202e" in text
    assert "1h 00m" in text
    assert text.splitlines()[-1] == "1 of 1 runs"


def test_list_waits_for_a_short_rate_limit_reset_between_pages(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str]
) -> None:
    """The first page spends the budget (Remaining: 0, reset in 1 s): the second is asked
    once the limit has reset, rather than the runs already read being thrown away."""
    import time
    import uuid

    asked: list[float] = []

    def page(request: RecordedRequest, raw: BaseHTTPRequestHandler) -> bool:
        asked.append(time.monotonic())
        number = int(request.query["page[number]"][0])
        items = [
            {"id": str(uuid.UUID(int=number * 100 + i + 1)), "attributes": {}} for i in range(100)
        ]
        headers = {
            "X-RateLimit-Limit": "10",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "1",
        }
        body = {"data": items, "meta": {"page": {"totalCount": 300}}}
        write_reply(raw, Reply.json(200, body, headers))
        return True

    fake_datadog.add_handler("GET", f"/api/v2/workflows/{WORKFLOW}/instances", page)
    result = wfbrowse(
        "list", WORKFLOW, "--limit", "150", "--json", "--api-url", fake_datadog.url, env=keyed_env
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 150
    assert len(asked) == 2
    assert asked[1] - asked[0] >= 0.9  # after the reset, not before


def test_a_dummy_key_of_a_few_characters_refuses_nothing(fake_datadog: FakeDatadog) -> None:
    """A test server's keys ("x", "y") are in almost any text: too short to look for."""
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=BODY)
    env = {**os.environ, "DD_API_KEY": "x", "DD_APP_KEY": "y"}
    result = wfbrowse("get", WORKFLOW, INSTANCE, "--api-url", fake_datadog.url, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(BODY)


def test_list_hides_an_echoed_key_in_the_table_and_prints_no_json_of_it(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str]
) -> None:
    item = {
        "id": "0b6bd0a3-5d07-4c47-a3b4-1e2f3a4b5c6d",
        "attributes": {
            "instanceStatus": {"detailsKind": "SUCCEEDED", "displayName": "Succeeded"},
            "source": {f"api {TEST_API_KEY}": {}},
        },
    }
    body = json.dumps({"data": [item], "meta": {"page": {"totalCount": 1}}})
    fake_datadog.add_response(
        "GET", f"/api/v2/workflows/{WORKFLOW}/instances", status=200, body=body
    )
    table = wfbrowse("list", WORKFLOW, "--api-url", fake_datadog.url, env=keyed_env)
    assert table.returncode == 0, table.stderr
    assert "api <key hidden>" in table.stdout.decode()
    assert TEST_API_KEY[:16].encode() not in table.stdout
    lines = wfbrowse("list", WORKFLOW, "--json", "--api-url", fake_datadog.url, env=keyed_env)
    assert lines.returncode == 7
    assert "the list holds one of your Datadog keys" in one_error_line(lines)


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (("--limit", "0"), 2, "must be at least 1"),
        (("--limit", "x"), 2, "not a number"),
    ],
)
def test_list_usage_errors(
    keyed_env: dict[str, str], args: tuple[str, ...], code: int, text: str
) -> None:
    result = wfbrowse("list", DEMO_WORKFLOW_ID, *args, env=keyed_env)
    assert result.returncode == code
    assert text in one_error_line(result)


def test_list_unknown_workflow_exits_4(demo: FakeDatadog, keyed_env: dict[str, str]) -> None:
    result = wfbrowse("list", MISSING_WORKFLOW_ID, "--api-url", demo.url, env=keyed_env)
    assert result.returncode == 4
    assert "workflow not found" in one_error_line(result)


# -- open ----------------------------------------------------------------------------------------
def open_error(path: Path) -> str:
    result = wfbrowse("open", str(path), env=os.environ)
    assert result.returncode == 2, result.stderr
    return one_error_line(result)


def test_open_refuses_text_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text('{"data": {\n  "id": oops}}\n', encoding="utf-8")
    assert "is not valid JSON: Expecting value at line 2, column 9" in open_error(path)


def test_open_refuses_an_array(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text('[{"id": 1}]', encoding="utf-8")
    assert "holds an array, not a JSON object" in open_error(path)


def test_open_refuses_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a":' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert f"nested deeper than {MAX_NESTING} levels" in open_error(path)


def test_open_refuses_deep_nesting_in_a_big_file(tmp_path: Path) -> None:
    """Past CHECK_ASIDE_FROM the checks run in a child while the app loads: the answer and
    the message are the same. (orjson reads 513 levels; only the check refuses them.)"""
    path = tmp_path / "deep-big.json"
    deep = "[" * MAX_NESTING + "]" * MAX_NESTING
    path.write_text(f'{{"pad": "{"x" * CHECK_ASIDE_FROM}", "a": {deep}}}\n', encoding="utf-8")
    assert f"nested deeper than {MAX_NESTING} levels" in open_error(path)


def test_open_refuses_a_missing_file(tmp_path: Path) -> None:
    assert "cannot open" in open_error(tmp_path / "nowhere.json")
    assert "No such file" in open_error(tmp_path / "nowhere.json")


def test_open_refuses_a_directory_and_an_empty_file(tmp_path: Path) -> None:
    assert "cannot open" in open_error(tmp_path)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"  \n")
    assert "is empty" in open_error(empty)


def test_open_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.truncate(65 * 1024 * 1024)  # sparse: no data is written
    assert "is too large: 65.0 MiB (limit 64.0 MiB)" in open_error(path)


def test_open_refuses_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"name": "caf\xe9"}')
    assert "not UTF-8" in open_error(path)


def test_load_saved_instance_accepts_what_the_api_sends(tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    path.write_bytes(b"\xef\xbb\xbf" + BODY)  # with a byte-order mark and a 30-digit integer
    document = load_saved_instance(path)
    assert document["data"]["attributes"]["big"] == 123456789012345678901234567890
    path.write_bytes(b"\n" + BODY + b"\n")  # blank lines around it, as a shell may leave
    assert load_saved_instance(path) == document


@pytest.mark.tmux
@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")
def test_open_shows_a_saved_get_as_a_tree(
    demo: FakeDatadog, keyed_env: dict[str, str], tmp_path: Path
) -> None:
    saved = wfbrowse(
        "get", DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID, "--api-url", demo.url, env=keyed_env
    )
    assert saved.returncode == 0, saved.stderr
    path = tmp_path / "run.json"
    path.write_bytes(saved.stdout)
    demo.stop()  # no network: nothing is left to answer
    command = [sys.executable, "-m", "wfbrowse", "open", str(path)]
    with TmuxSession(command, width=120, height=40) as term:
        # The whole frame, not its first rows: a capture can land while it is being written.
        screen = term.wait_for(
            lambda text: "▾ data: {4 keys}" in text and "included: [2 items]" in text, timeout=30
        )
        assert "● Succeeded" in screen
        term.send_keys("C-q")
        assert term.wait_exit() == 0


@pytest.mark.tmux
@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")
def test_open_hides_the_keys_of_the_environment_in_a_saved_run(
    keyed_env: dict[str, str], tmp_path: Path
) -> None:
    """`open` uses no keys, but the user's own, set in the environment, are still theirs: a
    saved run that echoes them shows them hidden."""
    from tests.test_terminal_attacks import echoing_run, key_parts_on

    path = tmp_path / "run.json"
    path.write_text(json.dumps(echoing_run(TEST_API_KEY, TEST_APP_KEY)))
    command = [sys.executable, "-m", "wfbrowse", "open", str(path)]
    for env, shown in ((keyed_env, "wf <key hidden>"), ({}, f"wf {TEST_API_KEY}")):
        with TmuxSession(command, width=120, height=40, env=env) as term:
            screen = term.wait_for(lambda text, shown=shown: shown in text, timeout=30)
            if env:
                assert key_parts_on(screen, TEST_API_KEY, TEST_APP_KEY) == []
            term.send_keys("C-q")
            assert term.wait_exit() == 0


def test_get_gives_up_after_its_timeout(fake_datadog: FakeDatadog, keyed_env) -> None:
    """A server that accepts and never answers: `--timeout` bounds the wait, exit code 6."""
    released = threading.Event()

    def silent(request, handler) -> bool:
        released.wait(30)
        return True

    fake_datadog.add_handler("GET", INSTANCE_PATH, silent)
    try:
        args = ("get", WORKFLOW, INSTANCE, "--api-url", fake_datadog.url, "--timeout", "1")
        result = wfbrowse(*args, env=keyed_env, timeout=20)
    finally:
        released.set()
    assert result.returncode == 6
    assert "within 1 s" in one_error_line(result) or "longer than 1 s" in one_error_line(result)
    refused = wfbrowse("get", WORKFLOW, INSTANCE, "--timeout", "0", env=keyed_env)
    assert refused.returncode == 2
    assert b"give between 1 and 3600 seconds" in refused.stderr


def test_get_raw_on_a_terminal_keeps_tabs_and_line_ends_between_tokens(
    fake_datadog: FakeDatadog, keyed_env: dict[str, str]
) -> None:
    """A body indented with tabs and CRLF line ends reads as the same JSON on a terminal."""
    body = b'{\r\n\t"data": {\r\n\t\t"id": "x"\r\n\t}\r\n}'
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    process, output = on_a_terminal(
        "get", "--raw", WORKFLOW, INSTANCE, "--api-url", fake_datadog.url, env=keyed_env
    )
    assert process.returncode == 0, process.stderr
    assert output == '{\n\t"data": {\n\t\t"id": "x"\n\t}\n}'
    assert json.loads(output) == json.loads(body)
