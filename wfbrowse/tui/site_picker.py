"""The site picker: one line showing the site; Enter opens the list of sites.

A focusable label instead of Textual's `Select`: the list (and its CSS) is only loaded when
the user opens it, which keeps it off the start-up path.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from wfbrowse.sites import SITES, Site
from wfbrowse.tui.themes import tones


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
            text.append(" (unsupported)", tones(self.app).error())
        return text

    def watch_site(self, site: Site) -> None:
        self.post_message(self.Changed(self, site))

    def action_open(self) -> None:
        from rich.text import Text

        from wfbrowse.tui.choice_screen import ChoiceScreen  # loads the first time it opens

        def chosen(domain: str | None) -> None:
            site = next((site for site in SITES if site.domain == domain), None)
            if site is not None:
                self.site = site

        choices = [(Text(site.label), site.domain) for site in SITES]
        screen = ChoiceScreen("Datadog site", choices, current=self.site.domain)
        self.app.push_screen(screen, chosen)

    def on_click(self, event: events.Click) -> None:
        self.action_open()
