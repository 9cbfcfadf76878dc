"""`wfbrowse themes`: every theme the app can use, where each comes from, and any theme file
that cannot be used (with why). The `--theme` check lives here too."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from wfbrowse.theme_files import DEFAULT_THEME, ThemeSpec, load_themes, theme_dirs

DESCRIPTION = """\
List the colour themes: wfbrowse's own (shipped in its themes folder), your theme files
(in the folder shown below; a TOML file each, see README "Themes"), and Textual's built-in
themes. Choose one for a run with `wfbrowse --theme NAME`, or in the app (command palette,
"Theme"), which also saves it as your default.
"""


def _textual_theme_names() -> list[str]:
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def check_theme(name: str) -> str | None:
    """None when `name` is a theme the app can use, else a one-line complaint."""
    specs, problems = load_themes(theme_dirs())
    if name in {spec.name for spec in specs}:
        return None
    if name in _textual_theme_names():
        return None
    broken = next((line for line in problems if f"{name}.toml" in line), None)
    if broken:
        return broken
    return f"unknown theme {name!r}; `wfbrowse themes` lists them (e.g. {DEFAULT_THEME})"


def _describe(spec: ThemeSpec) -> str:
    kind = "dark " if spec.dark else "light"
    return f"{spec.name:<26} {kind}  {spec.source}"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="wfbrowse themes",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.parse_args(list(argv))
    from wfbrowse.tui.themes import usable_themes

    usable, problems = usable_themes()
    user = theme_dirs()[1]
    print(f"wfbrowse themes (default {DEFAULT_THEME}):")
    for spec, _ in usable:
        print(f"  {_describe(spec)}")
    print("Textual's built-in themes:")
    print("  " + ", ".join(_textual_theme_names()))
    print(f"Your theme files go in: {user}")
    for line in problems:
        print(f"wfbrowse: {line}", file=sys.stderr)
    return 1 if problems else 0
