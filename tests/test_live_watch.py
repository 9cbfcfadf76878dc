"""Live watch against a server that moves a run to its end and enforces a real rate limit."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

from tests.cassettes import INST, WF
from tests.screen import rows_drawn_apart, screen_text
from wfbrowse.demo.server import FakeDatadog, RecordedRequest, Reply, write_reply
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.json_tree_view import JsonTreeView

LIMIT, WINDOW = 4, 4.0  # requests per fixed window, seconds


class LimitedRun:
    """A run that completes one step per request and ends after `steps`; a fixed-window rate
    limit that answers 429 past LIMIT, as Datadog does, with the headers to pace by."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.served = 0
        self.over_limit = 0
        self.window_start = time.monotonic()
        self.in_window = 0
        self.lock = threading.Lock()

    def document(self) -> dict:
        done = min(self.served, self.steps)
        running = done < self.steps
        attributes: dict = {
            "instanceStatus": (
                {"detailsKind": "IN_PROGRESS", "displayName": "Running"}
                if running
                else {"detailsKind": "SUCCEEDED", "displayName": "Succeeded"}
            ),
            "startTimestamp": "2025-06-02T07:41:26.004517Z",
            "stepStateAssociations": [
                {"stepName": f"step_{i}", "stepState": "COMPLETED" if i < done else "PENDING"}
                for i in range(self.steps)
            ],
            "outputs": {"progress": done},
        }
        if not running:
            attributes["endTimestamp"] = "2025-06-02T07:49:58.663029Z"
        return {
            "data": {
                "id": INST,
                "type": "instances",
                "attributes": attributes,
                "relationships": {"workflow": {"data": {"id": WF, "type": "workflows"}}},
            }
        }

    def handle(self, request: RecordedRequest, raw: BaseHTTPRequestHandler) -> bool:
        with self.lock:
            now = time.monotonic()
            if now - self.window_start >= WINDOW:
                self.window_start += WINDOW * ((now - self.window_start) // WINDOW)
                self.in_window = 0
            self.in_window += 1
            reset = max(1, round(self.window_start + WINDOW - now))
            headers = {
                "X-RateLimit-Limit": str(LIMIT),
                "X-RateLimit-Period": str(int(WINDOW)),
                "X-RateLimit-Remaining": str(max(0, LIMIT - self.in_window)),
                "X-RateLimit-Reset": str(reset),
                "X-RateLimit-Name": "workflows_instances",
            }
            if self.in_window > LIMIT:
                self.over_limit += 1
                reply = Reply.json(429, {"errors": ["Too many requests"]}, headers)
            else:
                self.served += 1
                reply = Reply.json(200, self.document(), headers)
        write_reply(raw, reply)
        return True


async def test_a_running_run_is_followed_to_its_end_within_the_rate_limit(
    fake_datadog: FakeDatadog, launch_options
) -> None:
    run = LimitedRun(steps=5)
    fake_datadog.add_handler("GET", f"/api/v2/workflows/{WF}/instances/{INST}", run.handle)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(140, 50)) as pilot:
        deadline = time.monotonic() + 40
        await pilot.pause(0.5)
        tree = app.query_one(JsonTreeView)
        # The user opens a node and moves the cursor: refreshes must keep both.
        assert tree.reveal_path(("data", "attributes", "outputs", "progress"))
        kept_path = tree.cursor_node.path if tree.cursor_node else None
        # And moves the steps table's cursor to a step: refreshes keep it there too.
        app.query_one("#steps").focus()
        await pilot.press("down", "down", "down")
        assert [row.split()[:2] for row in rows_drawn_apart(app, "step_")] == [["[3]", "step_3"]]
        saw_countdown = saw_mark = False
        while time.monotonic() < deadline and "● Succeeded" not in screen_text(app):
            await pilot.pause(0.2)
            screen = screen_text(app)
            saw_countdown = saw_countdown or "watch ⟳" in screen or "watch: rate limit" in screen
            saw_mark = saw_mark or bool(tree.changed)
            if tree.cursor_node is not None and "● Running" in screen:
                assert tree.cursor_node.path == kept_path  # cursor kept across refreshes
        screen = screen_text(app)
        assert "● Succeeded" in screen, screen
        assert f"run {INST} ended: Succeeded" in screen
        assert saw_countdown
        assert saw_mark  # changed values were marked
        assert tree.cursor_node is not None and tree.cursor_node.path == kept_path
        assert [row.split()[:2] for row in rows_drawn_apart(app, "step_")] == [["[3]", "step_3"]]
        served = run.served
        await pilot.pause(2.5)
        assert run.served == served  # the watch stopped with the run
    assert run.over_limit == 0  # never a request past the limit
    assert run.served >= 5


async def test_w_turns_the_watch_off_and_on(fake_datadog: FakeDatadog, launch_options) -> None:
    run = LimitedRun(steps=50)
    fake_datadog.add_handler("GET", f"/api/v2/workflows/{WF}/instances/{INST}", run.handle)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause(0.5)
        app.query_one(JsonTreeView).focus()
        await pilot.press("w")
        await pilot.pause()
        assert "watch off (w)" in screen_text(app)
        served = run.served
        await pilot.pause(3)
        assert run.served == served  # nothing while off
        await pilot.press("w")
        await pilot.pause(0.3)
        assert "live watch on" in screen_text(app)
        await pilot.pause(3)
        assert run.served > served
    assert run.over_limit == 0
