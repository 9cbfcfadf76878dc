"""The status bar: the current message on top, the connection facts below.

Line one holds the latest error (or note); line two always shows the site, the last request
and the rate limit. Server text only ever arrives here as plain strings turned into `Text`,
never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from wfbrowse.textsafe import escape_controls
from wfbrowse.tui.themes import tones

if TYPE_CHECKING:
    from wfbrowse.ratelimit import RateLimit


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar {
        height: auto;
        background: $panel;
        color: $foreground;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    message: reactive[str] = reactive("")
    message_kind: reactive[str] = reactive("info")  # info, error, warning
    site: reactive[str] = reactive("")
    keys: reactive[str] = reactive("")  # which keys are in use: a profile, the environment...
    last_request: reactive[str] = reactive("")
    rate_limit: reactive[RateLimit | None] = reactive(None)
    busy: reactive[bool] = reactive(False)
    watch_due: reactive[float | None] = reactive(None)  # monotonic time of the next refresh
    watch_reason: reactive[str] = reactive("")

    SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

    def on_mount(self) -> None:
        self._frame = 0
        # The reset countdown moves on its own between requests; the spinner while busy.
        self.set_interval(1.0, self._tick)
        self._spin = self.set_interval(0.1, self._spin_once, pause=True)

    def _tick(self) -> None:
        if self.rate_limit is not None or self.watch_due is not None:
            self.refresh()

    def set_watch(self, due: float | None, reason: str) -> None:
        """The live watch's next refresh (a countdown), or its state when none is planned."""
        self.watch_due = due
        self.watch_reason = reason

    def _watch_text(self) -> str:
        if self.watch_due is None:
            return self.watch_reason
        import time

        left = max(0, round(self.watch_due - time.monotonic()))
        if self.watch_reason.startswith("waiting"):
            return f"watch: rate limit resets in {left}s"
        return f"watch ⟳ {left}s"

    def _spin_once(self) -> None:
        self._frame += 1
        self.refresh()

    def start_busy(self, text: str) -> None:
        """Show a spinner and what is going on, until `stop_busy`."""
        self.show_info(text)
        self.busy = True
        self._spin.resume()

    def stop_busy(self) -> None:
        self.busy = False
        self._spin.pause()

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

    MESSAGE_LINES = 2  # a long error wraps onto a second line, never more

    def watch_message(self) -> None:
        # Only a message that takes another number of lines moves the widgets above: one of
        # the same height redraws this bar alone, rather than the whole screen's layout (3 to
        # 6 ms with a 10 MB run shown, at every search match, copy or notice).
        width, height = self.content_size
        if width and height == len(self._message_lines(width)) + 1:
            self.refresh()
        else:
            self.refresh(layout=True)

    def _message_lines(self, width: int) -> list[Text]:
        """The message wrapped to the width, at most MESSAGE_LINES rows (never zero rows, so
        the facts line does not jump when a message comes or goes)."""
        first = self._message_text()
        lines = list(first.wrap(self.app.console, max(1, width))) or [Text()]
        if len(lines) > self.MESSAGE_LINES:
            lines = lines[: self.MESSAGE_LINES]
            lines[-1].append("…")
            lines[-1].truncate(max(1, width), overflow="ellipsis")
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._message_lines(width)) + 1

    def _message_text(self) -> Text:
        now = tones(self.app)
        styles = {"error": now.error(bold=True), "warning": now.warning(), "info": Style()}
        text = Text(
            " ".join(escape_controls(self.message).split()), style=styles[self.message_kind]
        )
        if self.message_kind == "error" and self.message:
            return Text.assemble(("✖ ", now.error(bold=True)), text)
        if self.busy:
            return Text.assemble(
                (self.SPINNER[self._frame % len(self.SPINNER)] + " ", "bold"), text
            )
        return text

    def render(self) -> Text:
        facts = [
            f"site {self.site}" if self.site else "",
            self.keys,
            self.last_request,
            self._watch_text(),
        ]
        if self.rate_limit is not None:
            facts.append(escape_controls(self.rate_limit.describe()))
        facts_line = Text(" │ ".join(fact for fact in facts if fact), style="dim")
        # The message is wrapped here, by hand, so that the facts line below it is never
        # pushed out of view; the widget's own wrapping is off.
        lines = Text("\n").join([*self._message_lines(self.content_region.width), facts_line])
        lines.no_wrap = True
        lines.overflow = "ellipsis"
        return lines
