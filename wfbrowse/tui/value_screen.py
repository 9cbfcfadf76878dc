"""A modal that shows one value whole: long strings, or a container as pretty JSON."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from wfbrowse.textsafe import escape_controls

# The most the view shows. A soft-wrapping TextArea lays out all of its text before the first
# frame: a 5 MB string froze the app for 13 s. The rest is one `y` away (copies the value whole).
MAX_SHOWN = 120_000


def value_text(value: Any) -> str:
    """The text a person reads for a value: strings raw, everything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


class ValueScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ValueScreen {
        align: center middle;
        & > Vertical {
            width: 90%;
            height: 80%;
            border: round $primary;
            background: $surface;
            & > Label { width: 1fr; padding: 0 1; color: $text-muted; }
            & > TextArea { height: 1fr; border: none; }
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("y", "copy_value", "Copy value"),
    ]

    def __init__(self, title: str, value: Any) -> None:
        super().__init__()
        self._title = title
        self._value = value

    def compose(self) -> ComposeResult:
        text = value_text(self._value)
        label = f"{escape_controls(self._title)} · {len(text):,} chars · Esc to close"
        if len(text) > MAX_SHOWN:
            label += f" · the first {MAX_SHOWN:,} shown (y copies it all)"
            text = text[:MAX_SHOWN]
        else:
            label += " · y copies it"
        with Vertical():
            yield Label(Text(label))
            # Read-only TextArea: scrolls, wraps, and lets the terminal's selection work. Control
            # characters are shown escaped, never written raw; tabs stay tabs (the TextArea
            # draws them as spaces), so that a selection copies a stack trace as it was.
            shown = "\n".join(
                "\t".join(escape_controls(part) for part in line.split("\t"))
                for line in text.split("\n")
            )
            yield TextArea(shown, read_only=True, soft_wrap=True)

    def action_copy_value(self) -> None:
        """`y`: the value whole, as `y` on its row in the tree copies it (keys refused)."""
        from wfbrowse.tui.run_actions import RunActions

        if isinstance(self.app, RunActions):
            self.app.copy_text(value_text(self._value), "value")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
