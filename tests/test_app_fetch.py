"""The app end to end in Textual's pilot: paste, fetch, see the tree; every failure explained."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from textual import events
from textual.widgets import Input

from tests.cassettes import INST, INSTANCE_PATH, WF, load_interaction, serve
from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from tests.resolver import refuse_to_resolve
from tests.screen import screen_text, settle
from wfbrowse.demo.server import FakeDatadog, RecordedRequest
from wfbrowse.tui.app import WfBrowseApp

OTHER = "11111111-2222-4333-8444-555555555555"
OTHER_PATH = f"/api/v2/workflows/{WF}/instances/{OTHER}"
WEB_LINK = f"https://app.datadoghq.com/workflow/{WF}?instance={INST}&from_ts=1&live=true"


def serve_recorded_instance(server: FakeDatadog) -> None:
    serve(server, load_interaction("test_get_a_workflow_instance_returns_ok_response"))


async def paste(app: WfBrowseApp, selector: str, text: str) -> None:
    field = app.query_one(selector, Input)
    field.focus()
    field.post_message(events.Paste(text))


def tree_lines(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if line.startswith((" ▾", " ▸", " │"))]


async def load_recorded(app: WfBrowseApp, pilot: object) -> None:
    await paste(app, "#workflow", WEB_LINK)
    await pilot.pause()  # type: ignore[attr-defined]
    await settle(app, pilot)


async def test_paste_web_link_fetches_and_shows_tree_and_summary(
    fake_datadog, launch_options
) -> None:
    serve_recorded_instance(fake_datadog)
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(120, 36)) as pilot:
        await load_recorded(app, pilot)
        screen = screen_text(app)
        # Both fields filled from the one link.
        assert app.query_one("#workflow", Input).value == WF
        assert app.query_one("#instance", Input).value == INST
        # Summary line: workflow name, status, start, duration.
        assert "Max Jul 24 2024 02:38" in screen
        assert "● Canceled" in screen
        assert "started 2024-07-24 18:38:31 UTC" in screen
        assert "took 1m 26s" in screen
        # The tree: root children in the response's order, first one open.
        assert "▾ data: {4 keys}" in screen
        assert "▸ included: [2 items]" in screen
        assert "▸ meta: {3 keys}" in screen
        assert screen.index("data:") < screen.index("included:") < screen.index("meta:")
        # Status bar: last request facts.
        assert "HTTP 200" in screen
        assert "1.7 KB" in screen
    # Exactly one request, with exactly the keys and the documented headers.
    [request] = fake_datadog.requests
    assert request.path == INSTANCE_PATH
    assert request.header("DD-API-KEY") == TEST_API_KEY
    assert request.header("DD-APPLICATION-KEY") == TEST_APP_KEY
    assert request.header("Accept") == "application/json"
    assert (request.header("User-Agent") or "").startswith("wfbrowse/")


async def test_tree_expands_and_collapses_from_keyboard(fake_datadog, launch_options) -> None:
    serve_recorded_instance(fake_datadog)
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(120, 40)) as pilot:
        await load_recorded(app, pilot)
        # The run opens with data and data.attributes unfolded.
        screen = screen_text(app)
        assert "▾ attributes: {8 keys}" in screen
        assert 'startTimestamp: "2024-07-24T18:38:31.326418Z"' in screen
        await pilot.press("j", "h")  # down to attributes, fold it
        await pilot.pause()
        screen = screen_text(app)
        assert "▸ attributes: {8 keys}" in screen
        assert "startTimestamp" not in screen
        assert screen.splitlines()[-4].strip() == ".data.attributes"  # the path line
        await pilot.press("l", "l", "j", "l")  # unfold, step in, down to instanceStatus, open
        await pilot.pause()
        screen = screen_text(app)
        assert 'displayName: "Canceled"' in screen
        assert screen.splitlines()[-4].strip() == ".data.attributes.instanceStatus"
        await pilot.press("h", "h")  # fold instanceStatus, then up to attributes
        await pilot.pause()
        assert "displayName" not in screen_text(app)
        assert screen_text(app).splitlines()[-4].strip() == ".data.attributes"
        await pilot.press("G")
        await pilot.pause()
        assert screen_text(app).splitlines()[-4].strip() == ".meta"


async def test_markup_in_keys_and_values_is_shown_literally(fake_datadog, launch_options) -> None:
    body = '{"data": {"[b]x[/b]": "a[/]b", "[red]": "[link=https://x]y[/link]"}}'
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        screen = screen_text(app)
        assert '[b]x[/b]: "a[/]b"' in screen
        assert '[red]: "[link=https://x]y[/link]"' in screen


async def test_control_characters_from_the_server_are_shown_escaped(
    fake_datadog, launch_options
) -> None:
    body = '{"data": {"\\u001b]52;c;aGk=\\u0007": "\\u001b[2J\\u202eevil\\u0085"}}'
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        screen = screen_text(app)
        assert "\x1b" not in screen and "\u202e" not in screen and "\x85" not in screen
        assert "\\x1b]52;c;aGk=\\x07" in screen
        assert '"\\u001b[2J\\u202eevil\\x85"' in screen


ERROR_CASES = [
    pytest.param(
        400,
        '{"errors":[{"code":"INVALID_FIELD_VALUE","detail":"value <no value> is invalid"}]}',
        "value <no value> is invalid",
        id="400-detail",
    ),
    pytest.param(401, '{"errors":["Unauthorized"]}', "DD_API_KEY", id="401"),
    pytest.param(403, '{"errors":["Forbidden"]}', "Actions API access", id="403"),
    pytest.param(
        404,
        '{"errors":[{"code":"WORKFLOW_NOT_FOUND","detail":"workflow not found"}]}',
        "workflow not found",
        id="404-workflow",
    ),
    pytest.param(
        404,
        '{"errors":[{"code":"INSTANCE_NOT_FOUND","detail":"instance x not found"}]}',
        "instance x not found",
        id="404-instance",
    ),
    pytest.param(500, '{"errors":["Internal Server Error"]}', "server error", id="500"),
    pytest.param(
        502,
        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        "502 Bad Gateway",
        id="502-html",
    ),
    pytest.param(200, "<html>login page</html>", "not valid JSON", id="200-html"),
    pytest.param(200, "", "empty", id="200-empty"),
]


@pytest.mark.parametrize(("status", "body", "expected"), ERROR_CASES)
async def test_each_error_is_one_line_in_the_status_bar_and_the_tree_stays(
    fake_datadog, launch_options, status: int, body: str, expected: str
) -> None:
    serve_recorded_instance(fake_datadog)
    fake_datadog.add_response("GET", OTHER_PATH, status=status, body=body)
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(160, 36)) as pilot:
        await load_recorded(app, pilot)
        before_tree = tree_lines(screen_text(app))
        app.query_one("#instance", Input).value = OTHER
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        screen = screen_text(app)
        status_line = next(line for line in screen.splitlines() if "✖" in line)
        assert expected.lower() in status_line.lower()
        assert "Traceback" not in screen
        # What was on screen stays: summary and tree of the previous instance.
        assert "Max Jul 24 2024 02:38" in screen
        assert "● Canceled" in screen
        assert tree_lines(screen) == before_tree


async def test_rate_limit_from_a_429_is_shown_with_its_reset(fake_datadog, launch_options) -> None:
    fake_datadog.add_response(
        "GET",
        INSTANCE_PATH,
        status=429,
        body='{"errors":["Too many requests"]}',
        headers={
            "x-ratelimit-limit": "1000",
            "x-ratelimit-period": "60",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "42",
            "x-ratelimit-name": "workflows_instances",
        },
    )
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "rate limited" in screen
        assert "0/1000" in screen
        assert "workflows_instances" in screen
        assert "4" in screen.split("resets", 1)[1][:6]  # "resets 42s" or "resets 41s"


async def test_connection_refused_is_explained(launch_options) -> None:
    server = FakeDatadog().start()
    server.stop()  # nothing listens on that port any more
    app = WfBrowseApp(launch_options(server, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "connection refused" in screen.lower()
        assert "Traceback" not in screen


def _hold(release: threading.Event) -> object:
    def handler(request: RecordedRequest, raw: BaseHTTPRequestHandler) -> bool:
        release.wait(10)
        return True  # answer nothing: the client is canceled before this returns

    return handler


@pytest.fixture
def other_held(fake_datadog) -> Iterator[None]:
    """The recorded run, and OTHER asked for but never answered, until the test is over."""
    serve_recorded_instance(fake_datadog)
    release = threading.Event()
    fake_datadog.add_handler("GET", OTHER_PATH, _hold(release))  # type: ignore[arg-type]
    yield
    release.set()


async def test_escape_cancels_a_running_fetch_and_keeps_the_tree(
    fake_datadog, launch_options, other_held
) -> None:
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(120, 36)) as pilot:
        await load_recorded(app, pilot)
        app.query_one("#instance", Input).value = OTHER
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        busy = screen_text(app)
        assert f"fetching {OTHER} … (Esc cancels)" in busy
        assert any(spinner in busy for spinner in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
        await pilot.press("escape")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "fetch canceled" in screen
        assert "fetching" not in screen
        assert "▾ data: {4 keys}" in screen
        assert "● Canceled" in screen


async def test_escape_cancels_the_fetch_first_with_the_search_line_open(
    fake_datadog, launch_options, other_held
) -> None:
    """While a fetch runs the status bar says "(Esc cancels)": so Esc does, even with the
    search line open; the next Esc closes the search line."""
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(120, 36)) as pilot:
        await load_recorded(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert app.query_one("#search").display
        app.query_one("#instance", Input).value = OTHER
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        assert f"fetching {OTHER} … (Esc cancels)" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "fetch canceled" in screen_text(app)
        assert app.query_one("#search").display  # still open
        await pilot.press("escape")
        await pilot.pause()
        assert not app.query_one("#search").display


async def test_a_new_fetch_replaces_a_running_one(fake_datadog, launch_options, other_held) -> None:
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(120, 36)) as pilot:
        app.query_one("#workflow", Input).value = WF
        app.query_one("#instance", Input).value = OTHER
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        app.query_one("#instance", Input).value = INST
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "▾ data: {4 keys}" in screen
        assert "loaded instance 305a472b" in screen


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("#workflow", "not-a-uuid", "workflow ID"),
        ("#instance", "305a472b-71ab-4ce8-8f8d", "instance ID"),
    ],
)
async def test_bad_ids_get_an_inline_message_and_send_nothing(
    fake_datadog, launch_options, field: str, value: str, message: str
) -> None:
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    app.options = app.options._replace(workflow_id=None, instance_id=None)
    async with app.run_test(size=(120, 30)) as pilot:
        app.query_one("#workflow", Input).value = WF
        app.query_one("#instance", Input).value = INST
        app.query_one(field, Input).value = value
        await pilot.pause()  # let the fields' change events settle, as typing would
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        error = screen_text(app)
        assert message in error
        assert "not a UUID" in error or "empty" in error
    assert fake_datadog.requests == []


async def test_government_site_is_refused_before_any_request(fake_datadog, launch_options) -> None:
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.press("ctrl+s")  # open the site list
        await pilot.pause()
        assert "EU1" in screen_text(app) and "US2-FED" in screen_text(app)
        await pilot.press(*["down"] * 7, "enter")  # US1-FED, the eighth site
        await pilot.pause()
        assert (
            "not available" in screen_text(app).lower()
            or "not supported" in screen_text(app).lower()
        )
        app.query_one("#workflow", Input).value = WF
        app.query_one("#instance", Input).value = INST
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "US1-FED" in screen_text(app)
    assert fake_datadog.requests == []


async def test_missing_keys_are_a_message_not_a_crash(fake_datadog, launch_options) -> None:
    app = WfBrowseApp(
        launch_options(fake_datadog, credentials=None, workflow_id=WF, instance_id=INST)
    )
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "DD_API_KEY" in screen
        assert "Traceback" not in screen
    assert fake_datadog.requests == []


async def test_enter_on_a_long_string_shows_it_whole(fake_datadog, launch_options) -> None:
    long_value = "start-" + "x" * 500 + "-end"
    body = '{"data": {"message": "' + long_value + '"}}'
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await pilot.pause()
        assert "-end" not in screen_text(app)  # the label shows it shortened
        assert "(510 chars)" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        whole = screen_text(app).replace("\n", "").replace(" ", "").replace("▌", "")
        assert "-end" in whole
        await pilot.press("escape")
        await pilot.pause()
        assert "(510 chars)" in screen_text(app)


async def test_a_long_string_keeps_its_length_in_view_when_the_scrollbar_comes(
    fake_datadog, launch_options
) -> None:
    """Rows drawn before the tree grew a scrollbar are cut again to the narrower room."""
    long_value = "start-" + "x" * 500 + "-end"
    body = json.dumps({"data": {"message": long_value, "items": list(range(300))}})
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "(510 chars)" in screen_text(app)
        await pilot.press("j", "j", "l")  # open the 300 items: the tree scrolls now
        await pilot.pause()
        assert "[299]" not in screen_text(app) and "[0]: 0" in screen_text(app)
        assert "(510 chars)" in screen_text(app)


async def test_clicking_fetch_fetches(fake_datadog, launch_options) -> None:
    serve_recorded_instance(fake_datadog)
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(120, 36)) as pilot:
        app.query_one("#workflow", Input).value = WF
        app.query_one("#instance", Input).value = INST
        await pilot.pause()
        await pilot.click("#fetch")
        await settle(app, pilot)
        assert "● Canceled" in screen_text(app)
    assert [request.path for request in fake_datadog.requests] == [INSTANCE_PATH]


async def test_a_field_left_shows_the_start_of_its_id(fake_datadog, launch_options) -> None:
    """In a window too narrow for a whole ID, a field shows the part people recognise, also
    after the user has been in it (going in selects it all and scrolls to its end)."""
    serve_recorded_instance(fake_datadog)
    app = WfBrowseApp(launch_options(fake_datadog))

    def query_row() -> str:
        return next(line for line in screen_text(app).splitlines() if "Fetch" in line)

    async with app.run_test(size=(96, 30)) as pilot:
        await load_recorded(app, pilot)
        assert WF[:13] in query_row() and INST[:13] in query_row(), query_row()
        app.query_one("#instance", Input).focus()
        await pilot.pause()
        assert INST[:13] not in query_row(), "the window is wide enough to show a whole ID"
        app.query_one("#tree").focus()
        await pilot.pause()
        assert WF[:13] in query_row() and INST[:13] in query_row(), query_row()


async def test_a_field_keeps_its_cursor_while_the_terminal_is_away(
    fake_datadog, launch_options
) -> None:
    """Another tmux pane or window for a moment: typing goes on where it was."""
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(120, 30)) as pilot:
        field = app.query_one("#workflow", Input)
        field.focus()
        await pilot.press(*"ccf73164")
        app.post_message(events.AppBlur())
        await pilot.pause()
        assert app.focused is None  # Textual takes focus away while the terminal is away
        app.post_message(events.AppFocus())
        await pilot.pause()
        await pilot.press(*"-1998")
        assert field.value == "ccf73164-1998"


@pytest.mark.parametrize(
    ("cassette", "expected"),
    [
        ("test_get_a_workflow_instance_returns_ok_response", "● Canceled"),
        (
            "test_get_a_workflow_instance_returns_not_found_response",
            "✖ workflow not found",
        ),
        (
            "test_get_a_workflow_instance_returns_bad_request_response",
            "✖ value <no value> is invalid for field workflow_id",
        ),
    ],
)
async def test_recorded_instance_answers_on_screen(
    fake_datadog, launch_options, cassette: str, expected: str
) -> None:
    """Each recorded answer of the instance endpoint, replayed, as the user sees it."""
    interaction = load_interaction(cassette)
    # The recordings use their own IDs (or "malformed"): serve them at the path the app asks.
    fake_datadog.add_response(
        "GET",
        INSTANCE_PATH,
        status=interaction.status,
        body=interaction.body,
        headers={k: v for k, v in interaction.headers.items() if k == "content-type"},
    )
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert expected in screen
        assert f"HTTP {interaction.status}" in screen


async def test_pasting_a_link_of_another_site_switches_the_site(
    fake_datadog, launch_options
) -> None:
    serve_recorded_instance(fake_datadog)
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(140, 36)) as pilot:
        assert "US1 datadoghq.com" in screen_text(app)
        await paste(app, "#instance", f"<https://app.datadoghq.eu/workflow/{WF}?instance={INST}>")
        await pilot.pause()
        await settle(app, pilot)
        screen = screen_text(app)
        assert "EU1 datadoghq.eu" in screen
        assert "site EU1 via http://127.0.0.1:" in screen
        assert "● Canceled" in screen


async def test_tls_failure_is_explained(fake_datadog, launch_options) -> None:
    """https to a server that speaks plain HTTP: the handshake fails."""
    https_url = fake_datadog.url.replace("http://", "https://")
    app = WfBrowseApp(
        launch_options(fake_datadog, api_url=https_url, workflow_id=WF, instance_id=INST)
    )
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        status_line = next(line for line in screen_text(app).splitlines() if "✖" in line)
        assert "TLS" in status_line


async def test_name_resolution_failure_is_explained(
    fake_datadog, launch_options, monkeypatch
) -> None:
    asked = refuse_to_resolve(monkeypatch, "api.wfbrowse-test.invalid")
    app = WfBrowseApp(
        launch_options(
            fake_datadog,
            api_url="http://api.wfbrowse-test.invalid:9",
            workflow_id=WF,
            instance_id=INST,
        )
    )
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        status_line = next(line for line in screen_text(app).splitlines() if "✖" in line)
        assert "cannot resolve" in status_line
        assert "api.wfbrowse-test.invalid" in status_line
    assert asked == ["api.wfbrowse-test.invalid"]


async def test_a_saved_document_is_shown_without_network_or_keys(
    fake_datadog, launch_options
) -> None:
    document = json.loads(load_interaction("test_get_a_workflow_instance_returns_ok_response").body)
    app = WfBrowseApp(
        launch_options(fake_datadog, credentials=None, read_keyring=True), document=document
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "● Canceled" in screen
        assert "▾ data: {4 keys}" in screen
        assert "showing a saved run" in screen
        assert "Datadog keys" not in screen  # no keys screen: none are needed
    assert fake_datadog.requests == []
