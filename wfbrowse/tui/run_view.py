"""A fetched run: its summary line, its JSON tree, and the path of the node under the cursor.

Mounted when the first run arrives, so that nothing here weighs on start-up.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wfbrowse.instance import RunSummary, format_duration, format_time, summarize
from wfbrowse.jsonpath import jq_path
from wfbrowse.tui.json_tree_view import JsonTreeView

STATUS_STYLES = {
    "IN_PROGRESS": "bold blue",
    "SUCCEEDED": "bold green",
    "CANCELED": "bold yellow",
    "INSTANCE_ERROR": "bold red",
    "STEP_ERROR": "bold red",
}


def summary_text(summary: RunSummary, now: datetime) -> Text:
    """Workflow name, coloured status, start and duration, on one line (wrapping if narrow)."""
    text = Text(overflow="ellipsis")
    text.append(summary.workflow_name or summary.workflow_id or "unnamed workflow", "bold")
    text.append("  ")
    text.append(f"● {summary.status_label}", STATUS_STYLES.get(summary.status_kind or "", "bold"))
    text.append(f"  started {format_time(summary.start)}", "dim")
    duration = summary.duration(now)
    if duration is not None:
        verb = "running for" if summary.end is None else "took"
        text.append(f"  {verb} {format_duration(duration)}", "dim")
    return text


class RunView(Vertical):
    DEFAULT_CSS = """
    RunView {
        height: 1fr;
        & > #summary { height: auto; max-height: 2; margin-bottom: 1; }
        & > JsonTreeView { height: 1fr; }
        & > #path { height: 1; color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.summary: RunSummary | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        yield JsonTreeView(id="tree")
        yield Static(id="path")

    def on_mount(self) -> None:
        # A running run's duration keeps counting.
        self.set_interval(1.0, self._tick)

    def show(self, document: Any) -> None:
        self.query_one(JsonTreeView).load(document)
        self.summary = summarize(document)
        self._render_summary()

    def _tick(self) -> None:
        if self.summary is not None and self.summary.is_running:
            self._render_summary()

    def _render_summary(self) -> None:
        if self.summary is not None:
            now = datetime.now(timezone.utc)
            self.query_one("#summary", Static).update(summary_text(self.summary, now))

    @on(JsonTreeView.CursorMoved)
    def _on_cursor_moved(self, event: JsonTreeView.CursorMoved) -> None:
        path = jq_path(event.node.path) if event.node is not None else ""
        self.query_one("#path", Static).update(Text(path, no_wrap=True, overflow="ellipsis"))

    @on(JsonTreeView.NodeChosen)
    def _on_node_chosen(self, event: JsonTreeView.NodeChosen) -> None:
        """Enter on a value: the whole of it, in a view of its own."""
        from wfbrowse.tui.value_screen import ValueScreen  # TextArea loads on first use

        self.app.push_screen(ValueScreen(jq_path(event.node.path), event.node.value))
