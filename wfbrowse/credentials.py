"""Datadog API and application keys, and where they came from.

Keys are secrets that end up on screen and in logs if anything prints the object holding
them, so `Credentials` only ever shows a masked form ("…abcd").
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Credentials:
    """An API key and an application key, plus a short label of their origin."""

    api_key: str
    app_key: str
    source: str  # e.g. "environment"

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
