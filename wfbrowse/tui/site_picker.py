"""The site picker: one line showing the site, a modal list to choose another.

A focusable label instead of Textual's `Select`: the list (and its CSS) is only built when
the user opens it, which keeps it off the start-up path.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
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


class SitePicker(Widget, can_focus=True):
    """Shows the current site; Enter, space or a click opens the list."""

    DEFAULT_CSS = """
    SitePicker {
        width: 24;
        height: 1;
        background: $boost;
        padding: 0 1;
        &:focus { background: $block-cursor-background; color: $block-cursor-foreground; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space,down", "open", "Choose site", show=False),
    ]

    site: reactive[Site] = reactive(SITES[0])

    class Changed(Message):
        def __init__(self, picker: SitePicker, site: Site) -> None:
            super().__init__()
            self.picker = picker
            self.site = site

    def __init__(self, site: Site, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(SitePicker.site, site)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self.site.name, "bold")
        text.append(f" {self.site.domain}")
        if not self.site.supported:
            text.append(" (unsupported)", "red")
        return text

    def watch_site(self, site: Site) -> None:
        self.post_message(self.Changed(self, site))

    def action_open(self) -> None:
        def chosen(site: Site | None) -> None:
            if site is not None:
                self.site = site

        self.app.push_screen(SiteScreen(self.site), chosen)

    def on_click(self, event: events.Click) -> None:
        self.action_open()
