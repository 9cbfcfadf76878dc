"""Pick a profile: the configured ones, with their sites; Enter switches to it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from wfbrowse.settings import Config
from wfbrowse.textsafe import escape_controls


class ProfileScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ProfileScreen {
        align: center middle;
        & > Vertical {
            width: 60;
            height: auto;
            border: round $primary;
            background: $surface;
            & > Label { padding: 0 1; color: $text-muted; }
            & > OptionList { height: auto; max-height: 16; border: none; }
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, config: Config, current: str | None) -> None:
        super().__init__()
        self._config = config
        self._current = current

    def compose(self) -> ComposeResult:
        options = []
        for info in self._config.profiles.values():
            label = Text(escape_controls(info.name), "bold")
            label.append(f"  {info.site}", "dim")
            if info.name == self._config.default_profile:
                label.append("  (default)", "dim")
            if info.name == self._current:
                label.append("  ← in use", "green")
            options.append(Option(label, id=info.name))
        with Vertical():
            if options:
                yield Label("Profile (Enter to switch, Esc to keep the current one)")
                yield OptionList(*options, id="profiles")
            else:
                yield Label("No profiles yet: save keys on the keys screen (Ctrl+K).")

    def on_mount(self) -> None:
        for options in self.query(OptionList):
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
