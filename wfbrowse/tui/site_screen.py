"""The list of Datadog sites, in a modal; the government ones say they are unsupported."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from wfbrowse.sites import SITES, Site


class SiteScreen(ModalScreen[Site | None]):
    """Every Datadog site; the government ones say why they cannot be used."""

    DEFAULT_CSS = """
    SiteScreen {
        align: center middle;
        & > Vertical {
            width: 60;
            height: auto;
            border: round $primary;
            background: $surface;
            & > Label { padding: 0 1; color: $text-muted; }
            & > OptionList { height: auto; max-height: 14; border: none; }
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, current: Site) -> None:
        super().__init__()
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Datadog site (Enter to choose, Esc to keep the current one)")
            yield OptionList(
                *[Option(Text(site.label), id=site.domain) for site in SITES], id="sites"
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = next(
            (index for index, site in enumerate(SITES) if site == self._current), 0
        )
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(next(site for site in SITES if site.domain == event.option.id))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
