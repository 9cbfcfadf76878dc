"""A workflow's runs: paging, opening a run, and coming back to the same place."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

from textual.widgets import Input

from tests.cassettes import WF
from tests.screen import screen_text, settle
from wfbrowse.demo.server import FakeDatadog, RecordedRequest, Reply, write_reply
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.cell_table import CellTable

TOTAL = 250


def run_id(index: int) -> str:
    return f"00000000-0000-4000-8000-{index:012d}"


def serve_250_runs(
    server: FakeDatadog, started_after_first_page: int = 0, *, counted: bool = True
) -> None:
    """A workflow with 250 runs, newest first, paged as Datadog pages them. Runs started after
    the first page was sent push every later page that many places down: its first runs are
    the last ones of the page before. `counted`: whether `meta` gives the counts."""

    def page(request: RecordedRequest, raw: BaseHTTPRequestHandler) -> bool:
        size = int(request.query.get("page[size]", ["10"])[0])
        number = int(request.query.get("page[number]", ["0"])[0])
        shift = started_after_first_page if number else 0
        items = [
            {
                "id": run_id(i),
                "type": "instances",
                "attributes": {
                    "instanceStatus": {"detailsKind": "SUCCEEDED", "displayName": "Succeeded"},
                    "startTimestamp": "2025-06-02T07:41:26.004517Z",
                    "endTimestamp": "2025-06-02T07:41:58.663029Z",
                    "source": {"schedule": {}},
                },
            }
            for i in range(number * size - shift, min(TOTAL, (number + 1) * size - shift))
        ]
        meta = {
            "succeededCount": TOTAL,
            "failedCount": 0,
            "canceledCount": 0,
            "page": {"totalCount": TOTAL, "totalFilteredCount": TOTAL},
        }
        reply = Reply.json(200, {"data": items, "meta": meta if counted else {}})
        write_reply(raw, reply)
        return True

    server.add_handler("GET", f"/api/v2/workflows/{WF}/instances", page)
    server.add_response(
        "GET",
        f"/api/v2/workflows/{WF}",
        status=200,
        body=json.dumps({"data": {"id": WF, "attributes": {"name": "Nightly [b]export[/b]"}}}),
    )


def row_of(table: CellTable, instance_id: str) -> int:
    row = table.row_index(instance_id)
    assert row is not None, f"{instance_id} is not listed"
    return row


async def test_paging_through_250_runs_opening_one_and_coming_back(
    fake_datadog, launch_options
) -> None:
    serve_250_runs(fake_datadog)
    chosen = run_id(105)
    fake_datadog.add_response(
        "GET",
        f"/api/v2/workflows/{WF}/instances/{chosen}",
        status=200,
        body=json.dumps(
            {
                "data": {
                    "id": chosen,
                    "attributes": {
                        "instanceStatus": {"detailsKind": "SUCCEEDED", "displayName": "Succeeded"}
                    },
                }
            }
        ),
    )
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF))  # no instance: the runs
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "Nightly [b]export[/b]" in screen  # the workflow's name, literally
        assert "250 runs: 250 succeeded, 0 failed, 0 canceled" in screen
        assert "showing 100 of 250 — m loads more" in screen
        table = app.screen.query_one("#runs", CellTable)
        assert table.row_count == 100
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert table.row_count == 250
        await pilot.press("m")
        await settle(app, pilot)
        assert "all 250 runs are shown" in screen_text(app)
        table.cursor_row = 105
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.query_one("#instance", Input).value == chosen
        assert "● Succeeded" in screen_text(app)
        await pilot.press("b")  # back to the list, where it was
        await settle(app, pilot)
        table = app.screen.query_one("#runs", CellTable)
        assert table.row_count == 250
        assert table.cursor_row == 105
    pages = [
        request.query.get("page[number]", ["?"])[0]
        for request in fake_datadog.requests
        if request.path.endswith("/instances")
    ]
    assert pages == ["0", "1", "2"]  # each page once, 100 at a time
    sizes = {
        request.query.get("page[size]", ["?"])[0]
        for request in fake_datadog.requests
        if request.path.endswith("/instances")
    }
    assert sizes == {"100"}


async def test_a_run_on_two_pages_is_listed_once(fake_datadog, launch_options) -> None:
    serve_250_runs(fake_datadog, started_after_first_page=1)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")  # its first run is the first page's last
        await settle(app, pilot)
        table = app.screen.query_one("#runs", CellTable)
        assert table.row_count == 199
        assert row_of(table, run_id(99)) == 99 and row_of(table, run_id(100)) == 100
        assert "showing 199 of 250 — m loads more" in screen_text(app)


async def test_demo_workflow_runs_from_an_empty_instance_field(demo_server, launch_options) -> None:
    from wfbrowse.demo.catalog import DEMO_WORKFLOW_ID, RUNNING_INSTANCE_ID

    app = WfBrowseApp(launch_options(demo_server))
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#workflow", Input).value = DEMO_WORKFLOW_ID
        await pilot.pause()
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "Triage high error rate on checkout-api" in screen
        assert "● Failed" in screen and "● Succeeded" in screen
        # The list counts three outcomes; the run still going is told too.
        assert "134 runs: 105 succeeded, 20 failed, 8 canceled, 1 in progress" in screen
        # The first row, under the cursor, in full: its columns are as wide as the others'.
        rows = screen.splitlines()
        header = next(index for index, line in enumerate(rows) if "instance" in line)
        assert rows[header].split() == ["status", "instance", "started", "(UTC)", "took", "source"]
        assert rows[header + 1].split()[:3] == ["●", "Running", RUNNING_INSTANCE_ID]
        second_id = rows[header + 2].split()[2]
        assert rows[header + 1].index(RUNNING_INSTANCE_ID) == rows[header + 2].index(second_id)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1  # Esc: back on the main screen
        assert app.query_one("#workflow", Input).value == DEMO_WORKFLOW_ID


async def test_cancel_from_the_list_asks_and_sends_one_put(demo_server, launch_options) -> None:
    from wfbrowse.demo.catalog import DEMO_WORKFLOW_ID, RUNNING_INSTANCE_ID, SUCCEEDED_INSTANCE_ID

    app = WfBrowseApp(launch_options(demo_server, workflow_id=DEMO_WORKFLOW_ID))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#runs", CellTable)
        table.cursor_row = row_of(table, SUCCEEDED_INSTANCE_ID)
        await pilot.press("c")  # a finished run: nothing to cancel, nothing sent
        await pilot.pause()
        assert "only a running run can be canceled" in screen_text(app)
        table.cursor_row = row_of(table, RUNNING_INSTANCE_ID)
        await pilot.press("c")
        await pilot.pause()
        assert f"Cancel run {RUNNING_INSTANCE_ID}?" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert f"asked Datadog to cancel {RUNNING_INSTANCE_ID}" in screen_text(app)
    puts = [r for r in demo_server.requests if r.method == "PUT"]
    assert [r.path for r in puts] == [
        f"/api/v2/workflows/{DEMO_WORKFLOW_ID}/instances/{RUNNING_INSTANCE_ID}/cancel"
    ]


async def test_a_narrow_list_scrolls_sideways_under_its_header(demo_server, launch_options) -> None:
    from wfbrowse.demo.catalog import DEMO_WORKFLOW_ID

    app = WfBrowseApp(launch_options(demo_server, workflow_id=DEMO_WORKFLOW_ID))
    async with app.run_test(size=(70, 24)) as pilot:
        await settle(app, pilot)
        rows = screen_text(app).splitlines()
        header = next(index for index, line in enumerate(rows) if "instance" in line)
        assert "status" in rows[header] and "source" not in rows[header]  # cut at the edge
        assert "Running" in rows[header + 1]
        await pilot.press(*["right"] * 40)
        await pilot.press("end")  # the last row loaded: rows scroll, the header stays
        await pilot.pause()
        rows = screen_text(app).splitlines()
        assert "source" in rows[header] and "status" not in rows[header]
        listed = rows[header + 1 : header + 12]
        assert all("monitor" in line or "manual" in line for line in listed), listed
        # The first run, the one still running ("took: running"), scrolled away.
        assert "running" not in "\n".join(rows)
        assert "showing 100 of 134" in rows[-2]


async def test_the_main_screens_keys_do_not_reach_behind_the_list(
    demo_server, launch_options
) -> None:
    """The list is a screen over the main one: /, Ctrl+O, Ctrl+T, y and the rest would act
    on the fields and tree out of sight (and leave the list deaf to its own keys). They do
    nothing there, and its footer does not offer them."""
    from wfbrowse.demo.catalog import DEMO_WORKFLOW_ID

    app = WfBrowseApp(launch_options(demo_server, workflow_id=DEMO_WORKFLOW_ID))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Back" in footer
        assert "Search" not in footer and "IDs" not in footer and "Fetch" not in footer
        table = app.screen.query_one("#runs", CellTable)
        for key in ("slash", "ctrl+o", "ctrl+t", "y", "p", "v", "ctrl+r", "w", "o", "b", "H", "f2"):
            await pilot.press(key)
            await pilot.pause()
            assert app.focused is table, key
            assert len(app.screen_stack) == 2, key  # nothing stacked over the list either
        # Nor does the palette offer them there.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"ID fields")
        await pilot.pause(0.3)
        assert "Go to the ID fields" not in screen_text(app)
        await pilot.press("ctrl+u", *"help")
        await pilot.pause(0.3)
        assert "Help: keys and clipboard" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is table
        await pilot.press("j")  # the list still answers its own keys
        await pilot.pause()
        assert table.cursor_row == 1
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1  # Esc: back on the main screen
        assert app.query_one("#workflow", Input).value == DEMO_WORKFLOW_ID


async def test_a_list_without_counts_pages_while_pages_come_full(
    fake_datadog, launch_options
) -> None:
    """No meta.page.totalCount: a full page means there may be more (as `wfbrowse list`
    reads it), so m goes on until a page comes short."""
    serve_250_runs(fake_datadog, counted=False)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "100 runs so far" in screen
        assert "showing 100 — m loads more" in screen
        await pilot.press("m")
        await settle(app, pilot)
        assert "showing 200 — m loads more" in screen_text(app)
        await pilot.press("m")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "showing 250 — Enter opens a run" in screen
        assert "250 runs" in screen and "so far" not in screen
        await pilot.press("m")
        await pilot.pause()
        assert "all 250 runs are shown" in screen_text(app)
