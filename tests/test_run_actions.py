"""Saving the run to a file, cancelling a running run, and several runs open at once."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from tests.cassettes import INST, INSTANCE_PATH, WF, load_interaction, serve
from tests.screen import screen_text, settle
from wfbrowse.tui.app import WfBrowseApp

CANCEL_PATH = INSTANCE_PATH + "/cancel"


def recorded() -> dict:
    return json.loads(load_interaction("test_get_a_workflow_instance_returns_ok_response").body)


def with_status(kind: str, name: str) -> dict:
    document = recorded()
    attributes = document["data"]["attributes"]
    attributes["instanceStatus"] = {"detailsKind": kind, "displayName": name}
    if kind == "IN_PROGRESS":
        del attributes["endTimestamp"]
    return document


async def test_save_writes_the_run_and_never_overwrites_without_asking(
    fake_datadog, launch_options, tmp_path: Path
) -> None:
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    target = tmp_path / "saved.json"
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await app.run_action("save_run")
        await pilot.pause()
        field = app.screen.query_one("#path", Input)
        assert field.value == f"{INST}.json"  # suggested name
        field.value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert json.loads(target.read_text()) == recorded()
        assert f"saved to {target}" in screen_text(app)
        # Again, onto the same file: asked first; "n" keeps the file as it is.
        target.write_text("keep me")
        await app.run_action("save_run")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert "exists. Replace it?" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert target.read_text() == "keep me"
        assert "not saved" in screen_text(app)
        await app.run_action("save_run")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert json.loads(target.read_text()) == recorded()


async def test_cancel_asks_sends_one_put_and_refreshes(fake_datadog, launch_options) -> None:
    running = json.dumps(with_status("IN_PROGRESS", "Running"))
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=running, times=1)
    fake_datadog.add_response(
        "GET", INSTANCE_PATH, status=200, body=json.dumps(with_status("CANCELED", "Canceled"))
    )
    fake_datadog.add_response("PUT", CANCEL_PATH, status=200, body="{}\n")
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert "● Running" in screen_text(app)
        await app.run_action("cancel_run")
        await pilot.pause()
        assert f"Cancel run {INST}" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert "● Canceled" in screen_text(app)
    puts = [r for r in fake_datadog.requests if r.method == "PUT"]
    assert [r.path for r in puts] == [CANCEL_PATH]


async def test_cancel_refused_says_which_permission(fake_datadog, launch_options) -> None:
    running = json.dumps(with_status("IN_PROGRESS", "Running"))
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=running)
    fake_datadog.add_response("PUT", CANCEL_PATH, status=403, body='{"errors":["Forbidden"]}')
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(200, 36)) as pilot:
        await settle(app, pilot)
        await app.run_action("cancel_run")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "not canceled: access denied (HTTP 403)" in screen
        assert "workflows_run" in screen
        assert "● Running" in screen  # the run stays on screen
    assert len([r for r in fake_datadog.requests if r.method == "PUT"]) == 1  # never retried


async def test_cancel_needs_a_running_run_and_a_yes(fake_datadog, launch_options) -> None:
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await app.run_action("cancel_run")
        await pilot.pause()
        assert "this run is not running (Canceled): nothing to cancel" in screen_text(app)
    assert all(r.method == "GET" for r in fake_datadog.requests)


async def test_saying_no_to_cancel_sends_nothing(fake_datadog, launch_options) -> None:
    running = json.dumps(with_status("IN_PROGRESS", "Running"))
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=running)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await app.run_action("cancel_run")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert "● Running" in screen_text(app)
    assert all(r.method == "GET" for r in fake_datadog.requests)


async def test_several_runs_open_each_kept_as_it_was_left(fake_datadog, launch_options) -> None:
    from wfbrowse.tui.json_tree_view import JsonTreeView

    other = "11111111-2222-4333-8444-555555555555"
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    second = with_status("SUCCEEDED", "Succeeded")
    second["data"]["id"] = other
    fake_datadog.add_response(
        "GET", f"/api/v2/workflows/{WF}/instances/{other}", status=200, body=json.dumps(second)
    )
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(JsonTreeView)
        tree.reveal_path(("data", "attributes", "source", "manual", "actingUser", "userEmail"))
        await pilot.pause()
        left_at = tree.cursor_node.path if tree.cursor_node else None
        app.query_one("#instance", Input).value = other
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "● Succeeded" in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert "Open runs" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "● Canceled" in screen
        assert "back to run" in screen
        assert tree.cursor_node is not None and tree.cursor_node.path == left_at
        assert 'userEmail: "max.gale@datadoghq.com"' in screen  # still unfolded
        await pilot.press("o", "enter")  # and back to the other one
        await settle(app, pilot)
        assert "● Succeeded" in screen_text(app)
    assert len([r for r in fake_datadog.requests if r.method == "GET"]) == 2  # no refetch
