"""Themes: wfbrowse's own and the user's theme files registered beside Textual's built-in
ones, the theme chosen at start (`--theme`, else the saved choice, else wfbrowse-dark), and
the theme picker (palette, with live preview) whose choice is saved in the config.

A mixin of the app. A theme file that cannot be used is reported once in the status bar,
naming the file, and the app carries on with the default theme.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import App

from wfbrowse.theme_files import DEFAULT_THEME
from wfbrowse.tui.status_bar import StatusBar
from wfbrowse.tui.themes import fill_own_variables, usable_themes

if TYPE_CHECKING:
    from wfbrowse.launch import LaunchOptions


class ThemeControl(App[None]):
    options: LaunchOptions

    def register_wfbrowse_themes(self) -> list[str]:
        """Register every usable theme file; return one line per file that is not usable."""
        usable, problems = usable_themes()
        for _, theme in usable:
            self.register_theme(theme)
        return problems

    def start_theme(self, problems: list[str]) -> str | None:
        """Set the theme the app starts with; a one-line message when it is not the one asked
        for (a broken file, a saved theme that no longer exists)."""
        wanted = self.options.theme or self.options.saved_theme or DEFAULT_THEME
        if wanted in self.available_themes:
            self._set_first_theme(wanted)
            return "; ".join(problems) or None
        fallback = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self._set_first_theme(fallback)
        broken = next((line for line in problems if f"{wanted}.toml" in line), None)
        # A file not named after its theme cannot be told apart: then every problem is said.
        why = broken or "; ".join([f"theme {wanted!r} is not available", *problems])
        return f"{why} — using {fallback}; fix the file or pick a theme (palette: Theme)"

    def _set_first_theme(self, name: str) -> None:
        """What `self.theme = name` does, less the stylesheet refresh it queues: before the
        first frame the CSS has not been parsed yet, and parsing it all a second time costs
        a tenth of the start-up. (Textual 8.2.8's own theme watcher, minus that refresh.)"""
        self._first_theme_set = True
        self.set_reactive(App.theme, name)
        dark = self.current_theme.dark
        self.update_classes(
            {f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark}, update=False
        )
        self.stylesheet.set_variables(self.get_css_variables())
        self._refresh_truecolor_filter(self.ansi_theme)

    def get_css_variables(self) -> dict[str, str]:
        # wfbrowse's own variables, for themes (Textual's own) that do not set them. Worked
        # out once per theme: the contrast search costs a few milliseconds of start-up, and
        # Textual asks again for every stylesheet refresh.
        if not self.__dict__.get("_first_theme_set"):
            # Asked from App.__init__, for Textual's default theme: start_theme replaces it
            # before any CSS is parsed, so its colours (a millisecond) would be thrown away.
            return {}
        cache: dict[str, dict[str, str]] = self.__dict__.setdefault("_theme_variables", {})
        theme = self.current_theme
        variables = cache.get(theme.name)
        if variables is None:
            variables = fill_own_variables(super().get_css_variables(), theme.dark)
            cache[theme.name] = variables
        self.theme_variables = dict(variables)
        return dict(variables)

    def action_change_theme(self) -> None:
        """The theme picker (also Textual's own "Theme" palette entry): moving through the list
        shows each theme at once, Enter keeps it (and saves it), Esc goes back."""
        from wfbrowse.tui.choice_screen import ChoiceScreen

        before = self.theme
        # wfbrowse's own themes first, then Textual's and the user's, each by name.
        names = sorted(
            self.available_themes, key=lambda name: (not name.startswith("wfbrowse-"), name)
        )
        choices = [(self._theme_label(name), name) for name in names]

        def preview(name: str) -> None:
            self.theme = name

        def chosen(name: str | None) -> None:
            if name is None:
                self.theme = before
                return
            self.theme = name
            self._save_theme(name)

        self.push_screen(
            ChoiceScreen("Theme", choices, current=before, on_highlight=preview), chosen
        )

    def _theme_label(self, name: str) -> Text:
        theme = self.available_themes[name]
        label = Text(name, "bold" if name == self.theme else "")
        label.append("  light" if not theme.dark else "  dark", "dim")
        return label

    @work(group="theme", exit_on_error=False)
    async def _save_theme(self, name: str) -> None:
        status = self.query_one(StatusBar)
        if self.options.is_demo:
            status.show_info(f"theme {name} (demo mode saves no settings)")
            return
        from wfbrowse.settings import load_config, save_config

        def save() -> None:
            config, _ = load_config()
            config.extra["theme"] = name
            save_config(config)

        try:
            await asyncio.to_thread(save)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            status.show_warning(f"theme {name} is in use but could not be saved: {reason}")
            return
        status.show_info(f"theme {name} — saved, used from now on")
