"""The keys that move a row cursor, the same in the JSON tree and in the tables (the run's
steps, a workflow's runs): arrows or vi's j/k, Home/End or g/G, Page Up/Down. Each widget has
its own actions of these names."""

from __future__ import annotations

from textual.binding import Binding, BindingType

CURSOR_KEYS: list[BindingType] = [
    Binding("up,k", "cursor_up", "Up", show=False),
    Binding("down,j", "cursor_down", "Down", show=False),
    Binding("home,g", "first", "First", show=False),
    Binding("end,G", "last", "Last", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("pagedown", "page_down", "Page down", show=False),
]
