"""A real Secret Service for the keyring tests: gnome-keyring on a private D-Bus session.

`secret_service` (one per test session) starts `dbus-run-session`, which starts its own bus,
and inside it a gnome-keyring daemon whose login keyring is created and unlocked with a
throwaway password, in fresh 0700 folders. Nothing touches the machine's own keyring or bus.
The shell inside prints the bus address, then waits on its stdin: closing that pipe ends the
shell, dbus-run-session then stops the bus, and gnome-keyring exits with it.

`real_keyring` points this process at that service (environment and keyring backend) for one
test, and removes every `wfbrowse` entry before and after it.

Test modules load these fixtures with `pytest_plugins = ["tests.secret_service"]`, and
import this module only under TYPE_CHECKING (so pytest can still rewrite its asserts).
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from wfbrowse.credentials import SERVICE

TOOLS = ("dbus-run-session", "gnome-keyring-daemon", "secret-tool")
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0

# The keyring's password only ever unlocks this throwaway keyring.
_SCRIPT = r"""
unlock() {
    printf '%s' "$WFB_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets
}
eval "$(unlock)" || exit 3
export GNOME_KEYRING_CONTROL
printf 'READY %s %s\n' "$DBUS_SESSION_BUS_ADDRESS" "${GNOME_KEYRING_CONTROL:-}"
cat > /dev/null
"""


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _private_dir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o700)
    return path


def _first_line(stream: IO[str], timeout: float) -> str | None:
    """The first line the process prints, or None if none comes in time."""
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True)
    reader.start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


def _stop(process: subprocess.Popen[str]) -> None:
    """End the session: close its stdin; if it lingers, signal its own process group only."""
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        # Still unreaped, so its pid (which is also its process group id) cannot be reused.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT)


class SecretServiceEnv(dict[str, str]):
    """The environment variables that reach the throwaway service, plus ways to look into it
    that do not go through keyring (so they check what keyring really did)."""

    def secret_tool(self, *args: str, stdin: str | None = None) -> str | None:
        """Run secret-tool against this service; its stdout, or None when it fails."""
        result = subprocess.run(
            ["secret-tool", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, **self},
            timeout=20,
            check=False,
        )
        return result.stdout if result.returncode == 0 else None

    def stored(self, username: str) -> str | None:
        """What the service really holds for `wfbrowse` / `username`."""
        return self.secret_tool("lookup", "service", SERVICE, "username", username)

    def store(self, username: str, value: str) -> None:
        args = ("store", "--label=test", "service", SERVICE, "username", username)
        if self.secret_tool(*args, stdin=value) is None:
            raise RuntimeError(f"secret-tool could not store {username}")

    def wipe(self) -> None:
        self.secret_tool("clear", "service", SERVICE)


def _require_tools() -> None:
    missing = missing_tools()
    if missing:
        needed = ", ".join(missing)
        reason = f"a real Secret Service needs {needed} (gnome-keyring, dbus, libsecret-tools)"
        if os.environ.get("CI"):
            pytest.fail(f"CI installs them: {reason}")
        pytest.skip(reason)


@contextlib.contextmanager
def throwaway_secret_service() -> Iterator[SecretServiceEnv]:
    """Start a private bus with an unlocked gnome-keyring in fresh folders; stop it after."""
    _require_tools()
    data_home = _private_dir("wfbrowse-keyring-data-")
    runtime_dir = _private_dir("wfbrowse-keyring-run-")
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(data_home),
        "XDG_RUNTIME_DIR": str(runtime_dir),
        "WFB_TEST_KEYRING_PASSWORD": "throwaway-test-password",
    }
    for name in ("DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL"):
        env.pop(name, None)  # never the machine's own session
    process = subprocess.Popen(
        ["dbus-run-session", "--", "sh", "-c", _SCRIPT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,  # its own process group: stopping it touches nothing else
    )
    try:
        assert process.stdout is not None
        line = _first_line(process.stdout, START_TIMEOUT) or ""
        fields = line.split()
        if not fields or fields[0] != "READY" or len(fields) < 2:
            pytest.fail(f"the throwaway Secret Service did not start (said {line!r})")
        session = SecretServiceEnv(
            {
                "DBUS_SESSION_BUS_ADDRESS": fields[1],
                "XDG_RUNTIME_DIR": str(runtime_dir),
                "XDG_DATA_HOME": str(data_home),
            }
        )
        if len(fields) > 2:
            session["GNOME_KEYRING_CONTROL"] = fields[2]
        yield session
    finally:
        _stop(process)
        shutil.rmtree(data_home, ignore_errors=True)
        shutil.rmtree(runtime_dir, ignore_errors=True)


@contextlib.contextmanager
def _secret_service_backend(
    env: SecretServiceEnv, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Point this process's environment and keyring backend at `env`; restore afterwards."""
    import keyring
    import keyring.core
    from keyring.backends import SecretService

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    _ = SecretService.Keyring.priority  # raises RuntimeError when the service is unreachable
    previous = keyring.core._keyring_backend  # None until keyring has picked one
    keyring.set_keyring(SecretService.Keyring())
    try:
        yield
    finally:
        keyring.core._keyring_backend = previous


@pytest.fixture(scope="session")
def secret_service() -> Iterator[SecretServiceEnv]:
    """The environment that reaches a private, unlocked gnome-keyring over a private bus."""
    with throwaway_secret_service() as env:
        yield env


@pytest.fixture
def real_keyring(
    secret_service: SecretServiceEnv, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SecretServiceEnv]:
    """This process's keyring calls go to the throwaway Secret Service, for one test."""
    with _secret_service_backend(secret_service, monkeypatch):
        secret_service.wipe()
        try:
            yield secret_service
        finally:
            secret_service.wipe()


@pytest.fixture
def locked_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[SecretServiceEnv]:
    """A Secret Service of its own whose login collection holds keys and is locked: what a
    desktop session looks like before the user unlocks it. Used by this process for one test.

    A separate session, since nothing but a password prompt unlocks it again.
    """
    import secretstorage

    with throwaway_secret_service() as env, _secret_service_backend(env, monkeypatch):
        env.store("default/api_key", "locked-api-key-000000000000000000")
        env.store("default/app_key", "locked-app-key-000000000000000000")
        connection = secretstorage.dbus_init()
        try:
            secretstorage.get_default_collection(connection).lock()
        finally:
            connection.close()
        yield env


@pytest.fixture
def keyring_backend() -> Iterator[Any]:
    """`keyring_backend(backend)` makes this process use `backend` until the test ends.

    keyring picks its backend once per process; this swaps it and puts the old one back.
    """
    import keyring
    import keyring.core

    previous = keyring.core._keyring_backend
    try:
        yield keyring.set_keyring
    finally:
        keyring.core._keyring_backend = previous
