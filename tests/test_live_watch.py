"""Live watch against a server that moves a run to its end and enforces a real rate limit."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from tests.cassettes import INST, WF
from tests.screen import path_line, rows_drawn_apart, screen_text, shows
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


RUN_PATH = f"/api/v2/workflows/{WF}/instances/{INST}"


def watching(fake_datadog: FakeDatadog, launch_options, handler, *, fast: bool = False):
    """The app on the run that `handler` answers for; `fast`: refreshes every half second
    (the live watch's cadence made shorter, for a test that waits for several)."""
    from wfbrowse.watch import WatchPolicy

    fake_datadog.add_handler("GET", RUN_PATH, handler)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    if fast:
        app._watch_policy = WatchPolicy(base=0.5, factor=1.0)
    return app


async def test_a_running_run_is_followed_to_its_end_within_the_rate_limit(
    fake_datadog: FakeDatadog, launch_options
) -> None:
    run = LimitedRun(steps=5)
    app = watching(fake_datadog, launch_options, run.handle)
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
    app = watching(fake_datadog, launch_options, run.handle)
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


class ScriptedRun:
    """Answers one after another from a script; the last answer repeats. Each answer is a
    Reply, or a (seconds, Reply) pair for one that is slow to come."""

    def __init__(self, *script: Reply | tuple[float, Reply]) -> None:
        self.script = list(script)
        self.served = 0

    def handle(self, request: RecordedRequest, raw: BaseHTTPRequestHandler) -> bool:
        step = self.script[min(self.served, len(self.script) - 1)]
        self.served += 1
        delay, reply = step if isinstance(step, tuple) else (0.0, step)
        time.sleep(delay)
        write_reply(raw, reply)
        return True


async def wait_for_requests(pilot, run: ScriptedRun, count: int, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while run.served < count and time.monotonic() < deadline:
        await pilot.pause(0.1)
    assert run.served >= count, f"{run.served} requests, not {count}"
    await pilot.pause(0.3)  # the answer drawn


async def test_the_watch_outlives_failed_refreshes_and_the_users_own_fetch(
    fake_datadog: FakeDatadog, launch_options
) -> None:
    """A refresh that fails, an answer that is not the run, Esc while a refresh is on its
    way, a fetch of the user's that fails: the run stays on screen, the watch goes on, and
    once the run answers again the error is not left standing."""

    running = LimitedRun(steps=5).document()
    another = LimitedRun(steps=5).document()
    another["data"]["id"] = "0b6bd0a3-5d07-4c47-a3b4-1e2f3a4b5c6d"
    bad_gateway = Reply.json(502, {"errors": ["Bad Gateway"]})
    run = ScriptedRun(
        Reply.json(200, running),  # 1: the user's fetch
        bad_gateway,  # 2: a refresh fails
        Reply.json(200, {}),  # 3: a 200 that is no run
        Reply.json(200, another),  # 4: another run's answer
        (1.0, Reply.json(200, running)),  # 5: slow: Esc is pressed meanwhile
        bad_gateway,  # 6: the user's Ctrl+R fails
        Reply.json(200, running),  # 7...: the watch goes on
    )
    app = watching(fake_datadog, launch_options, run.handle, fast=True)
    async with app.run_test(size=(140, 50)) as pilot:
        await wait_for_requests(pilot, run, 1)
        assert "● Running" in screen_text(app)
        before = [line for line in screen_text(app).splitlines() if "step_" in line]
        # Each message stands until the next answer, half a second on: looked for as soon as
        # it can show, not after a fixed pause that a busy machine can stretch past that.
        assert await shows(app, pilot, "Datadog server error (HTTP 502")
        assert await shows(app, pilot, f"refresh ignored: the answer is not run {INST}")
        await wait_for_requests(pilot, run, 4)
        assert f"refresh ignored: the answer is not run {INST}" in screen_text(app)
        assert [line for line in screen_text(app).splitlines() if "step_" in line] == before
        deadline = time.monotonic() + 10
        while run.served < 5 and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.press("escape")  # the refresh under way is the watch's: left alone
        assert await shows(app, pilot, "refreshed again: no change since the last answer")
        assert "fetch canceled" not in screen_text(app)
        await pilot.press("ctrl+r")
        assert await shows(app, pilot, "Datadog server error (HTTP 502")
        assert run.served >= 6  # the 502 above was the user's own fetch, the sixth request
        await wait_for_requests(pilot, run, 8)  # the watch went on after the user's fetch
        assert "● Running" in screen_text(app)
        assert [line for line in screen_text(app).splitlines() if "step_" in line] == before


async def test_a_refresh_keeps_the_ranges_the_user_opened(
    fake_datadog: FakeDatadog, launch_options
) -> None:
    """The items of a big array open in ranges (`[1,000 … 1,999]`): a refresh of the run
    (Ctrl+R here, the watch alike) keeps such a range open, and the cursor where it was."""
    ended = LimitedRun(steps=1)
    ended.served = 1  # a run that has ended: no watch refreshes in between
    document = ended.document()
    document["data"]["attributes"]["outputs"] = {"arr": list(range(2500))}
    fake_datadog.add_response(
        "GET", f"/api/v2/workflows/{WF}/instances/{INST}", status=200, body=json.dumps(document)
    )
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(140, 50)) as pilot:
        assert await shows(app, pilot, "● Succeeded")
        tree = app.query_one(JsonTreeView)
        assert tree.reveal_path(("data", "attributes", "outputs", "arr", 1000))
        await pilot.press("h")  # up to the range the item is in
        await pilot.pause()
        assert "▾ [1,000 … 1,999]" in screen_text(app)
        assert path_line(app) == ".data.attributes.outputs.arr[1000:2000]"
        await pilot.press("ctrl+r")
        assert await shows(app, pilot, f"loaded instance {INST}")
        await pilot.pause(0.3)
        screen = screen_text(app)
        assert "▾ [1,000 … 1,999]" in screen and "[1000]: 1000" in screen
        await pilot.press("j")  # the cursor was on the range's row: the next is its first item
        await pilot.pause()
        assert path_line(app) == ".data.attributes.outputs.arr[1000]"


async def test_a_search_outlives_the_refreshes_of_its_run(
    fake_datadog: FakeDatadog, launch_options
) -> None:
    """A watched run changes at almost every refresh: its search stays, n goes on."""

    run = LimitedRun(steps=50)
    app = watching(fake_datadog, launch_options, run.handle, fast=True)
    async with app.run_test(size=(140, 50)) as pilot:
        assert await shows(app, pilot, "● Running")
        await pilot.press("slash", *"step_4", "enter")
        assert await shows(app, pilot, "match 1 of 11")
        served = run.served
        await wait_for_requests(pilot, run, served + 2)  # refreshed, with values changed
        await pilot.press("n")
        await pilot.pause()
        assert "match 2 of 11" in screen_text(app)


async def test_a_refresh_under_way_when_the_user_switches_runs_is_dropped(
    fake_datadog: FakeDatadog, launch_options
) -> None:
    """Run B is being refreshed when the user goes back to run A with o: B's answer, when
    it comes, does not replace A on screen."""
    from textual.widgets import Input

    other = "0b6bd0a3-5d07-4c47-a3b4-1e2f3a4b5c6d"
    run_a, run_b = LimitedRun(steps=50).document(), LimitedRun(steps=50).document()
    run_a["data"]["attributes"]["sourceForTemplating"] = {"name": "RUN-A"}  # the panel's head
    run_b["data"]["attributes"]["sourceForTemplating"] = {"name": "RUN-B"}
    run_b["data"]["id"] = other
    a = ScriptedRun(Reply.json(200, run_a))
    b = ScriptedRun(Reply.json(200, run_b), (1.0, Reply.json(200, run_b)))
    fake_datadog.add_handler("GET", f"/api/v2/workflows/{WF}/instances/{other}", b.handle)
    app = watching(fake_datadog, launch_options, a.handle, fast=True)
    async with app.run_test(size=(140, 50)) as pilot:
        assert await shows(app, pilot, "RUN-A")
        app.query_one("#instance", Input).value = other
        await pilot.press("ctrl+r")
        assert await shows(app, pilot, "RUN-B")
        await wait_for_requests(pilot, b, 2)  # B's slow refresh is under way
        await pilot.press("o")
        await pilot.pause(0.2)
        await pilot.press("enter")
        assert await shows(app, pilot, f"back to run {INST}")
        await pilot.pause(1.5)  # B's answer has come by now
        assert "RUN-A" in screen_text(app) and "RUN-B" not in screen_text(app)
        assert app.query_one("#instance", Input).value == INST
