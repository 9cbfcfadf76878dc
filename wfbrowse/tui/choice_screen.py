"""A short list in a modal: Enter picks an entry, Esc keeps what was there.

Used for the site, the profile and the theme; what it returns is the chosen entry's id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ChoiceScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ChoiceScreen {
        align: center middle;
        & > Vertical {
            width: 64;
            max-width: 100%;
            height: auto;
            border: round $primary;
            background: $surface;
            & > Label { padding: 0 1; color: $text-muted; }
            & > OptionList { height: auto; max-height: 16; border: none; }
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Close")]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[Text, str]],
        *,
        current: str | None = None,
        empty: str = "Nothing to choose from.",
        on_highlight: Callable[[str], None] | None = None,
    ) -> None:
        """`choices` are (label, id) pairs; labels are Text, never markup. `on_highlight` is
        called with each entry the cursor lands on (a live preview)."""
        super().__init__()
        self._title = title
        self._choices = choices
        self._current = current
        self._empty = empty
        self._on_highlight = on_highlight

    def compose(self) -> ComposeResult:
        with Vertical():
            if self._choices:
                yield Label(f"{self._title} (Enter to choose, Esc to keep the current one)")
                yield OptionList(*[Option(label, id=id) for label, id in self._choices])
            else:
                yield Label(self._empty)

    def on_mount(self) -> None:
        for options in self.query(OptionList):
            ids = [id for _, id in self._choices]
            options.highlighted = ids.index(self._current) if self._current in ids else 0
            options.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self._on_highlight is not None and event.option.id is not None:
            self._on_highlight(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
