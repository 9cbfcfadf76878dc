"""The debug log: every request on file, the keys nowhere in it."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from wfbrowse import debuglog
from wfbrowse.api import DatadogClient
from wfbrowse.credentials import Credentials
from wfbrowse.debuglog import HttpTrace
from wfbrowse.demo.server import FakeDatadog
from wfbrowse.errors import Forbidden

WORKFLOW = "0f5f2d6c-0000-4000-8000-000000000001"
INSTANCE = "7b1e9c1a-0000-4000-8000-000000000002"
RATE_LIMIT = {
    "X-RateLimit-Limit": "1000",
    "X-RateLimit-Remaining": "998",
    "X-RateLimit-Reset": "42",
    "X-RateLimit-Name": "workflows_instances",
}


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "wfbrowse.log"
    debuglog.setup(path)
    yield path
    debuglog.close()


def assert_no_key(text: str) -> None:
    for key in (TEST_API_KEY, TEST_APP_KEY):
        assert key not in text
        assert key[-16:] not in text  # not even a large part of one


async def test_a_fetch_is_logged_with_the_keys_redacted(
    log_file: Path, fake_datadog: FakeDatadog, test_credentials: Credentials
) -> None:
    path = f"/api/v2/workflows/{WORKFLOW}/instances/{INSTANCE}"
    body = json.dumps({"data": {"id": INSTANCE}})
    fake_datadog.add_response("GET", path, status=200, body=body, headers=RATE_LIMIT)
    async with DatadogClient(fake_datadog.url, test_credentials) as client:
        await client.get_instance(WORKFLOW, INSTANCE)
    # The keys did go out: the log hides them, the request did not lose them.
    assert fake_datadog.requests[0].header("DD-API-KEY") == TEST_API_KEY
    text = log_file.read_text(encoding="utf-8")
    [line] = text.splitlines()
    assert f"wfbrowse.http DEBUG GET {fake_datadog.url}{path} -> HTTP 200 in " in line
    assert f", {len(body)} bytes |" in line
    assert "dd-api-key: <redacted>" in line
    assert "dd-application-key: <redacted>" in line
    assert "user-agent: wfbrowse/" in line
    assert "x-ratelimit-remaining: 998" in line and "x-ratelimit-name: workflows_instances" in line
    assert_no_key(text)


async def test_failures_are_logged_too(
    log_file: Path, fake_datadog: FakeDatadog, test_credentials: Credentials
) -> None:
    # A server that echoes the key back in its error: the message is redacted before the log.
    echo = json.dumps({"errors": [f"key {TEST_API_KEY} is not allowed"]})
    fake_datadog.add_response("GET", "/api/v1/validate", status=403, body=echo)
    async with DatadogClient(fake_datadog.url, test_credentials) as client:
        with pytest.raises(Forbidden):
            await client.validate()
    url = fake_datadog.url
    fake_datadog.stop()
    async with DatadogClient(url, test_credentials) as client:
        with pytest.raises(Exception, match="connection refused"):
            await client.validate()
    text = log_file.read_text(encoding="utf-8")
    forbidden, refused = text.splitlines()
    assert "GET " in forbidden and "-> HTTP 403 in " in forbidden and "Forbidden: " in forbidden
    assert "-> no response in " in refused and "ConnectionRefused: connection refused" in refused
    assert "dd-api-key: <redacted>" in refused  # the headers that would have gone
    assert_no_key(text)


def test_any_record_with_a_key_is_redacted(log_file: Path) -> None:
    debuglog.remember_secrets(TEST_API_KEY, TEST_APP_KEY)
    other = logging.getLogger("wfbrowse.somewhere")
    other.debug("a careless message with %s in it", TEST_API_KEY)
    try:
        raise ValueError(f"boom {TEST_APP_KEY}")
    except ValueError:
        other.exception("and a traceback")
    text = log_file.read_text(encoding="utf-8")
    assert "a careless message with <redacted> in it" in text
    assert "ValueError: boom <redacted>" in text
    assert_no_key(text)


def test_a_long_part_of_a_key_is_redacted_too(log_file: Path) -> None:
    debuglog.remember_secrets(TEST_API_KEY)
    logging.getLogger("wfbrowse.somewhere").debug("detail cut short: key=%s…", TEST_API_KEY[:20])
    text = log_file.read_text(encoding="utf-8")
    assert "detail cut short: key=<redacted>…" in text
    assert TEST_API_KEY[:16] not in text


def test_the_log_file_is_private(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.log"
    debuglog.setup(fresh)
    debuglog.close()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    shared = tmp_path / "shared.log"
    shared.write_text("earlier lines\n", encoding="utf-8")
    shared.chmod(0o644)
    debuglog.setup(shared)
    logging.getLogger("wfbrowse.http").debug("new line")
    debuglog.close()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o600
    assert shared.read_text(encoding="utf-8").splitlines()[0] == "earlier lines"  # appended


async def test_nothing_is_traced_without_a_log(
    fake_datadog: FakeDatadog, test_credentials: Credentials, caplog: pytest.LogCaptureFixture
) -> None:
    assert HttpTrace.begin("GET", "http://127.0.0.1:1/x", {"DD-API-KEY": TEST_API_KEY}) is None
    fake_datadog.add_response("GET", "/api/v1/validate", status=200, body='{"valid": true}')
    async with DatadogClient(fake_datadog.url, test_credentials) as client:
        await client.validate()
    assert [r for r in caplog.records if r.name.startswith("wfbrowse")] == []


def test_the_log_does_not_leak_to_other_handlers(
    log_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("wfbrowse.http").debug("only in the file")
    assert "only in the file" in log_file.read_text(encoding="utf-8")
    assert "only in the file" not in caplog.text  # the wfbrowse logger does not propagate


def test_keys_test_log_option_writes_the_request(tmp_path: Path, fake_datadog: FakeDatadog) -> None:
    fake_datadog.add_response("GET", "/api/v1/validate", status=200, body='{"valid": true}')
    log = tmp_path / "keys-test.log"
    env = {**os.environ, "DD_API_KEY": TEST_API_KEY, "DD_APP_KEY": TEST_APP_KEY}
    command = ["keys", "test", "--api-url", fake_datadog.url, "--log", str(log)]
    result = subprocess.run(
        [sys.executable, "-m", "wfbrowse", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    text = log.read_text(encoding="utf-8")
    assert f"GET {fake_datadog.url}/api/v1/validate -> HTTP 200" in text
    assert "<redacted>" in text
    assert_no_key(text)


def test_an_unwritable_log_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "x.log"
    env = {**os.environ, "DD_API_KEY": TEST_API_KEY, "DD_APP_KEY": TEST_APP_KEY}
    result = subprocess.run(
        [sys.executable, "-m", "wfbrowse", "--log", str(missing)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("wfbrowse: cannot open the log file ")
    assert result.stderr.count("\n") == 1
