"""A fetched run: its summary panel, its JSON tree, and the path of the node under the cursor.

Mounted when the first run arrives, so that nothing here weighs on start-up.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.widgets import Static

from wfbrowse.instance import RunSummary, details
from wfbrowse.jsontree import FlatTree, Node, jq_path_of, reveal
from wfbrowse.textsafe import hide_keys
from wfbrowse.tui.cell_table import CellTable
from wfbrowse.tui.json_tree_view import JsonTreeView
from wfbrowse.tui.summary_panel import SummaryPanel

MIN_TREE_ROWS = 8  # the summary panel's steps table gives way before the tree gets smaller
PANEL_MARGIN = 1  # blank row between the panel and the tree


class RunView(Vertical):
    DEFAULT_CSS = """
    RunView {
        height: 1fr;
        & > SummaryPanel { margin-bottom: 1; }
        & > JsonTreeView { height: 1fr; }
        & > #path { height: 1; width: 1fr; color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.summary: RunSummary | None = None

    def compose(self) -> ComposeResult:
        yield SummaryPanel(id="summary")
        yield JsonTreeView(id="tree")
        yield Static(id="path")

    def show(self, document: Any, changed: set[tuple[str | int, ...]] | None = None) -> None:
        """A new run (`changed` None), or a refresh of the one on screen that keeps the
        tree as it was and marks what changed."""
        tree = self.query_one(JsonTreeView)
        if changed is None:
            tree.load(document)
        else:
            tree.reload(document, changed)
        self._show_summary(document, same_run=changed is not None)

    def restore(self, document: Any, model: FlatTree, cursor_row: int, scroll_y: float) -> None:
        """Show a run opened earlier exactly as it was left: its tree, cursor and scroll."""
        tree = self.query_one(JsonTreeView)
        tree.adopt(model, cursor_row, scroll_y)
        self._show_summary(document, same_run=False)

    def redraw_server_text(self) -> None:
        """Draw the run's text again (the keys to hide changed): the panel, the tree's rows,
        the path."""
        tree = self.query_one(JsonTreeView)
        self._show_summary(tree.model.document, same_run=True)
        tree.redraw_rows()
        self._show_path(tree.cursor_node)

    def _show_summary(self, document: Any, *, same_run: bool) -> None:
        """The panel of the run's facts and steps, fitted to the room its text now takes;
        `same_run`: a newer look at the run shown (see SummaryPanel.show)."""
        run = details(document)
        self.summary = run.summary
        self.query_one(SummaryPanel).show(run, same_run=same_run)
        self._fit_panel()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_panel(event.size)

    def _fit_panel(self, size: Size | None = None) -> None:
        size = size or self.size
        if not size.height:
            return  # not laid out yet: fitted on the first resize
        room = size.height - MIN_TREE_ROWS - 1 - PANEL_MARGIN  # 1: the path line
        self.query_one(SummaryPanel).fit(room, size.width)

    @on(CellTable.Chosen, "#steps")
    def _on_step_chosen(self, event: CellTable.Chosen) -> None:
        """A step chosen in the panel: its entry of stepStateAssociations, in the tree."""
        event.stop()
        if not isinstance(event.key, int):
            return
        tree = self.query_one(JsonTreeView)
        row = reveal(tree.model, ("data", "attributes", "stepStateAssociations", event.key))
        if row is None:
            return
        tree.sync_size()
        tree.cursor_row = row
        tree.focus()

    @on(JsonTreeView.CursorMoved)
    def _on_cursor_moved(self, event: JsonTreeView.CursorMoved) -> None:
        self._show_path(event.node)

    def _show_path(self, node: Node | None) -> None:
        path = hide_keys(jq_path_of(node)) if node is not None else ""
        # One line, its size set by CSS: no layout of the whole screen at each cursor move.
        self.query_one("#path", Static).update(
            Text(path, no_wrap=True, overflow="ellipsis"), layout=False
        )

    @on(JsonTreeView.NodeChosen)
    def _on_node_chosen(self, event: JsonTreeView.NodeChosen) -> None:
        """Enter on a value: the whole of it, in a view of its own."""
        from wfbrowse.tui.value_screen import ValueScreen  # TextArea loads on first use

        self.app.push_screen(ValueScreen(jq_path_of(event.node), event.node.value))
