"""Screenshots of the app compared with approved SVGs (`uv run pytest --snapshot-update` to
approve a deliberate change, after looking at the report)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from tests.cassettes import INST, WF, load_interaction, serve
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.status_bar import StatusBar

FORBIDDEN = "11111111-2222-4333-8444-555555555555"


async def steady(pilot: Pilot[None]) -> None:
    """Wait for fetches, then pin what changes from run to run (port, timings, cursor blink)."""
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    for field in app.query(Input):
        field.cursor_blink = False
    status = app.query_one(StatusBar)
    status.site = "US1 via http://127.0.0.1:PORT"
    if status.last_request.startswith("HTTP 200"):
        status.last_request = "HTTP 200 · 12 ms · 1.7 KB"
    await pilot.pause()


def loaded_app(fake_datadog, launch_options) -> WfBrowseApp:
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    return WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))


def test_empty_screen(snap_compare, fake_datadog, launch_options) -> None:
    app = WfBrowseApp(launch_options(fake_datadog))
    assert snap_compare(app, terminal_size=(100, 30), run_before=steady)


def test_first_run_opens_the_keys_screen(snap_compare, fake_datadog, launch_options) -> None:
    app = WfBrowseApp(launch_options(fake_datadog, credentials=None))
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady)


def test_loaded_run(snap_compare, fake_datadog, launch_options) -> None:
    assert snap_compare(
        loaded_app(fake_datadog, launch_options), terminal_size=(100, 30), run_before=steady
    )


def test_error_keeps_the_tree(snap_compare, fake_datadog, launch_options) -> None:
    fake_datadog.add_response(
        "GET",
        f"/api/v2/workflows/{WF}/instances/{FORBIDDEN}",
        status=403,
        body='{"errors":["Forbidden"]}',
    )
    app = loaded_app(fake_datadog, launch_options)

    async def fetch_forbidden(pilot: Pilot[None]) -> None:
        await steady(pilot)
        pilot.app.query_one("#instance", Input).value = FORBIDDEN
        await pilot.press("ctrl+r")
        await steady(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=fetch_forbidden)


def test_narrow_pane(snap_compare, fake_datadog, launch_options) -> None:
    assert snap_compare(
        loaded_app(fake_datadog, launch_options), terminal_size=(60, 20), run_before=steady
    )
