"""A workflow's runs: its name, the counts by outcome, and its runs newest first, a page at a
time. Enter opens a run; the app keeps this screen, so coming back finds the same place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from wfbrowse.instance import RUNNING, dig, format_time
from wfbrowse.run_list import RunLine, outcome_counts, run_line, total_runs
from wfbrowse.textsafe import escape_controls
from wfbrowse.tui.cell_table import CellTable
from wfbrowse.tui.key_hints import KeyHints
from wfbrowse.tui.themes import Tones, state_name, tones

if TYPE_CHECKING:
    from wfbrowse.api import DatadogClient

PAGE_SIZE = 100  # the API's largest page
RUN_COLUMNS = ("status", "instance", "started (UTC)", "took", "source")
STATUS_COLUMN = 0


def status_cell(label: str, kind: str | None, tones: Tones) -> Text:
    """A run's status in its state's colour (the theme's), bold while it runs or failed."""
    bold = state_name(kind) in ("running", "failed")
    return Text(f"● {escape_controls(label)}", tones.state(kind, bold=bold))


def run_row(line: RunLine, tones: Tones) -> tuple[Text, Text, Text, Text, Text]:
    """A run's line as table cells (status, instance ID, start, duration, source)."""
    return (
        status_cell(line.status or "?", line.kind, tones),
        Text(escape_controls(line.instance_id or "?")),
        Text(format_time(line.start), "dim"),
        Text(line.duration or "—"),
        Text(escape_controls(line.sources[0] if line.sources else "—"), "dim"),
    )


class RunsScreen(Screen[None]):
    DEFAULT_CSS = """
    RunsScreen {
        & > Vertical { height: 1fr; margin: 1 1 0 1; }
        #runs-title { height: auto; }
        #runs-counts { height: auto; color: $text-muted; margin-bottom: 1; }
        #runs { height: 1fr; }
        #runs-status { height: auto; min-height: 1; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("m", "load_more", "Load more"),
        Binding("c", "cancel_run", "Cancel run"),
    ]

    class RunChosen(Message):
        def __init__(self, workflow_id: str, instance_id: str) -> None:
            super().__init__()
            self.workflow_id = workflow_id
            self.instance_id = instance_id

    def __init__(self, workflow_id: str, client: DatadogClient) -> None:
        super().__init__()
        self.workflow_id = workflow_id
        self.client = client
        self._next_page = 0
        self._total: int | None = None  # meta.page.totalCount, when the list gives it
        self._shown = 0
        self._more = True  # whether another page may hold runs
        self._run_is_running: dict[str, bool] = {}
        self._statuses: dict[str, tuple[str, str | None]] = {}  # to paint again in a new theme

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"workflow {self.workflow_id}", "bold"), id="runs-title")
            yield Static(id="runs-counts")
            yield CellTable(RUN_COLUMNS, zebra_stripes=True, id="runs")
            yield Static(id="runs-status")
        yield KeyHints()

    def on_mount(self) -> None:
        self._load_name()
        self.action_load_more()
        self._table.focus()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        table = self._table
        now = tones(self.app)
        for instance_id, (label, kind) in self._statuses.items():
            table.update_cell(instance_id, STATUS_COLUMN, status_cell(label, kind, now))

    def _say(self, text: str, error: bool = False) -> None:
        style = tones(self.app).error(bold=True) if error else ""
        self.query_one("#runs-status", Static).update(Text(escape_controls(text), style))

    @work(exclusive=True, group="runs-name", exit_on_error=False)
    async def _load_name(self) -> None:
        from wfbrowse.errors import WfError

        try:
            result = await self.client.get_workflow(self.workflow_id)
        except WfError:
            return  # the list says what went wrong; the title keeps the ID
        name = dig(result.data, "data", "attributes", "name")
        if isinstance(name, str) and name:
            title = Text(escape_controls(name), "bold")
            title.append(f"  {self.workflow_id}", "dim")
            self.query_one("#runs-title", Static).update(title)

    def action_load_more(self) -> None:
        if not self._more:
            self._say(f"all {self._total or self._shown:,} runs are shown")
            return
        self._load_page(self._next_page)

    @work(exclusive=True, group="runs-page", exit_on_error=False)
    async def _load_page(self, page: int) -> None:
        from wfbrowse.errors import WfError

        self._say(f"loading runs {page * PAGE_SIZE + 1:,}…")
        try:
            result = await self.client.list_instances(
                self.workflow_id, page_size=PAGE_SIZE, page_number=page
            )
        except WfError as error:
            self._say(error.one_line(), error=True)
            return
        items = result.data.get("data")
        now = tones(self.app)
        rows: list[tuple[Text, ...]] = []
        keys: list[str] = []
        for item in items if isinstance(items, list) else []:
            line = run_line(item)
            if line.instance_id is None or line.instance_id in self._statuses:
                continue  # no run to open, or listed already (a run started between pages)
            rows.append(run_row(line, now))
            keys.append(line.instance_id)
            self._statuses[line.instance_id] = (line.status or "?", line.kind)
            self._run_is_running[line.instance_id] = line.kind == RUNNING
        self._table.add_rows(rows, keys)
        self._shown += len(rows)
        self._next_page = page + 1
        meta = result.data.get("meta")
        total = self._total = total_runs(meta)
        # Without a total, a full page says there may be more, as `wfbrowse list` reads it.
        full_page = isinstance(items, list) and len(items) >= PAGE_SIZE
        self._more = self._shown < total if total is not None else full_page
        counted = f"{total if total is not None else self._shown:,} runs"
        if total is None and self._more:
            counted += " so far"
        outcomes = outcome_counts(meta)
        self.query_one("#runs-counts", Static).update(
            Text(counted + (f": {outcomes}" if outcomes else ""))
        )
        self._say(
            f"showing {self._shown:,}"
            + (f" of {total:,}" if total is not None else "")
            + (" — m loads more" if self._more else "")
            + " — Enter opens a run, Esc goes back"
        )

    @property
    def _table(self) -> CellTable:
        return self.query_one("#runs", CellTable)

    @on(CellTable.Chosen, "#runs")
    def _chosen(self, event: CellTable.Chosen) -> None:
        if isinstance(event.key, str):
            self.post_message(self.RunChosen(self.workflow_id, event.key))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cancel_run(self) -> None:
        """`c`: cancel the highlighted run, if it is running, after asking; one request."""
        from wfbrowse.tui.dialogs import ConfirmScreen

        instance_id = self._table.cursor_key
        if not isinstance(instance_id, str):
            return  # no runs listed
        if not self._run_is_running.get(instance_id):
            self._say("only a running run can be canceled")
            return
        # The ID is the server's text, like every cell of the table: escaped on its way out.
        shown_id = escape_controls(instance_id)
        question = Text(f"Cancel run {shown_id}? It stops the workflow in Datadog.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._cancel(instance_id)

        self.app.push_screen(ConfirmScreen(question, "Cancel the run", "Keep it running"), answered)

    @work(exclusive=True, group="runs-cancel", exit_on_error=False)
    async def _cancel(self, instance_id: str) -> None:
        from wfbrowse.errors import WfError

        try:
            await self.client.cancel_instance(self.workflow_id, instance_id)
        except WfError as error:
            self._say(f"not canceled: {error.one_line()}", error=True)
            return
        self._run_is_running[instance_id] = False
        self._statuses[instance_id] = ("Canceling", "CANCELED")
        cell = status_cell("Canceling", "CANCELED", tones(self.app))
        self._table.update_cell(instance_id, STATUS_COLUMN, cell)
        self._say(f"asked Datadog to cancel {instance_id}")
