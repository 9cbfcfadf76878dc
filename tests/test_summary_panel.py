"""The summary panel above the tree, in the real app: what it says, its colours, its steps."""

from __future__ import annotations

import json
from typing import Any

from rich.style import Style
from textual.color import Color as TextualColor

from tests.cassettes import INST, INSTANCE_PATH, WF, load_interaction
from tests.conftest import OptionsFactory
from tests.screen import rows_drawn_apart, screen_text, settle, style_of
from wfbrowse.demo import catalog
from wfbrowse.demo.server import FakeDatadog
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.json_tree_view import JsonTreeView
from wfbrowse.tui.summary_panel import SummaryPanel


def recorded() -> Any:
    return json.loads(load_interaction("test_get_a_workflow_instance_returns_ok_response").body)


def serve_document(server: FakeDatadog, document: Any) -> None:
    server.add_response("GET", INSTANCE_PATH, status=200, body=json.dumps(document))


def colour_name(app: WfBrowseApp, style: Style) -> str | None:
    """Which of the current theme's colours (a run state's, or the warning's) the style's
    foreground is on screen."""
    if style.color is None:
        return None
    shown = style.color.get_truecolor(app.ansi_theme)
    for name in (
        "state-running",
        "state-succeeded",
        "state-failed",
        "state-canceled",
        "text-warning",
    ):
        theme_colour = TextualColor.parse(app.theme_variables[name]).rich_color
        if shown == theme_colour.get_truecolor(app.ansi_theme):
            return name.removeprefix("state-").removeprefix("text-")
    return style.color.name


def path_line(app: WfBrowseApp) -> str:
    return screen_text(app).splitlines()[-4].strip()


def tree_rows(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if line.startswith((" ▾", " ▸", " │"))]


async def test_recorded_run_in_the_panel(fake_datadog, launch_options: OptionsFactory) -> None:
    serve_document(fake_datadog, recorded())
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "Max Jul 24 2024 02:38  ● Canceled  by Max Gale  trigger manual" in screen
        assert "started 2024-07-24 18:38:31 UTC  ended 18:39:58  took 1m 26s" in screen
        row = next(line for line in screen.splitlines() if "Sleep" in line)
        assert row.split() == ["[0]", "Sleep", "CANCELED", "com.datadoghq.core.sleep"]
        assert "✖" not in screen
        assert "⚠" not in screen
        assert colour_name(app, style_of(app, "● Canceled")) == "canceled"
        assert colour_name(app, style_of(app, "CANCELED")) == "canceled"
        # The tree is still there, and still has the focus.
        assert "▾ data: {4 keys}" in screen
        assert isinstance(app.focused, JsonTreeView)


async def test_failed_demo_run_shows_its_error_and_failed_step(
    demo_server, launch_options: OptionsFactory
) -> None:
    options = launch_options(
        demo_server, workflow_id=catalog.DEMO_WORKFLOW_ID, instance_id=catalog.FAILED_INSTANCE_ID
    )
    app = WfBrowseApp(options)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "Triage high error rate on checkout-api  ● Failed  by Priya Raman" in screen
        assert "trigger monitor" in screen
        assert colour_name(app, style_of(app, "● Failed")) == "failed"
        assert "✖ Fetch_recent_deploys: Request failed with status code 503" in screen
        assert colour_name(app, style_of(app, "✖ Fetch_recent_deploys: Request")) == "failed"
        lines = screen.splitlines()
        first = next(line for line in lines if "Get_monitor_details" in line)
        assert first.split() == [
            "[0]",
            "Get_monitor_details",
            "COMPLETED",
            "com.datadoghq.dd.monitor.getMonitor",
        ]
        failed = next(line for line in lines if "FAILED" in line)
        assert failed.split() == [
            "✖",
            "Fetch_recent_deploys",
            "FAILED",
            "com.datadoghq.http.request",
        ]
        assert colour_name(app, style_of(app, "COMPLETED")) == "succeeded"
        assert colour_name(app, style_of(app, "FAILED")) == "failed"


async def test_choosing_a_step_moves_the_tree_cursor_to_it(
    demo_server, launch_options: OptionsFactory
) -> None:
    options = launch_options(
        demo_server,
        workflow_id=catalog.DEMO_WORKFLOW_ID,
        instance_id=catalog.SUCCEEDED_INSTANCE_ID,
    )
    app = WfBrowseApp(options)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert path_line(app) == ".data"
        app.query_one("#steps").focus()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert path_line(app) == ".data.attributes.stepStateAssociations[2]"
        tree = app.query_one(JsonTreeView)
        assert app.focused is tree
        node = tree.cursor_node
        assert node is not None
        assert node.path == ("data", "attributes", "stepStateAssociations", 2)
        assert "▾ stepStateAssociations: [4 items]" in screen_text(app)
        assert "[2]: {2 keys}" in screen_text(app)
        # Back in the tree, the keys are the tree's again.
        await pilot.press("up")
        await pilot.pause()
        assert path_line(app) == ".data.attributes.stepStateAssociations[1]"
        # A click on a step chooses it at once.
        await pilot.click("#steps", offset=(3, 0))
        await pilot.pause()
        assert path_line(app) == ".data.attributes.stepStateAssociations[0]"
        assert app.focused is tree


async def test_running_demo_run_ticks(demo_server, launch_options: OptionsFactory) -> None:
    options = launch_options(
        demo_server, workflow_id=catalog.DEMO_WORKFLOW_ID, instance_id=catalog.RUNNING_INSTANCE_ID
    )
    app = WfBrowseApp(options)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "● Running" in screen
        assert colour_name(app, style_of(app, "● Running")) == "running"
        assert "running for " in screen
        assert "ended" not in screen
        panel = app.query_one(SummaryPanel)
        assert panel.details is not None
        first = screen_text(app)
        await pilot.pause(1.3)
        assert screen_text(app) != first  # the duration counts on


async def test_too_big_warning(fake_datadog, launch_options: OptionsFactory) -> None:
    document = recorded()
    document["meta"]["outputsTooBig"] = True
    serve_document(fake_datadog, document)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        warning = "⚠ outputs was cut by Datadog: too big (meta.outputsTooBig)"
        assert warning in screen_text(app)
        assert colour_name(app, style_of(app, warning)) == "warning"


async def test_error_and_warning_one_row_each(fake_datadog, launch_options: OptionsFactory) -> None:
    """A failed run whose outputs were cut: the error, then the warning, each on one row of
    its own, cut short with an ellipsis where the pane is narrower."""
    document = recorded()
    document["data"]["attributes"]["errorDetail"] = {"stepName": "Notify", "message": "x" * 200}
    document["meta"]["outputsTooBig"] = True
    serve_document(fake_datadog, document)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(50, 36)) as pilot:
        await settle(app, pilot)
        rows = [row.strip() for row in screen_text(app).splitlines()]
        error = next(index for index, row in enumerate(rows) if row.startswith("✖ Notify: x"))
        assert rows[error].endswith("…")
        assert rows[error + 1].startswith("⚠ outputs was cut by Datadog")
        assert rows[error + 1].endswith("…")
        assert colour_name(app, style_of(app, "✖ Notify: x")) == "failed"
        assert colour_name(app, style_of(app, "⚠ outputs")) == "warning"


async def test_mistyped_fields_show_what_they_can(
    fake_datadog, launch_options: OptionsFactory
) -> None:
    document = {
        "data": {
            "attributes": {
                "instanceStatus": {"detailsKind": "PAUSED\x1b[31m", "displayName": 7},
                "startTimestamp": 1721846311,
                "sourceForTemplating": {"initiator": ["x"], "type": {"a": 1}},
                "source": {"monitor": "[b]not markup[/b]"},
                "stepStateAssociations": [
                    None,
                    {"stepName": "[red]Step[/red]", "stepState": {"x": 1}},
                    {"stepName": 3, "stepState": "STEP_ERROR"},
                ],
                "errorDetail": ["[bold]oops", 2],
            },
            "relationships": "nope",
        },
        "included": {"type": "spec_versions"},
        "meta": {"outputsTooBig": "yes"},
    }
    serve_document(fake_datadog, document)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "Traceback" not in screen
        assert "\x1b" not in screen
        assert "unnamed workflow  ● PAUSED\\x1b[31m  by monitor  trigger monitor" in screen
        assert "started —" in screen
        assert '✖ ["[bold]oops",2]' in screen
        assert "[red]Step[/red]" in screen
        assert '{"x":1}' in screen
        assert "⚠" not in screen
        # The failed step is the first whose state says so.
        failed = next(line for line in screen.splitlines() if "STEP_ERROR" in line)
        assert failed.split() == ["✖", "3", "STEP_ERROR"]
        assert "▾ data: {2 keys}" in screen


async def test_a_bare_document_gives_an_empty_panel(
    fake_datadog, launch_options: OptionsFactory
) -> None:
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body='{"unexpected": [1, 2]}')
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "unnamed workflow  ● unknown status" in screen
        assert "▾ unexpected: [2 items]" in screen
        assert not app.query_one("#steps").display


async def test_small_terminals_keep_the_tree(demo_server, launch_options: OptionsFactory) -> None:
    options = launch_options(
        demo_server,
        workflow_id=catalog.DEMO_WORKFLOW_ID,
        instance_id=catalog.SUCCEEDED_INSTANCE_ID,
    )
    app = WfBrowseApp(options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "● Succeeded" in screen
        assert len(tree_rows(screen)) >= 8
        steps = app.query_one("#steps")
        assert steps.display
        assert steps.size.height >= 1
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        await pilot.pause()
        screen = screen_text(app)
        assert "● Succeeded" in screen
        assert len(tree_rows(screen)) >= 8
        assert path_line(app) == ".data"
        await pilot.resize_terminal(120, 50)
        await pilot.pause()
        await pilot.pause()
        assert app.query_one("#steps").display
        assert app.query_one("#steps").size.height == 4  # all four steps


async def test_a_long_steps_list_scrolls_with_its_cursor(
    fake_datadog, launch_options: OptionsFactory
) -> None:
    document = recorded()
    document["data"]["attributes"]["stepStateAssociations"] = [
        {"stepName": f"Step_{index:02d}", "stepState": "COMPLETED"} for index in range(20)
    ]
    serve_document(fake_datadog, document)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        # Six rows at a time, the first ones; no cursor while the tree has the focus.
        assert "Step_00" in screen and "Step_05" in screen and "Step_06" not in screen
        assert rows_drawn_apart(app, "Step_") == []
        app.query_one("#steps").focus()
        await pilot.pause()
        assert [row.split()[:2] for row in rows_drawn_apart(app, "Step_")] == [["[0]", "Step_00"]]
        await pilot.press("down")  # within view: the row it left is drawn as the others again
        await pilot.pause()
        assert [row.split()[:2] for row in rows_drawn_apart(app, "Step_")] == [["[1]", "Step_01"]]
        await pilot.press("end")
        await pilot.pause()
        screen = screen_text(app)
        assert "Step_19" in screen and "Step_00" not in screen
        assert [row.split()[:2] for row in rows_drawn_apart(app, "Step_")] == [["[19]", "Step_19"]]
        await pilot.press("pageup", "k")
        await pilot.pause()
        assert [row.split()[:2] for row in rows_drawn_apart(app, "Step_")] == [["[13]", "Step_13"]]
        await pilot.press("enter")
        await pilot.pause()
        assert path_line(app) == ".data.attributes.stepStateAssociations[13]"
        assert isinstance(app.focused, JsonTreeView)
        assert rows_drawn_apart(app, "Step_") == []  # blurred: the step no longer looks chosen
