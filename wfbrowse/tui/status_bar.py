"""The status bar: the current message on top, the connection facts below.

Line one holds the latest error (or note); line two always shows the site, the last request
and the rate limit. Server text only ever arrives here as plain strings turned into `Text`,
never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from wfbrowse.ratelimit import RateLimit
from wfbrowse.textsafe import escape_controls


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar {
        height: 2;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    message: reactive[str] = reactive("")
    message_kind: reactive[str] = reactive("info")  # info, error, warning
    site: reactive[str] = reactive("")
    last_request: reactive[str] = reactive("")
    rate_limit: reactive[RateLimit | None] = reactive(None)

    def on_mount(self) -> None:
        # The reset countdown moves on its own between requests.
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.rate_limit is not None:
            self.refresh()

    def show_error(self, text: str) -> None:
        self.message_kind = "error"
        self.message = text

    def show_warning(self, text: str) -> None:
        self.message_kind = "warning"
        self.message = text

    def show_info(self, text: str) -> None:
        self.message_kind = "info"
        self.message = text

    def clear_message(self) -> None:
        self.message = ""

    def record_request(self, status: int, elapsed_ms: float, size: int) -> None:
        self.last_request = f"HTTP {status} · {elapsed_ms:.0f} ms · {format_size(size)}"

    def render(self) -> Text:
        styles = {
            "error": "bold red",
            "warning": "yellow",
            "info": "",
        }
        first = Text(
            " ".join(escape_controls(self.message).split()), style=styles[self.message_kind]
        )
        if self.message_kind == "error" and self.message:
            first = Text.assemble(("✖ ", "bold red"), first)
        facts = [f"site {self.site}" if self.site else "", self.last_request]
        if self.rate_limit is not None:
            facts.append(escape_controls(self.rate_limit.describe()))
        second = Text(" │ ".join(fact for fact in facts if fact), style="dim")
        # Exactly two rows, whatever the width: long messages end in an ellipsis instead
        # of wrapping over the facts line.
        lines = Text("\n").join([first, second])
        lines.no_wrap = True
        lines.overflow = "ellipsis"
        return lines
