"""Profiles and other non-secret settings, in a JSON file in the platform's config folder.

The file holds profile names, their sites and which profile is the default; keys never go
into it (they live in the OS keyring, see credentials.py). Its shape:

    {"default_profile": "work",
     "profiles": {"work": {"site": "datadoghq.eu"}, "lab": {"site": "datadoghq.com"}}}

Any other top-level entry is kept as it is, so a newer version's settings survive an older
one saving the file. A file that cannot be read is renamed aside, never deleted or
overwritten, and the app starts with no profiles.

platformdirs is imported on first use: the command line's fast paths never need it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from wfbrowse.privatefiles import set_aside_with_warning, write_json

__all__ = [
    "MAX_PROFILE_NAME",
    "Config",
    "ProfileInfo",
    "check_profile_name",
    "config_dir",
    "config_file",
    "load_config",
    "save_config",
]

APP_NAME = "wfbrowse"
CONFIG_NAME = "config.json"
MAX_PROFILE_NAME = 64

_PROFILES = "profiles"
_DEFAULT = "default_profile"


def config_dir() -> Path:
    """The folder for wfbrowse's settings: $XDG_CONFIG_HOME/wfbrowse on Linux."""
    import platformdirs

    return platformdirs.user_config_path(APP_NAME)


def config_file() -> Path:
    return config_dir() / CONFIG_NAME


def check_profile_name(name: str) -> str:
    """Return the name if it can be a profile, else raise ValueError with a one-line reason.

    A name becomes part of a keyring user name ("NAME/api_key"), hence no "/"; it is also
    printed in messages and tables, hence printable and short.
    """
    if not name:
        raise ValueError("empty profile name")
    shown = repr(name[:MAX_PROFILE_NAME])
    if len(name) > MAX_PROFILE_NAME:
        raise ValueError(f"profile name {shown}... is longer than {MAX_PROFILE_NAME} characters")
    if "/" in name:
        raise ValueError(f"profile name {shown} contains '/'")
    if not name.isprintable() or name != name.strip():
        raise ValueError(f"profile name {shown} has spaces at an end or unprintable characters")
    return name


class ProfileInfo(NamedTuple):  # a NamedTuple: made at start-up (see `wfbrowse.sites.Site`)
    name: str
    site: str  # a site domain, e.g. "datadoghq.eu"


class Config:
    """The settings file's contents. A plain class, not a dataclass: making a dataclass costs
    a millisecond of start-up (its methods are generated and compiled then)."""

    __slots__ = ("default_profile", "extra", "profiles")

    def __init__(
        self,
        profiles: dict[str, ProfileInfo] | None = None,
        default_profile: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.profiles: dict[str, ProfileInfo] = {} if profiles is None else profiles  # in order
        self.default_profile = default_profile
        self.extra: dict[str, Any] = {} if extra is None else extra  # other entries, kept on save

    def _fields(self) -> tuple[object, ...]:
        return self.profiles, self.default_profile, self.extra

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Config):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return (
            f"Config(profiles={self.profiles!r}, default_profile={self.default_profile!r}, "
            f"extra={self.extra!r})"
        )

    def with_profile(self, info: ProfileInfo, *, make_default: bool = False) -> Config:
        """A copy with `info` added, or replacing the profile of that name in its place."""
        profiles = dict(self.profiles)
        profiles[info.name] = info
        default = self.default_profile
        if make_default or default is None or default not in profiles:
            default = info.name
        return Config(profiles, default, dict(self.extra))

    def without_profile(self, name: str) -> Config:
        """A copy without `name`; the default moves to the first remaining profile, if any."""
        profiles = {key: value for key, value in self.profiles.items() if key != name}
        default = self.default_profile
        if default == name or default not in profiles:
            default = next(iter(profiles), None)
        return Config(profiles, default, dict(self.extra))


class _BadShape(ValueError):
    """The file is JSON but not a config this version understands."""


def _parse(data: Any) -> Config:
    if not isinstance(data, dict):
        raise _BadShape("not a JSON object")
    extra = {key: value for key, value in data.items() if key not in (_PROFILES, _DEFAULT)}
    raw_profiles = data.get(_PROFILES, {})
    if not isinstance(raw_profiles, dict):
        raise _BadShape(f'"{_PROFILES}" is not an object')
    profiles: dict[str, ProfileInfo] = {}
    for name, entry in raw_profiles.items():
        site = entry.get("site") if isinstance(entry, dict) else None
        if not isinstance(site, str):
            raise _BadShape(f"profile {name!r} has no site")
        try:
            check_profile_name(name)
        except ValueError as error:
            raise _BadShape(str(error)) from None
        profiles[name] = ProfileInfo(name, site)
    default = data.get(_DEFAULT)
    if default is not None and not isinstance(default, str):
        raise _BadShape(f'"{_DEFAULT}" is not a string')
    return Config(profiles, default, extra)


def _to_json(config: Config) -> dict[str, Any]:
    data: dict[str, Any] = dict(config.extra)
    data[_DEFAULT] = config.default_profile
    # Only the fields of ProfileInfo are written: nothing else can reach the file from here.
    data[_PROFILES] = {name: {"site": info.site} for name, info in config.profiles.items()}
    return data


def load_config(path: Path | None = None) -> tuple[Config, str | None]:
    """The settings, and a one-line warning when the file had to be set aside.

    A missing file is simply no settings. A file that cannot be read or understood is kept
    under another name (the user may want what is in it) and the app carries on without it.
    """
    file = config_file() if path is None else path
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(), None
    except (OSError, UnicodeDecodeError) as error:
        return Config(), _warn_and_set_aside(file, type(error).__name__)
    import json  # here: with no settings file (keys from the environment) start-up needs none

    try:
        return _parse(json.loads(text)), None
    except _BadShape as error:
        return Config(), _warn_and_set_aside(file, str(error))
    except ValueError:  # json.JSONDecodeError, or a number too long to convert
        return Config(), _warn_and_set_aside(file, "not valid JSON")


def _warn_and_set_aside(file: Path, why: str) -> str:
    return set_aside_with_warning(file, "settings", why)


def save_config(config: Config, path: Path | None = None) -> None:
    """Write the settings atomically, mode 0600: readers see the old file or the new one."""
    write_json(config_file() if path is None else path, _to_json(config))
