"""The OS keyring that keeps the keys: service "wfbrowse", user names "PROFILE/api_key" and
"PROFILE/app_key" (macOS Keychain, Windows Credential Manager, the Secret Service on Linux).

Nothing else ever stores a key: there is no plaintext fallback. When the keyring is missing,
locked or hangs, every call ends in a `KeyringProblem` that says what happened and what to
do, within a time limit, and the caller goes on without it.

keyring is imported inside the worker threads only: a keyring that hangs while loading must
not freeze the caller, and start-up must not pay for it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from wfbrowse.credentials import SERVICE, Credentials, keyring_source
from wfbrowse.settings import check_profile_name
from wfbrowse.textsafe import escape_controls, shorten

_T = TypeVar("_T")

# Messages for the keyring failures people meet; anything else is named by its class.
_MESSAGES = {
    "NoKeyringError": "no OS keyring is available",
    "KeyringLocked": "the OS keyring is locked",
    "InitError": "the OS keyring could not be opened",
    "PasswordSetError": "the OS keyring refused to store the keys",
    "PasswordDeleteError": "the OS keyring refused to delete the keys",
}
# Exception classes of keyring's own whose text says something useful ("Prompt dismissed")
# and is written by the backend, not built from a stored value.
_DETAILED = frozenset({"InitError", "KeyringLocked", "PasswordSetError", "PasswordDeleteError"})
_DETAIL_LIMIT = 100


def _environment_hint() -> str:
    if sys.platform.startswith("linux"):
        return "set DD_API_KEY and DD_APP_KEY, or start a Secret Service (gnome-keyring)"
    return "set DD_API_KEY and DD_APP_KEY"


class KeyringProblem(Exception):
    """The keyring could not be used: what happened (`message`), and what to do (`hint`).

    Built from the exception's class name and a message of wfbrowse's own, so it can never
    carry a key, and raised from outside any `except` block so no traceback chains to frames
    that held one.
    """

    def __init__(self, kind: str, message: str, hint: str) -> None:
        self.kind = kind
        self.message = escape_controls(message)
        self.hint = escape_controls(hint)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        return f"{self.message} — {self.hint}"

    def __str__(self) -> str:
        return self.one_line()

    @classmethod
    def from_exception(cls, error: BaseException, secrets: tuple[str, ...] = ()) -> KeyringProblem:
        kind = type(error).__name__
        head = _MESSAGES.get(kind, "the OS keyring failed")
        detail = _safe_detail(error, secrets) if kind in _DETAILED else ""
        message = f"{head} ({kind}: {detail})" if detail else f"{head} ({kind})"
        hint = _environment_hint()
        if kind in ("KeyringLocked", "InitError"):
            hint = "unlock the keyring (log in to the desktop session), or " + hint
        elif not type(error).__module__.startswith("keyring"):
            # Not keyring's own error: typically a backend named in the settings that
            # cannot be loaded.
            hint = "check PYTHON_KEYRING_BACKEND and keyringrc.cfg, or " + hint
        return cls(kind, message, hint)

    @classmethod
    def timeout(cls, seconds: float) -> KeyringProblem:
        return cls(
            "Timeout",
            f"the OS keyring did not answer within {seconds:g} s (Timeout)",
            "unlock or restart it, or " + _environment_hint(),
        )

    @classmethod
    def not_stored(cls, backend: str) -> KeyringProblem:
        # The null backend, or a broken one, accepts keys and keeps nothing.
        return cls(
            "NotStored",
            f"the keyring backend {backend!r} did not keep the keys (NotStored)",
            "check PYTHON_KEYRING_BACKEND and keyringrc.cfg, or " + _environment_hint(),
        )


def _safe_detail(error: BaseException, secrets: tuple[str, ...]) -> str:
    """The first line of a backend's message, without anything that could be a key.

    The keys being written are blanked by value; on a read they are not known yet, so any
    long run of key-like characters goes too (Datadog keys are 32 and 40 hex digits), while
    words such as "Prompt dismissed" stay.
    """
    import re

    lines = str(error).strip().splitlines()
    text = lines[0] if lines else ""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "…")
    text = re.sub(r"[A-Za-z0-9_+/=.-]{16,}", "…", text)
    return shorten(escape_controls(text), _DETAIL_LIMIT)


def check_key(key: str, what: str) -> str:
    """Return the key if it can be sent in an HTTP header; raise ValueError (without the key)."""
    if not key:
        raise ValueError(f"empty {what}")
    if not key.isascii() or not key.isprintable() or any(ch.isspace() for ch in key):
        raise ValueError(f"the {what} contains spaces or characters a key cannot have")
    return key


class _Outcome(Generic[_T]):
    """What a worker thread hands back: a value or a problem, never a raw exception."""

    def __init__(self) -> None:
        self.value: _T | None = None
        self.problem: KeyringProblem | None = None
        self.done = threading.Event()


class KeyStore:
    """The OS keyring, service `wfbrowse`, usernames f"{profile}/api_key" and f"{profile}/app_key".

    Each call runs keyring in a daemon thread and waits at most `timeout` seconds: a Secret
    Service that never answers (a locked collection waiting on a prompt nobody sees) costs
    that long once, and the thread it leaves behind does not keep the process alive.
    """

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"KeyStore(service={SERVICE!r}, timeout={self.timeout:g})"

    def load(self, profile: str) -> Credentials | None:
        """The profile's keys, or None when they are not (both) stored."""
        api_key, app_key = self.load_pair(profile)
        if not api_key or not app_key:
            return None
        return Credentials(api_key, app_key, keyring_source(profile))

    def load_pair(self, profile: str) -> tuple[str | None, str | None]:
        """Each of the profile's two keys, or None for one that is not stored."""
        name = check_profile_name(profile)
        return self._run(lambda: (_get(name, "api_key"), _get(name, "app_key")))

    def save(self, profile: str, api_key: str, app_key: str) -> None:
        """Store both keys, then read them back: a backend that keeps nothing is a problem."""
        name = check_profile_name(profile)
        check_key(api_key, "API key")
        check_key(app_key, "application key")

        def work() -> str | None:
            _set(name, "api_key", api_key)
            _set(name, "app_key", app_key)
            kept = _get(name, "api_key") == api_key and _get(name, "app_key") == app_key
            return None if kept else _backend_name()

        lost_in = self._run(work, secrets=(api_key, app_key))
        if lost_in is not None:
            raise KeyringProblem.not_stored(lost_in)

    def delete(self, profile: str) -> bool:
        """Remove both keys; True if anything was there."""
        name = check_profile_name(profile)
        return self._run(lambda: any([_delete(name, "api_key"), _delete(name, "app_key")]))

    def backend_name(self) -> str:
        """The backend keyring would use, e.g. "SecretService Keyring", for messages."""
        try:
            return self._run(_backend_name)
        except KeyringProblem:
            return "the OS keyring"

    def _run(self, work: Callable[[], _T], secrets: tuple[str, ...] = ()) -> _T:
        outcome: _Outcome[_T] = _Outcome()
        thread = threading.Thread(
            target=_work_in_thread, args=(work, outcome, secrets), name="wfbrowse-keyring"
        )
        thread.daemon = True  # a hung keyring call must not keep the process from exiting
        thread.start()
        if not outcome.done.wait(self.timeout):
            raise KeyringProblem.timeout(self.timeout)
        if outcome.problem is not None:
            raise outcome.problem
        return outcome.value  # type: ignore[return-value]


def _work_in_thread(
    work: Callable[[], _T], outcome: _Outcome[_T], secrets: tuple[str, ...]
) -> None:
    try:
        outcome.value = work()
    except Exception as error:
        # Only a description leaves this block; the exception and its frames stay here.
        outcome.problem = KeyringProblem.from_exception(error, secrets)
    finally:
        outcome.done.set()


def _username(profile: str, which: str) -> str:
    return f"{profile}/{which}"


def _get(profile: str, which: str) -> str | None:
    import keyring

    return keyring.get_password(SERVICE, _username(profile, which))


def _set(profile: str, which: str, value: str) -> None:
    import keyring

    keyring.set_password(SERVICE, _username(profile, which), value)


def _delete(profile: str, which: str) -> bool:
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, _username(profile, which))
    except PasswordDeleteError:
        return False  # what every backend raises for "no such password"
    return True


def _backend_name() -> str:
    import keyring

    return str(keyring.get_keyring().name)


# -- resolution --------------------------------------------------------------------------------
