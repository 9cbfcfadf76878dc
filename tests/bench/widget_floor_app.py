"""Textual alone, with the widgets of a wfbrowse screen and none of wfbrowse's code.

    python tests/bench/widget_floor_app.py            the empty screen
    python tests/bench/widget_floor_app.py FILE       the screen of `wfbrowse open FILE`

What any Textual app showing that screen pays before its first frame: the same widgets (the
query row's two compact Inputs, a line-API steps table, a line-API tree, the status line), laid
out alike, and for FILE the same read and orjson parse as the yardstick's (collector paused,
then frozen, as wfbrowse does). The start-up and open benchmarks time it beside the bare app
and wfbrowse: the part of wfbrowse's time that is Textual's cost for those widgets, and the
part that is wfbrowse's own.

It draws the texts the benchmarks wait for: the ID field's placeholder, and for FILE the
tree's `outputs: {5 keys}` row and the status line "showing a saved run".
"""

from __future__ import annotations

import gc
import sys
from typing import Any

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static


def load(path: str) -> Any:
    import orjson

    gc.disable()
    try:
        with open(path, "rb") as file:
            document = orjson.loads(file.read())
    finally:
        gc.enable()
    gc.freeze()
    return document


def top_rows(document: Any) -> list[str]:
    """The rows a tree opened on the run shows first: the top level, then `data.attributes`."""

    def row(key: str, value: Any, indent: str) -> str:
        if isinstance(value, dict):
            return f"{indent}▸ {key}: {{{len(value)} keys}}"
        if isinstance(value, list):
            return f"{indent}▸ {key}: [{len(value)} items]"
        return f"{indent}{key}: {value!r}"

    rows = [f"▾ {key}" if key == "data" else row(key, value, "") for key, value in document.items()]
    rows += [row(key, value, "    ") for key, value in document["data"]["attributes"].items()]
    return rows


def step_rows(document: Any) -> list[str]:
    """The steps table's rows: position, name, state, action."""
    steps = document["data"]["attributes"]["stepStateAssociations"]
    return [
        f" [{index}]  {step.get('stepName', '')}  {step.get('stepState', '')}  action"
        for index, step in enumerate(steps)
    ]


class Lines(ScrollView):
    """A line-API widget drawing only the rows in view, as wfbrowse's tree and tables do."""

    def __init__(self, rows: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows = rows

    def on_mount(self) -> None:
        self.virtual_size = Size(80, len(self.rows))

    def render_line(self, y: int) -> Strip:
        row = y + int(self.scroll_y)
        text = self.rows[row] if row < len(self.rows) else ""
        return Strip([Segment(text.ljust(self.size.width))])


class FloorApp(App[None]):
    CSS = """
    #query { height: 1; }
    #site { width: 16; }
    #workflow, #instance { width: 1fr; }
    #fetch { width: 9; }
    #field-error { height: auto; }
    #body { height: 1fr; }
    #steps { height: 7; }
    #tree { height: 1fr; }
    #path { height: 1; }
    #status { height: 1; dock: bottom; }
    """

    def __init__(self, document: Any = None) -> None:
        super().__init__()
        self.document = document

    def compose(self) -> ComposeResult:
        with Horizontal(id="query"):
            yield Static("US1  datadoghq.com", id="site")
            yield Input(placeholder="workflow ID or Datadog link", id="workflow", compact=True)
            yield Input(placeholder="instance ID", id="instance", compact=True)
            yield Static("Fetch ⏎", id="fetch")
        yield Static(id="field-error")
        with Vertical(id="body"):
            if self.document is None:
                yield Static("Paste a workflow ID and an instance ID, or a link to a run.")
            else:
                yield Static("generated run  ● Succeeded\nstarted 2025-06-02 07:41:26 UTC")
                yield Lines(step_rows(self.document), id="steps")
                yield Lines(top_rows(self.document), id="tree")
                yield Static("data", id="path")
        yield Static("showing a saved run" if self.document is not None else "", id="status")


if __name__ == "__main__":
    FloorApp(load(sys.argv[1]) if len(sys.argv) > 1 else None).run()
