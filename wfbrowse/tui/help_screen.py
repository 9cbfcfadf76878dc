"""`?`: every key, and how copying reaches the clipboard (tmux included)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("Fetch and fields", ""),
    ("Enter, Ctrl+R", "fetch the run in the fields"),
    ("Ctrl+O", "go to the ID fields (paste a link there)"),
    ("Ctrl+S", "choose the site"),
    ("Ctrl+K / F2", "keys screen / switch profile"),
    ("b", "the workflow's runs (a workflow ID with no instance opens them too)"),
    ("H", "the runs opened before (history)"),
    ("w", "live watch of a running run: off, or on again"),
    ("o", "switch to another run opened in this session, as you left it"),
    ("Esc", "cancel a fetch, close search, leave a field"),
    ("Tree", ""),
    ("j k ↓ ↑", "move"),
    ("l →", "unfold, or step in"),
    ("h ←", "fold, or go to the parent"),
    ("Space", "fold or unfold"),
    ("Enter", "unfold, or show a value whole"),
    ("g G", "first, last"),
    ("e", "expand everything under the cursor"),
    ("E", "collapse everything"),
    ("1 … 9", "show that many levels"),
    ("Shift+Tab", "to the run's steps: Enter or a click shows one in the tree"),
    ("Search", ""),
    ("/", "search keys and values (/regex/ for a regex)"),
    ("n N", "next, previous match"),
    ("Copy", ""),
    ("y", "the value (a string as its raw text, the rest as JSON)"),
    ("p", "its path, in jq form"),
    ("u", "the run's web link"),
    ("v", "show the whole value: select in it with the mouse, Ctrl+C copies"),
    (
        "Ctrl+P",
        "the command palette: also the key, the JSON pointer, the value on one "
        "line, the whole document, the workflow ID, the instance ID; and Theme, "
        "which shows each theme as you move through the list",
    ),
    ("?", "this help"),
    ("Ctrl+Q", "quit"),
]

CLIPBOARD = """How copies reach your clipboard
- Always by OSC 52, the terminal's own clipboard sequence (works over SSH).
- Inside tmux, also straight into tmux's paste buffer (tmux load-buffer), whatever
  tmux's set-clipboard says: paste it with prefix + ].
- For OSC 52 to reach your desktop clipboard through tmux, put this in ~/.tmux.conf:
      set -g set-clipboard on
- On a desktop session, also wl-copy, xclip, xsel or pbcopy when one is installed.
The status bar says where each copy went.
"""


def help_text() -> Text:
    text = Text()
    for keys, what in KEYS:
        if not what:
            text.append(f"\n{keys}\n", "bold")
            continue
        text.append(f"  {keys:<14}", "bold cyan")
        text.append(f"{what}\n")
    text.append("\n")
    text.append(CLIPBOARD)
    return text


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90;
            max-width: 100%;
            height: 90%;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_text())

    def action_close(self) -> None:
        self.dismiss(None)
