"""Keys in the OS keyring: a real Secret Service, a missing one, a hanging one, and which keys
win. The real-keyring tests talk to a throwaway gnome-keyring (tests/secret_service.py)."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import InitError, PasswordDeleteError, PasswordSetError

from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from wfbrowse.credentials import (
    DEFAULT_PROFILE,
    ENVIRONMENT_SOURCE,
    SERVICE,
    Credentials,
    Resolution,
    resolve,
)
from wfbrowse.keystore import KeyringProblem, KeyStore, check_key
from wfbrowse.launch import LaunchOptions
from wfbrowse.settings import Config, ProfileInfo
from wfbrowse.sites import parse_site

if TYPE_CHECKING:
    from tests.secret_service import SecretServiceEnv

pytest_plugins = ["tests.secret_service"]

ENV_API_KEY = "env-api-key-000000000000000000e1e1"
ENV_APP_KEY = "env-app-key-0000000000000000000000000000e2e2"
ENV_KEYS = {"DD_API_KEY": ENV_API_KEY, "DD_APP_KEY": ENV_APP_KEY}
SECRETS = (TEST_API_KEY, TEST_APP_KEY, ENV_API_KEY, ENV_APP_KEY)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


# -- test-only keyring backends ----------------------------------------------------------------
class _TestBackend(KeyringBackend):
    """Never picked by keyring's own detection: only tests install it, explicitly."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("a test backend, installed by hand only")


class MemoryBackend(_TestBackend):
    """A dict, counting every call: tells whether the keyring was asked at all."""

    def __init__(self, entries: dict[str, str] | None = None) -> None:
        super().__init__()
        self.entries = dict(entries or {})
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        return self.entries.get(f"{service}:{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        self.entries[f"{service}:{username}"] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        if self.entries.pop(f"{service}:{username}", None) is None:
            raise PasswordDeleteError("not found")


def memory_with(profile: str, api_key: str = TEST_API_KEY, app_key: str = TEST_APP_KEY) -> Any:
    return MemoryBackend(
        {f"{SERVICE}:{profile}/api_key": api_key, f"{SERVICE}:{profile}/app_key": app_key}
    )


class HangingBackend(_TestBackend):
    """Every call blocks, like a Secret Service waiting on an unlock prompt nobody sees."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(30)


class LeakyBackend(_TestBackend):
    """Fails with the key in its exception messages: the worst a backend could do."""

    def get_password(self, service: str, username: str) -> str | None:
        raise InitError(f"Failed to create the collection: {TEST_API_KEY}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"refused to store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise ValueError(f"something about {TEST_APP_KEY}")


@pytest.fixture
def hanging(keyring_backend: Any) -> Iterator[HangingBackend]:
    backend = HangingBackend()
    keyring_backend(backend)
    yield backend
    # Let the abandoned worker threads finish while this backend is still the one in use:
    # left running, their next keyring call would pick whatever backend a later test sets.
    backend.release.set()
    for thread in threading.enumerate():
        if thread.name == "wfbrowse-keyring":
            thread.join(timeout=5)


@pytest.fixture
def fail_backend(keyring_backend: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """keyring's `fail` backend chosen the way users get it: through the environment."""
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring_backend(keyring.core._detect_backend())


# -- the real Secret Service -------------------------------------------------------------------
def test_round_trip_through_the_real_secret_service(real_keyring: SecretServiceEnv) -> None:
    store = KeyStore()
    assert store.backend_name() == "SecretService Keyring"
    assert store.load("work") is None
    store.save("work", TEST_API_KEY, TEST_APP_KEY)
    # secret-tool reads the daemon directly: the keys really are in gnome-keyring.
    assert real_keyring.stored("work/api_key") == TEST_API_KEY
    assert real_keyring.stored("work/app_key") == TEST_APP_KEY
    loaded = store.load("work")
    assert loaded == Credentials(TEST_API_KEY, TEST_APP_KEY, "keyring profile 'work'")
    assert store.delete("work") is True
    assert real_keyring.stored("work/api_key") is None
    assert real_keyring.stored("work/app_key") is None
    assert store.load("work") is None
    assert store.delete("work") is False


def test_keys_stored_by_other_tools_are_read(real_keyring: SecretServiceEnv) -> None:
    real_keyring.store(f"{DEFAULT_PROFILE}/api_key", TEST_API_KEY)
    real_keyring.store(f"{DEFAULT_PROFILE}/app_key", TEST_APP_KEY)
    loaded = KeyStore().load(DEFAULT_PROFILE)
    assert loaded is not None
    assert (loaded.api_key, loaded.app_key) == (TEST_API_KEY, TEST_APP_KEY)


def test_profiles_are_kept_apart_and_saving_again_replaces(real_keyring: SecretServiceEnv) -> None:
    store = KeyStore()
    store.save("work", TEST_API_KEY, TEST_APP_KEY)
    store.save("lab", ENV_API_KEY, ENV_APP_KEY)
    store.save("lab", ENV_API_KEY, TEST_APP_KEY)
    work, lab = store.load("work"), store.load("lab")
    assert work is not None and lab is not None
    assert (work.api_key, work.app_key) == (TEST_API_KEY, TEST_APP_KEY)
    assert (lab.api_key, lab.app_key) == (ENV_API_KEY, TEST_APP_KEY)
    # One item per user name: replacing did not leave the old application key behind.
    search = real_keyring.secret_tool("search", "--all", "service", SERVICE) or ""
    assert search.count("Password for 'lab/app_key'") == 1
    assert search.count("secret = ") == 4


def test_half_stored_keys_are_no_keys(real_keyring: SecretServiceEnv) -> None:
    real_keyring.store("half/api_key", TEST_API_KEY)
    store = KeyStore()
    assert store.load("half") is None
    assert store.load_pair("half") == (TEST_API_KEY, None)
    assert store.delete("half") is True
    assert real_keyring.stored("half/api_key") is None


# -- which keys win ----------------------------------------------------------------------------
def test_environment_keys_win_and_the_keyring_is_never_asked(keyring_backend: Any) -> None:
    backend = memory_with("work")
    keyring_backend(backend)
    config = Config().with_profile(ProfileInfo("work", "datadoghq.eu"))
    environ = {**ENV_KEYS, "DD_SITE": "us5.datadoghq.com"}
    result = resolve(environ, "work", config, KeyStore())
    assert backend.calls == 0
    assert result == Resolution(
        Credentials(ENV_API_KEY, ENV_APP_KEY, ENVIRONMENT_SOURCE),
        parse_site("us5.datadoghq.com"),
        None,
        None,
    )
    # Without them, the same call does reach the keyring.
    result = resolve({}, "work", config, KeyStore())
    assert backend.calls > 0
    assert result.credentials == Credentials(TEST_API_KEY, TEST_APP_KEY, "keyring profile 'work'")
    assert result.site == parse_site("datadoghq.eu")
    assert result.profile == "work"


def test_environment_keys_skip_even_a_hanging_keyring(hanging: HangingBackend) -> None:
    started = time.monotonic()
    result = resolve(ENV_KEYS, None, Config(), KeyStore(timeout=5))
    assert time.monotonic() - started < 1
    assert result.credentials is not None and result.problem is None
    assert result.site is None  # DD_SITE unset: the caller picks the default


def test_environment_source_names_the_variables_used() -> None:
    environ = {"DD_API_KEY": ENV_API_KEY, "DD_APPLICATION_KEY": ENV_APP_KEY}
    result = resolve(environ, None, Config(), KeyStore())
    assert result.credentials is not None
    assert result.credentials.source == "environment (DD_API_KEY, DD_APPLICATION_KEY)"


def test_one_environment_key_alone_does_not_count(keyring_backend: Any) -> None:
    keyring_backend(memory_with(DEFAULT_PROFILE))
    result = resolve({"DD_API_KEY": ENV_API_KEY}, None, Config(), KeyStore())
    assert result.credentials is not None
    assert result.credentials.api_key == TEST_API_KEY
    assert result.profile == DEFAULT_PROFILE


@pytest.mark.parametrize(
    ("explicit", "default", "looked_up"),
    [("lab", "work", "lab"), (None, "work", "work"), (None, None, DEFAULT_PROFILE)],
)
def test_which_profile_is_looked_up(
    keyring_backend: Any, explicit: str | None, default: str | None, looked_up: str
) -> None:
    backend = MemoryBackend()
    for name in ("lab", "work", DEFAULT_PROFILE):
        backend.entries[f"{SERVICE}:{name}/api_key"] = f"api-key-of-{name}-000000000000"
        backend.entries[f"{SERVICE}:{name}/app_key"] = f"app-key-of-{name}-000000000000"
    keyring_backend(backend)
    config = Config(default_profile=default)
    result = resolve({}, explicit, config, KeyStore())
    assert result.profile == looked_up
    assert result.credentials is not None
    assert result.credentials.api_key == f"api-key-of-{looked_up}-000000000000"


def test_a_profile_found_nowhere_gives_no_keys(keyring_backend: Any) -> None:
    keyring_backend(MemoryBackend())
    result = resolve({}, "ghost", Config(), KeyStore())
    assert result == Resolution(None, None, "ghost", None)


def test_an_invalid_site_in_the_settings_falls_back(keyring_backend: Any) -> None:
    keyring_backend(memory_with("work"))
    config = Config().with_profile(ProfileInfo("work", "mars.example"))
    assert resolve({}, None, config, KeyStore()).site is None


# -- no keyring, a broken keyring, a hanging keyring ----------------------------------------------
@pytest.mark.usefixtures("fail_backend")
def test_no_keyring_is_one_plain_problem_with_what_to_do() -> None:
    store = KeyStore()
    for call in (
        lambda: store.load("work"),
        lambda: store.save("work", TEST_API_KEY, TEST_APP_KEY),
        lambda: store.delete("work"),
    ):
        with pytest.raises(KeyringProblem) as caught:
            call()
        problem = caught.value
        assert problem.kind == "NoKeyringError"
        assert problem.message == "no OS keyring is available (NoKeyringError)"
        assert "DD_API_KEY" in problem.hint and "Secret Service" in problem.hint
        assert str(problem) == problem.one_line() == f"{problem.message} — {problem.hint}"
        assert "\n" not in str(problem)
        assert "keyrings.alt" not in str(problem)  # keyring's own text suggests it: not ours
        # Nothing of the backend's exception is attached.
        assert problem.__cause__ is None and problem.__context__ is None
        formatted = "".join(traceback.format_exception(problem))
        assert "keyring/backends" not in formatted
        assert_no_secret(formatted, repr(problem))


@pytest.mark.usefixtures("fail_backend")
def test_no_keyring_still_resolves_environment_keys_and_reports_the_rest() -> None:
    assert resolve(ENV_KEYS, None, Config(), KeyStore()).problem is None
    result = resolve({}, None, Config(), KeyStore())
    assert result.credentials is None
    assert result.problem is not None and result.problem.kind == "NoKeyringError"
    assert result.profile == DEFAULT_PROFILE


def test_a_hanging_keyring_times_out(hanging: HangingBackend) -> None:
    store = KeyStore(timeout=0.3)
    for call in (
        lambda: store.load("work"),
        lambda: store.save("work", TEST_API_KEY, TEST_APP_KEY),
        lambda: store.delete("work"),
    ):
        started = time.monotonic()
        with pytest.raises(KeyringProblem) as caught:
            call()
        assert 0.25 < time.monotonic() - started < 2
        assert caught.value.kind == "Timeout"
        assert "did not answer within 0.3 s" in caught.value.message
    result = resolve({}, None, Config(), store)
    assert result.problem is not None and result.problem.kind == "Timeout"


def test_backend_messages_never_carry_a_key(keyring_backend: Any) -> None:
    keyring_backend(LeakyBackend())
    store = KeyStore()
    problems = []
    for call in (
        lambda: store.load("work"),
        lambda: store.save("work", TEST_API_KEY, TEST_APP_KEY),
        lambda: store.delete("work"),
    ):
        with pytest.raises(KeyringProblem) as caught:
            call()
        problems.append(caught.value)
        assert caught.value.__context__ is None
        assert_no_secret(str(caught.value), repr(caught.value))
        assert_no_secret("".join(traceback.format_exception(caught.value)))
    load, save, delete = problems
    assert load.kind == "InitError"
    assert "Failed to create the collection: …" in load.message  # keyring's own text, redacted
    assert save.kind == "PasswordSetError"
    assert delete.kind == "ValueError"
    assert delete.message == "the OS keyring failed (ValueError)"  # no foreign text at all


def test_a_keyring_that_keeps_nothing_is_a_problem(keyring_backend: Any) -> None:
    from keyring.backends.null import Keyring as NullKeyring

    keyring_backend(NullKeyring())
    with pytest.raises(KeyringProblem) as caught:
        KeyStore().save("work", TEST_API_KEY, TEST_APP_KEY)
    assert caught.value.kind == "NotStored"
    assert "null Keyring" in caught.value.message


@pytest.mark.parametrize("name", ["", "a/b", "x" * 65, "tab\there", " padded", "bell\x07"])
def test_bad_profile_names_are_refused_before_the_keyring(keyring_backend: Any, name: str) -> None:
    backend = MemoryBackend()
    keyring_backend(backend)
    for call in (
        lambda: KeyStore().load(name),
        lambda: KeyStore().save(name, TEST_API_KEY, TEST_APP_KEY),
        lambda: KeyStore().delete(name),
        lambda: resolve({}, name, Config(), KeyStore()),
    ):
        with pytest.raises(ValueError) as caught:
            call()
        assert "\n" not in str(caught.value)
    assert backend.calls == 0


def test_longest_allowed_profile_name_works(keyring_backend: Any) -> None:
    keyring_backend(MemoryBackend())
    name = "é" * 64
    KeyStore().save(name, TEST_API_KEY, TEST_APP_KEY)
    assert KeyStore().load(name) is not None


@pytest.mark.parametrize("key", ["", "with space", "tab\tkey", "ünïcode-key-0000", "nl\n"])
def test_keys_that_cannot_be_sent_are_refused_without_echo(key: str) -> None:
    with pytest.raises(ValueError) as caught:
        check_key(key, "API key")
    assert key.strip() == "" or key not in str(caught.value)
    with pytest.raises(ValueError):
        KeyStore().save("work", key, TEST_APP_KEY)


def test_nothing_shows_a_key_in_repr_or_str(keyring_backend: Any) -> None:
    keyring_backend(memory_with("work"))
    store = KeyStore()
    result = resolve({}, "work", Config(), store)
    env_result = resolve(ENV_KEYS, None, Config(), store)
    options = LaunchOptions(parse_site("datadoghq.com"), result.credentials, profile="work")
    for thing in (store, result, env_result, result.credentials, options):
        assert_no_secret(repr(thing), str(thing))
    assert "…a1b2" in repr(result)  # the masked form is what shows


def test_credentials_are_read_only_and_compare_by_value() -> None:
    keys = Credentials(TEST_API_KEY, TEST_APP_KEY, "environment")
    with pytest.raises(AttributeError) as raised:
        keys.api_key = "other"  # type: ignore[misc]
    assert_no_secret(str(raised.value), repr(raised.value))
    with pytest.raises(AttributeError):
        del keys.app_key  # type: ignore[misc]
    assert keys.api_key == TEST_API_KEY
    same = Credentials(TEST_API_KEY, TEST_APP_KEY, "environment")
    assert keys == same and hash(keys) == hash(same)
    assert keys != Credentials(TEST_API_KEY, TEST_APP_KEY, "keyring profile 'work'")
    assert keys != (TEST_API_KEY, TEST_APP_KEY, "environment")


def test_a_locked_secret_service_is_a_problem_not_a_freeze(
    locked_keyring: SecretServiceEnv,
) -> None:
    # No one can answer the unlock prompt here: gnome-keyring reports the collection still
    # locked (or, where a prompter waits for a display, the time limit ends the wait).
    store = KeyStore(timeout=3)
    started = time.monotonic()
    with pytest.raises(KeyringProblem) as caught:
        store.load(DEFAULT_PROFILE)
    assert time.monotonic() - started < 5
    problem = caught.value
    assert problem.kind in ("KeyringLocked", "InitError", "Timeout"), problem
    assert "DD_API_KEY" in problem.hint
    assert "locked-" not in str(problem)
    result = resolve({}, None, Config(), store)
    assert result.credentials is None and result.problem is not None
    assert resolve(ENV_KEYS, None, Config(), store).credentials is not None
