"""History in the app: recorded after a fetch, offered when the app starts, reopened."""

from __future__ import annotations

from tests.cassettes import INST, WF, load_interaction, serve
from tests.screen import screen_text, settle
from wfbrowse.history import history_file, load_history
from wfbrowse.tui.app import WfBrowseApp


async def test_a_fetched_run_is_remembered_and_reopened_after_a_restart(
    fake_datadog, launch_options
) -> None:
    serve(
        fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"), times=3
    )
    first = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with first.run_test(size=(120, 36)) as pilot:
        await settle(first, pilot)
    visits, warning = load_history()
    assert warning is None
    [visit] = visits
    assert (visit.workflow_id, visit.instance_id, visit.status) == (WF, INST, "Canceled")
    assert visit.workflow_name == "Max Jul 24 2024 02:38"
    assert "api_key" not in history_file().read_text().lower()
    # A new session: the empty screen offers it; Enter reopens it.
    second = WfBrowseApp(launch_options(fake_datadog))
    async with second.run_test(size=(120, 36)) as pilot:
        await settle(second, pilot)
        assert "Max Jul 24 2024 02:38  Canceled" in screen_text(second)
        second.screen.set_focus(second.query_one("#recent-runs"))
        await pilot.press("enter")
        await settle(second, pilot)
        assert "● Canceled" in screen_text(second)
        # And from the history screen.
        await pilot.press("H")
        await settle(second, pilot)
        assert "Runs opened before" in screen_text(second)
        await pilot.press("enter")
        await settle(second, pilot)
        assert "● Canceled" in screen_text(second)
    gets = [r for r in fake_datadog.requests if r.method == "GET"]
    assert len(gets) == 3


async def test_a_corrupt_history_is_set_aside_with_a_message(fake_datadog, launch_options) -> None:
    history_file().parent.mkdir(parents=True, exist_ok=True)
    history_file().write_text("{not json")
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "history.json" in screen and "broken" in screen
    aside = list(history_file().parent.glob("history.json.broken-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"


async def test_demo_runs_stay_out_of_the_history(demo_server, launch_options) -> None:
    from wfbrowse.demo.catalog import DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID
    from wfbrowse.launch import DemoEntry

    demo = (DemoEntry("succeeded", DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID, "a run"),)
    app = WfBrowseApp(
        launch_options(
            demo_server,
            demo_runs=demo,
            workflow_id=DEMO_WORKFLOW_ID,
            instance_id=SUCCEEDED_INSTANCE_ID,
        )
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert "● Succeeded" in screen_text(app)
    assert not history_file().exists()
