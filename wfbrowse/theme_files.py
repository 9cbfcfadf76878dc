"""Themes as TOML files: the ones shipped with wfbrowse, and the user's own.

A theme file looks like this (every colour is anything Textual's CSS takes as a colour):

    name = "my-theme"
    dark = true

    [colors]            # Textual's theme colours; only primary is required
    primary = "#4EA1FF"
    background = "#14161B"

    [variables]         # wfbrowse's own variables (and any of Textual's), all optional
    json-key = "#8AB4F8"
    state-failed = "#FF6B6B"

This module reads and checks the shape of the files; it knows nothing of Textual (the app
turns a `ThemeSpec` into a Textual `Theme` and checks the colours themselves). A file that
cannot be used is never fatal: it comes back as a one-line problem naming the file.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "COLOR_FIELDS",
    "DEFAULT_THEME",
    "OWN_VARIABLES",
    "ThemeFileError",
    "ThemeSpec",
    "bundled_themes_dir",
    "load_theme_file",
    "load_themes",
    "theme_dirs",
    "user_themes_dir",
]

DEFAULT_THEME = "wfbrowse-dark"

# The fields of Textual's Theme that take a colour.
COLOR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)

# wfbrowse's own variables: the tree's JSON types and the run states. The app's CSS and the
# run labels use them; a theme that leaves one out (Textual's built-in themes leave all of
# them out) gets a readable colour worked out from its other colours (tui/themes.py).
OWN_VARIABLES = (
    "json-key",
    "json-string",
    "json-number",
    "json-bool",
    "json-null",
    "json-muted",  # punctuation, sizes like "{4 keys}", array indexes
    "json-guide",  # the tree's indent guides
    "state-running",
    "state-succeeded",
    "state-failed",
    "state-canceled",
)

MAX_THEME_FILE = 64 * 1024  # a theme is a few hundred bytes; anything huge is a mistake
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
_VARIABLE = re.compile(r"[a-z][a-z0-9-]{0,63}")
_TOP_LEVEL = {"name", "dark", "colors", "variables", "description"}


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message is one line and names the file."""


class ThemeSpec(NamedTuple):  # a NamedTuple: made at start-up (see `wfbrowse.sites.Site`)
    name: str
    dark: bool
    colors: dict[str, str]
    variables: dict[str, str]
    description: str = ""
    source: Path | None = None


def bundled_themes_dir() -> Path:
    """The themes shipped with wfbrowse.

    An installed wheel carries them inside the package (`wfbrowse/themes`); a source checkout
    keeps them in the top-level `themes/` folder beside the package.
    """
    package = Path(__file__).resolve().parent
    inside = package / "themes"
    return inside if inside.is_dir() else package.parent / "themes"


def user_themes_dir() -> Path:
    """Where users drop their own theme files: $XDG_CONFIG_HOME/wfbrowse/themes on Linux."""
    from wfbrowse.settings import config_dir

    return config_dir() / "themes"


def theme_dirs() -> tuple[Path, Path]:
    """Bundled first, then the user's: a user's theme of the same name replaces ours."""
    return bundled_themes_dir(), user_themes_dir()


def _named(path: Path | None) -> str:
    """A theme file as messages name it: under the home folder as `~/...`, so that what is
    wrong with it still fits a narrow pane's status bar after the name."""
    if path is None:
        return "<no file>"
    with contextlib.suppress(RuntimeError, ValueError):  # no home folder; not under it
        return f"~/{path.relative_to(Path.home())}"
    return str(path)


def file_error(path: Path | None, why: str) -> ThemeFileError:
    """The one-line error for a theme file that cannot be used: its name, then why."""
    return ThemeFileError(f"theme file {_named(path)}: {why}")


def _string_table(path: Path, data: dict[str, object], key: str) -> dict[str, str]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise file_error(path, f"[{key}] must be a table")
    result: dict[str, str] = {}
    for name, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise file_error(path, f"{key}.{name} must be a non-empty string")
        result[name] = value.strip()
    return result


def load_theme_file(path: Path) -> ThemeSpec:
    """Read and check one theme file; ThemeFileError (one line, naming it) when it is unusable."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_THEME_FILE + 1)
    except OSError as error:
        raise file_error(path, error.strerror or type(error).__name__) from None
    if len(raw) > MAX_THEME_FILE:
        raise file_error(path, f"larger than {MAX_THEME_FILE // 1024} KiB")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise file_error(path, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise file_error(path, f"not valid TOML ({error})") from None
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        raise file_error(path, f"unknown entry {unknown[0]!r} (expected name, dark, [colors], ...)")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise file_error(
            path, "name must be lower-case letters, digits and '-' (e.g. \"my-theme\")"
        )
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise file_error(path, "dark must be true or false")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise file_error(path, "description must be a string")
    colors = _string_table(path, data, "colors")
    bad = sorted(set(colors) - set(COLOR_FIELDS))
    if bad:
        raise file_error(path, f"colors.{bad[0]} is not a theme colour ({', '.join(COLOR_FIELDS)})")
    if "primary" not in colors:
        raise file_error(path, "colors.primary is required")
    variables = _string_table(path, data, "variables")
    for variable in variables:
        if not _VARIABLE.fullmatch(variable):
            raise file_error(path, f"variables.{variable!r} is not a variable name")
    return ThemeSpec(name, dark, colors, variables, description, path)


def load_themes(folders: Iterable[Path]) -> tuple[list[ThemeSpec], list[str]]:
    """Every `*.toml` theme in `folders` (missing folders are skipped), and one problem line
    per file that could not be used. A later theme replaces an earlier one of the same name."""
    themes: dict[str, ThemeSpec] = {}
    problems: list[str] = []
    for folder in folders:
        try:
            files = sorted(folder.glob("*.toml"))
        except OSError:
            continue
        for path in files:
            try:
                spec = load_theme_file(path)
            except ThemeFileError as error:
                problems.append(str(error))
                continue
            themes[spec.name] = spec
    return list(themes.values()), problems
