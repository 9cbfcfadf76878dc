"""Datadog API and application keys: what they are, where they come from, which ones win.

Keys are secrets that end up on screen and in logs if anything prints the object holding
them, so `Credentials` only ever shows a masked form ("…abcd").

They come from the environment (DD_API_KEY and DD_APP_KEY, which win) or from a profile in
the OS keyring (see keystore.py, kept apart so that start-up does not load it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from wfbrowse.settings import check_profile_name
from wfbrowse.sites import Site, SiteError, parse_site

if TYPE_CHECKING:
    from wfbrowse.keystore import KeyringProblem, KeyStore
    from wfbrowse.settings import Config

SERVICE = "wfbrowse"
DEFAULT_PROFILE = "default"
ENVIRONMENT_SOURCE = "environment (DD_API_KEY, DD_APP_KEY)"

API_KEY_VARS = ("DD_API_KEY",)
# DD_APP_KEY is the convention every Datadog tool documents; DD_APPLICATION_KEY is also common.
APP_KEY_VARS = ("DD_APP_KEY", "DD_APPLICATION_KEY")

# Below this length the last four characters would be too large a share of the key.
_MIN_LEN_TO_SHOW_TAIL = 12


def masked(key: str) -> str:
    """The key as it may be shown: "…" and its last four characters, for a long enough key."""
    if not key:
        return "(empty)"
    if len(key) < _MIN_LEN_TO_SHOW_TAIL:
        return "…"
    return "…" + key[-4:]


class Credentials:
    """An API key and an application key, plus a short label of their origin. Read-only.

    Not a NamedTuple, unlike the other records made at start-up (see `wfbrowse.sites.Site`):
    keys in a tuple could be unpacked, indexed or %-formatted into text without passing
    through __repr__. Not a dataclass either: making the class costs a millisecond of
    start-up, for an __init__, __eq__ and __hash__ written here in a few lines.
    """

    __slots__ = ("api_key", "app_key", "source")
    api_key: str
    app_key: str
    source: str  # e.g. "environment (DD_API_KEY, DD_APP_KEY)", "keyring profile 'work'"

    def __init__(self, api_key: str, app_key: str, source: str) -> None:
        object.__setattr__(self, "api_key", api_key)
        object.__setattr__(self, "app_key", app_key)
        object.__setattr__(self, "source", source)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Credentials are read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Credentials are read-only: cannot delete {name!r}")

    def _fields(self) -> tuple[str, str, str]:
        return self.api_key, self.app_key, self.source

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"Credentials(api_key={masked(self.api_key)!r}, app_key={masked(self.app_key)!r},"
            f" source={self.source!r})"
        )

    __str__ = __repr__


def _first_set(environ: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def from_environment(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Keys from DD_API_KEY and DD_APP_KEY (or DD_APPLICATION_KEY); None unless both are set."""
    env = os.environ if environ is None else environ
    api_key = _first_set(env, API_KEY_VARS)
    app_key = _first_set(env, APP_KEY_VARS)
    if api_key is None or app_key is None:
        return None
    return Credentials(api_key=api_key, app_key=app_key, source="environment")


def keyring_source(profile: str) -> str:
    return f"keyring profile '{profile}'"


class Resolution(NamedTuple):
    """Which keys the app uses, and why."""

    credentials: Credentials | None
    site: Site | None  # DD_SITE for environment keys (None if unset), else the profile's site
    profile: str | None  # the profile looked up (also when nothing was there); None: environment
    problem: KeyringProblem | None


def _environment_source(environ: Mapping[str, str]) -> str:
    app_var = next(name for name in APP_KEY_VARS if environ.get(name, "").strip())
    return ENVIRONMENT_SOURCE if app_var == "DD_APP_KEY" else f"environment (DD_API_KEY, {app_var})"


def _site_or_none(text: str | None) -> Site | None:
    if not text or not text.strip():
        return None
    try:
        return parse_site(text)
    except SiteError:
        return None  # the caller reports a bad DD_SITE; a bad saved site falls back to default


def resolve(
    environ: Mapping[str, str], profile: str | None, config: Config, keystore: KeyStore | None
) -> Resolution:
    """Environment keys first (the keyring is not touched), then the profile's keys.

    With `keystore` None the keyring is not read either: the profile and its site are
    worked out and the keys are left for the caller to load later (the app does it in the
    background). Raises ValueError for an invalid profile name; a keyring failure is
    returned, not raised.
    """
    from_env = from_environment(environ)
    if from_env is not None:
        labelled = Credentials(from_env.api_key, from_env.app_key, _environment_source(environ))
        return Resolution(labelled, _site_or_none(environ.get("DD_SITE")), None, None)
    chosen = profile if profile is not None else config.default_profile or DEFAULT_PROFILE
    name = check_profile_name(chosen)
    info = config.profiles.get(name)
    site = _site_or_none(info.site) if info is not None else None
    if keystore is None:
        return Resolution(None, site, name, None)
    from wfbrowse.keystore import KeyringProblem

    try:
        credentials = keystore.load(name)
    except KeyringProblem as problem:
        return Resolution(None, site, name, problem.with_traceback(None))
    return Resolution(credentials, site, name, None)


def unknown_profile(explicit: str | None, config: Config, resolution: Resolution) -> str | None:
    """The one-line complaint when --profile names a profile that exists nowhere, else None.

    A profile counts as known when the settings list it, or when the keyring has its keys.
    When the keyring was not asked (environment keys, or the app, which reads it once it is
    up), only the settings count. When the keyring could not be read, nobody can tell: that
    problem is reported instead.
    """
    if explicit is None or explicit in config.profiles:
        return None
    from_env = resolution.profile is None
    if not from_env and (resolution.credentials is not None or resolution.problem is not None):
        return None
    known = ", ".join(repr(name) for name in config.profiles)
    listing = f"known profiles: {known}" if known else "no profiles yet"
    return (
        f"unknown profile {explicit!r} ({listing}); store keys for it with "
        f"`wfbrowse keys set --profile {explicit}`"
    )
