"""The run at a glance, above its tree: name, status, times, who started it, steps, problems.

Everything shown comes from `wfbrowse.instance.details` (already escaped) and reaches the
screen as `Text`, never as markup.
"""

from __future__ import annotations

from datetime import datetime, timezone

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wfbrowse.instance import (
    RunDetails,
    StepInfo,
    format_duration,
    format_time,
    looks_failed,
)
from wfbrowse.tui.cell_table import CellTable
from wfbrowse.tui.themes import Tones, tones

MAX_STEP_ROWS = 6  # steps shown at once; the list scrolls past that
# A run with more steps lists the first ones (each row's cells are built when the run is
# shown); the tree has them all.
MAX_TABLE_STEPS = 1000


def _pieces(details: RunDetails, now: datetime, tones: Tones) -> tuple[list[Text], list[Text]]:
    """What the two lines say, in pieces that are never split across lines."""
    summary = details.summary
    first = Text()
    first.append(summary.workflow_name or summary.workflow_id or "unnamed workflow", "bold")
    first.append("  ")
    # Running, succeeded, failed and canceled in the theme's state colours; other values
    # as they come (a failure-looking one as failed).
    first.append(f"● {summary.status_label}", tones.state(summary.status_kind, bold=True))
    who = [first]
    if details.started_by:
        who.append(Text.assemble(("by ", "dim"), details.started_by))
    if details.trigger_type:
        who.append(Text.assemble(("trigger ", "dim"), details.trigger_type))
    when = [Text(f"started {format_time(summary.start)}", style="dim")]
    if summary.end is not None:
        same_day = summary.start is not None and summary.start.date() == summary.end.date()
        end = summary.end.strftime("%H:%M:%S") if same_day else format_time(summary.end)
        when.append(Text(f"ended {end}", style="dim"))
    duration = summary.duration(now)
    if duration is not None:
        verb = "running for" if summary.end is None else "took"
        when.append(Text(f"{verb} {format_duration(duration)}", style="dim"))
    return who, when


def head_lines(
    details: RunDetails, now: datetime, width: int, tones: Tones | None = None
) -> list[Text]:
    """Name and coloured status, who or what started the run and how; then start, end and
    duration (ticking while running). Pieces go on a line while they fit in `width`."""
    lines: list[Text] = []
    for group in _pieces(details, now, tones or Tones()):
        line: Text | None = None
        for piece in group:
            if line is not None and line.cell_len + 2 + piece.cell_len <= width:
                line.append("  ")
                line.append_text(piece)
            else:
                if line is not None:
                    lines.append(line)
                line = piece.copy()
        if line is not None:
            lines.append(line)
    return lines


class Head:
    """The head lines, laid out at whatever width the panel has when drawn."""

    def __init__(self, details: RunDetails, now: datetime, tones: Tones) -> None:
        self.details = details
        self.now = now
        self.tones = tones

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("\n").join(head_lines(self.details, self.now, options.max_width, self.tones))


def error_line(details: RunDetails, tones: Tones | None = None) -> Text | None:
    style = (tones or Tones()).state("failed")
    if details.error_detail:
        return Text(f"✖ {details.error_detail}", style=style)
    if details.failed_step:
        return Text(f"✖ step {details.failed_step} failed", style=style)
    return None


def too_big_line(details: RunDetails, tones: Tones | None = None) -> Text | None:
    if not details.too_big:
        return None
    names = " and ".join(details.too_big)
    flags = ", ".join(f"meta.{name}TooBig" for name in details.too_big)
    verb = "was" if len(details.too_big) == 1 else "were"
    style = (tones or Tones()).warning()
    return Text(f"⚠ {names} {verb} cut by Datadog: too big ({flags})", style=style)


def step_cells(step: StepInfo, failed: bool, tones: Tones) -> tuple[Text, Text, Text, Text]:
    failed_style = tones.state("failed", bold=True)
    marker = Text("✖", style=failed_style) if failed else Text(f"[{step.position}]", style="dim")
    name = Text(step.name, style=failed_style if failed else "")
    state = Text(step.state or "—", style=tones.state(step.state, bold=looks_failed(step.state)))
    action = Text(step.action_id or "", style="dim")
    return marker, name, state, action


def _rows(text: Text | None, width: int) -> int:
    """Screen rows `text` takes when wrapped at `width` (one at least when shown)."""
    if text is None:
        return 0
    width = max(1, width)
    return sum(max(1, -(-line.cell_len // width)) for line in text.split("\n"))


class SummaryPanel(Vertical):
    """Headline, timeline, steps table, error and warnings of one run."""

    DEFAULT_CSS = """
    SummaryPanel {
        height: auto;
        & > #run-head { height: auto; }
        & > #steps { height: 0; margin-top: 1; }
        & > #run-error { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        & > #run-warning { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.details: RunDetails | None = None
        self._room: int | None = None  # rows the panel may take, as RunView allows
        self._tones = Tones()

    def compose(self) -> ComposeResult:
        yield Static(id="run-head")
        table = CellTable(id="steps")
        table.display = False
        yield table
        yield Static(id="run-error")
        yield Static(id="run-warning")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)  # a running run's duration keeps counting
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        if self.details is not None:
            self.show(self.details, same_run=True)  # the colours are in the Text: build again

    def show(self, details: RunDetails, *, same_run: bool = False) -> None:
        """Show a run's facts and steps; `same_run`: a newer look at the run shown (a refresh,
        a redraw), which keeps the steps table's cursor on its step."""
        self.details = details
        self._tones = tones(self.app)
        self._render_head()
        error, warning = error_line(details, self._tones), too_big_line(details, self._tones)
        for selector, text in (("#run-error", error), ("#run-warning", warning)):
            widget = self.query_one(selector, Static)
            widget.display = text is not None
            if text is not None:
                text.no_wrap = True
                text.overflow = "ellipsis"
                widget.update(text)
        failed = details.failed_step
        failed_seen = False
        rows: list[tuple[Text, Text, Text, Text]] = []
        positions: list[int] = []  # each row's key: the step's index in stepStateAssociations
        for step in details.steps[:MAX_TABLE_STEPS]:
            is_failed = not failed_seen and (
                step.name == failed if failed else looks_failed(step.state)
            )
            failed_seen = failed_seen or is_failed
            rows.append(step_cells(step, is_failed, self._tones))
            positions.append(step.position)
        self.query_one("#steps", CellTable).set_rows(rows, positions, keep_cursor=same_run)
        self.fit(self._room)

    def _tick(self) -> None:
        if self.details is not None and self.details.summary.is_running:
            self._render_head()

    def _render_head(self) -> None:
        if self.details is not None:
            now = datetime.now(timezone.utc)
            self.query_one("#run-head", Static).update(Head(self.details, now, self._tones))

    def fit(self, room: int | None, width: int | None = None) -> None:
        """Size the steps table so that the whole panel takes at most `room` rows."""
        self._room = room
        details = self.details
        table = self.query_one("#steps", CellTable)
        if details is None or not details.steps:
            table.display = False
            return
        width = width or self.size.width or 80
        now = datetime.now(timezone.utc)
        fixed = sum(_rows(line, width) for line in head_lines(details, now, width))
        fixed += 1 if error_line(details) else 0
        fixed += 1 if too_big_line(details) else 0
        fixed += 1  # the table's top margin
        steps = min(len(details.steps), MAX_TABLE_STEPS, MAX_STEP_ROWS)
        if room is not None:
            steps = min(steps, room - fixed)
        table.display = steps > 0
        table.styles.height = max(steps, 0)
