"""Themes in the app: theme files made into Textual themes, wfbrowse's own colour variables
for any theme, and the run-state colours for labels built in Python.

wfbrowse's variables (`json-*`, `state-*`, see `wfbrowse.theme_files.OWN_VARIABLES`) are
used by the CSS (the tree) and by the summary panel and run lists. A theme that does not
set them, as none of Textual's built-in themes do, gets them worked out from its own text
colours and lifted until they stand out from its background (WCAG contrast 4.5:1): so a
state stays readable in every theme, light ones included. ANSI themes keep the terminal's
own colours, which only the terminal knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.style import Style
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import Theme

from wfbrowse.theme_files import (
    COLOR_FIELDS,
    OWN_VARIABLES,
    ThemeFileError,
    ThemeSpec,
    file_error,
)

if TYPE_CHECKING:
    from textual.app import App

__all__ = [
    "MIN_CONTRAST",
    "Tones",
    "contrast",
    "fill_own_variables",
    "state_name",
    "to_textual_theme",
    "tones",
    "usable_themes",
]

MIN_CONTRAST = 4.5  # WCAG AA for text

# Where a theme without wfbrowse's variables takes them from (Textual's generated colours).
_DERIVED_FROM = {
    "json-key": "text-accent",
    "json-string": "text-success",
    "json-number": "text-warning",
    "json-bool": "text-secondary",
    "json-null": "foreground",
    "state-running": "text-primary",
    "state-succeeded": "text-success",
    "state-failed": "text-error",
    "state-canceled": "text-warning",
}
assert set(_DERIVED_FROM) | {"json-muted", "json-guide"} == set(OWN_VARIABLES)

_STATES = {
    "IN_PROGRESS": "running",
    "RUNNING": "running",
    "SUCCEEDED": "succeeded",
    "COMPLETED": "succeeded",
    "CANCELED": "canceled",
    "CANCELLED": "canceled",
}


def _check_color(spec: ThemeSpec, where: str, value: str) -> None:
    try:
        Color.parse(value)
    except ColorParseError:
        raise file_error(
            spec.source,
            f"{where} = {value!r} is not a colour "
            '(e.g. "#4EA1FF", "rgb(78,161,255)", "ansi_green")',
        ) from None


def to_textual_theme(spec: ThemeSpec) -> Theme:
    """A Textual theme from a checked file; ThemeFileError naming the file for a bad value.

    Every value is checked here, before the theme is used: a value Textual's CSS cannot
    take would otherwise stop the whole stylesheet from loading.
    """
    for key, value in spec.colors.items():
        _check_color(spec, f"colors.{key}", value)
    for key, value in spec.variables.items():
        if key.endswith("text-style"):
            if not set(value.split()) <= VALID_STYLE_FLAGS:
                raise file_error(
                    spec.source,
                    f"variables.{key} = {value!r} is not a text "
                    'style (e.g. "bold", "reverse", "none")',
                )
        else:
            _check_color(spec, f"variables.{key}", value)
    colors = {key: spec.colors.get(key) for key in COLOR_FIELDS}
    return Theme(
        name=spec.name,
        dark=spec.dark,
        variables=dict(spec.variables),
        **colors,  # type: ignore[arg-type]
    )


def usable_themes() -> tuple[list[tuple[ThemeSpec, Theme]], list[str]]:
    """Every theme file (shipped, then the user's) with the Textual theme made of it, and
    one line per file that cannot be used: its shape or any of its colours."""
    from wfbrowse.theme_files import load_themes, theme_dirs

    specs, problems = load_themes(theme_dirs())
    usable: list[tuple[ThemeSpec, Theme]] = []
    for spec in specs:
        try:
            usable.append((spec, to_textual_theme(spec)))
        except ThemeFileError as error:
            problems.append(str(error))
    return usable, problems


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(foreground: Color, background: Color) -> float:
    """The WCAG contrast ratio of two opaque colours, 1 to 21."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _readable(value: str, backgrounds: list[Color], dark: bool) -> str:
    """`value`, moved toward white (dark theme) or black (light theme) until it reads well on
    each of `backgrounds`."""
    try:
        color = Color.parse(value)
    except ColorParseError:
        return value
    if color.ansi is not None or any(back.ansi is not None for back in backgrounds):
        return value  # the terminal's palette: nothing to measure
    if color.a < 1:
        color = backgrounds[0].blend(color, color.a, alpha=1.0)
    target = Color(255, 255, 255) if dark else Color(0, 0, 0)
    step = 0
    while min(contrast(color, back) for back in backgrounds) < MIN_CONTRAST and step < 20:
        step += 1
        color = color.blend(target, 0.1)
    return color.hex


def fill_own_variables(variables: dict[str, str], dark: bool) -> dict[str, str]:
    """`variables` (a theme's generated CSS variables) with wfbrowse's own filled in where the
    theme left them out."""
    backgrounds: list[Color] = []
    for name in ("background", "surface"):  # the summary sits on one, the tree on the other
        try:
            backgrounds.append(Color.parse(variables.get(name, "")))
        except ColorParseError:
            continue
    if not backgrounds:
        backgrounds = [Color(0, 0, 0) if dark else Color(255, 255, 255)]
    filled = dict(variables)
    for name, source in _DERIVED_FROM.items():
        if name not in filled:
            filled[name] = _readable(variables.get(source, "ansi_default"), backgrounds, dark)
    # The tree's quiet parts (punctuation, "{4 keys}", indexes) and its guide lines, as solid
    # colours between the text and the background: Textual's "auto 60%" muted text does not
    # resolve inside a line-API widget's component styles (it came out as plain white).
    try:
        foreground = Color.parse(variables.get("foreground", ""))
    except ColorParseError:
        foreground = None
    back = backgrounds[-1]
    if foreground is None or foreground.ansi is not None or back.ansi is not None:
        filled.setdefault("json-muted", "ansi_bright_black")
        filled.setdefault("json-guide", "ansi_bright_black")
    else:
        filled.setdefault("json-muted", back.blend(foreground, 0.62, alpha=1.0).hex)
        filled.setdefault("json-guide", back.blend(foreground, 0.22, alpha=1.0).hex)
    return filled


def state_name(status: str | None) -> str | None:
    """running, succeeded, failed or canceled for a run or step status; None for the rest."""
    from wfbrowse.instance import looks_failed  # loaded with the first run, not at start-up

    upper = (status or "").upper()
    if upper in _STATES:
        return _STATES[upper]
    return "failed" if looks_failed(status) else None


class Tones(NamedTuple):  # a NamedTuple: made at start-up (see `wfbrowse.sites.Site`)
    """Rich styles in the current theme's colours, for text built in Python (table cells,
    the summary, the status bar), where CSS cannot reach. Without variables (`Tones()`), plain
    styles: what the pure layout functions use when no app is around."""

    variables: Mapping[str, str] = MappingProxyType({})

    def of(self, variable: str, *, bold: bool = False) -> Style:
        value = self.variables.get(variable)
        color = None
        if value:
            try:
                color = Color.parse(value).rich_color
            except ColorParseError:
                color = None
        return Style(color=color, bold=bold or None)

    def state(self, status: str | None, *, bold: bool = False) -> Style:
        """A run or step state's colour; dim for pending and skipped; plain for the rest."""
        name = state_name(status)
        if name is not None:
            return self.of(f"state-{name}", bold=bold)
        if (status or "").upper() in ("PENDING", "SKIPPED"):
            return Style(dim=True)
        return Style(bold=bold or None)

    def error(self, *, bold: bool = False) -> Style:
        return self.of("text-error", bold=bold)

    def warning(self, *, bold: bool = False) -> Style:
        return self.of("text-warning", bold=bold)

    def success(self, *, bold: bool = False) -> Style:
        return self.of("text-success", bold=bold)


def tones(app: App[Any]) -> Tones:
    """The current theme's tones (read again after every theme change). The app replaces
    `theme_variables` on a theme change, never changes it in place: no copy is needed."""
    return Tones(app.theme_variables)
