"""Shared fixtures: a clean environment, loopback servers, and the app wired to them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wfbrowse.credentials import Credentials
from wfbrowse.demo.server import FakeDatadog
from wfbrowse.launch import LaunchOptions
from wfbrowse.sites import parse_site

TEST_API_KEY = "test-api-key-0000000000000000a1b2"
TEST_APP_KEY = "test-app-key-00000000000000000000000000c3d4"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's keys, site, keyring or config folders."""
    for name in ("DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY", "DD_SITE", "TMUX", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def no_keys_hidden_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts, as a new process does, with no keys named to hide on screen (an app
    names its keys for the rest of the process)."""
    from wfbrowse import textsafe

    monkeypatch.setattr(textsafe, "_keys_on_screen", ())


@pytest.fixture
def fake_datadog() -> Iterator[FakeDatadog]:
    """An empty loopback server: tests script exactly what it answers."""
    with FakeDatadog() as server:
        yield server


@pytest.fixture
def demo_server() -> Iterator[FakeDatadog]:
    """The demo catalog on loopback, with a running run that ends after two seconds."""
    from wfbrowse.demo.catalog import start_demo_server

    server = start_demo_server(running_seconds=2.0)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def test_credentials() -> Credentials:
    return Credentials(TEST_API_KEY, TEST_APP_KEY, "test")


OptionsFactory = Callable[..., LaunchOptions]


@pytest.fixture
def launch_options(test_credentials: Credentials) -> OptionsFactory:
    """LaunchOptions pointing at a loopback server, with test keys."""

    def make(server: FakeDatadog, **overrides: object) -> LaunchOptions:
        values: dict[str, object] = {
            "site": parse_site("datadoghq.com"),
            "credentials": test_credentials,
            "api_url": server.url,
        }
        values.update(overrides)
        return LaunchOptions(**values)  # type: ignore[arg-type]

    return make
