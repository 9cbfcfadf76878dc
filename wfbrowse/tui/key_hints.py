"""The footer line: the keys that work here and what they do, the palette key on the right.

One widget drawing one line of text. Textual's `Footer` is a container that composes a
widget per key and composes them all again at every change of focus: about 30 widgets to
style each time, which on a 10 MB run held a search's first match back by over 100 ms (the
search thread waits while the UI thread works). This draws the same line from
`Screen.active_bindings` when asked to, and a click on a key presses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


@dataclass(frozen=True)
class Hint:
    key: str  # what pressing it sends (the binding's first key)
    shown_key: str  # how the key reads: ^k, space, ↑
    description: str
    enabled: bool


class KeyHints(Widget, can_focus=False):
    """The keys of the focused widget, its screen and the app; a click presses one."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-hints--key",
        "key-hints--description",
        "key-hints--disabled",
        "key-hints--hover",
        "key-hints--separator",
    }
    DEFAULT_CSS = """
    KeyHints {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-hints--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-hints--description {
            color: $footer-description-foreground;
        }
        & > .key-hints--disabled { text-style: dim; }
        & > .key-hints--hover { background: $block-hover-background; }
        & > .key-hints--separator { color: $foreground 20%; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, Hint]] = []  # (first cell, end, hint), as drawn
        self._hover: Hint | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        self.refresh()

    # -- what to show --------------------------------------------------------------------------
    def _hints(self) -> tuple[list[Hint], Hint | None]:
        """(the keys to list, the command palette's key), one per action, in binding order."""
        app = self.app
        seen: set[str] = set()
        hints: list[Hint] = []
        palette: Hint | None = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = self._hint(binding, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            hints.append(self._hint(binding, enabled))
        return hints, palette

    def _hint(self, binding: Binding, enabled: bool) -> Hint:
        return Hint(binding.key, self.app.get_key_display(binding), binding.description, enabled)

    # -- drawing -------------------------------------------------------------------------------
    def render(self) -> Text:
        hints, palette = self._hints()
        width = self.size.width
        spans: list[tuple[int, int, Hint]] = []
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for hint in hints:
            self._append(line, hint, spans)
        if palette is not None:
            tail = Text(no_wrap=True, end="")
            tail.append("▏", self.get_component_rich_style("key-hints--separator"))
            tail_spans: list[tuple[int, int, Hint]] = []
            self._append(tail, palette, tail_spans)
            room = max(0, width - tail.cell_len)
            if line.cell_len > room:
                line.truncate(room, overflow="ellipsis")
                spans = [(a, min(b, room), hint) for a, b, hint in spans if a < room]
            line.pad_right(room - line.cell_len)
            spans += [(a + room, b + room, hint) for a, b, hint in tail_spans]
            line.append_text(tail)
        self._spans = spans
        return line

    def _append(self, line: Text, hint: Hint, spans: list[tuple[int, int, Hint]]) -> None:
        key_style = self.get_component_rich_style("key-hints--key")
        text_style = self.get_component_rich_style("key-hints--description")
        extra = Style()
        if not hint.enabled:
            extra += self.get_component_rich_style("key-hints--disabled")
        if hint == self._hover:
            extra += self.get_component_rich_style("key-hints--hover")
        start = line.cell_len
        line.append(f" {hint.shown_key} ", key_style + extra)
        if hint.description:
            line.append(f"{hint.description} ", text_style + extra)
        spans.append((start, line.cell_len, hint))

    # -- the mouse -----------------------------------------------------------------------------
    def _hint_at(self, x: int) -> Hint | None:
        return next((hint for start, end, hint in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._hint_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        hint = self._hint_at(event.x)
        if hint is None:
            return
        event.stop()
        if hint.enabled:
            self.app.simulate_key(hint.key)
        else:
            self.app.bell()
