"""Server data that attacks the terminal: escape sequences, control and invisible characters,
and markup, in keys and values of a run and in error answers.

Nothing of it may reach the terminal raw. The pilot tests read what Textual draws (the tree,
the summary, the value view, the status bar, the path line, the runs list) and look for any
raw control, format or separator character, and for the visible escapes that stand in for
them. The tmux tests run the real program in a real terminal (tmux) with `set-clipboard on`,
so that an OSC 52 reaching tmux WOULD change its paste buffer, and an OSC 0/2 its pane title;
a control step prints the same bytes raw to show that the check can fail.
"""

from __future__ import annotations

import base64
import json
import sys
import unicodedata
from typing import Any

import pytest
from textual.widgets import Input

from tests.cassettes import INST, INSTANCE_PATH, WF
from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from tests.screen import screen_text, settle
from tests.tmux import TmuxSession, tmux_available
from wfbrowse.demo.server import FakeDatadog
from wfbrowse.key_runs import SHARED_RUN
from wfbrowse.textsafe import KEY_HIDDEN
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.status_bar import StatusBar

WORKFLOW_PATH = f"/api/v2/workflows/{WF}"
LIST_PATH = f"/api/v2/workflows/{WF}/instances"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


ESC, BEL, ST = "\x1b", "\x07", "\x1b\\"
ATTACKS: dict[str, str] = {
    "csi-colour": f"{ESC}[31;1;5mRED{ESC}[0m",
    "csi-cursor": f"{ESC}[2;5H{ESC}[10A{ESC}[K{ESC}7{ESC}8",
    "csi-clear": f"{ESC}[2J{ESC}[3J{ESC}c",
    "osc52-bel": f"{ESC}]52;c;{b64('pwned-osc52-bel')}{BEL}",
    "osc52-st": f"{ESC}]52;c;{b64('pwned-osc52-st')}{ST}",
    "osc0-title": f"{ESC}]0;pwned-title-0{BEL}",
    "osc2-title": f"{ESC}]2;pwned-title-2{ST}",
    "osc8-link": f"{ESC}]8;;https://evil.example/{ST}click me{ESC}]8;;{ST}",
    "dcs-passthrough": f"{ESC}Ptmux;{ESC}{ESC}]52;c;{b64('pwned-dcs')}{BEL}{ST}",
    "c0": "nul\x00soh\x01bel\x07bs\x08tab\tvt\x0bff\x0ccr\rlf\nso\x0eus\x1f",
    "c1": "nel\x85dcs\x90osc\x9d0;t\x9cst\x9c",
    "c1-csi": "\x9b2J\x9b1;1H\x9b31m",
    "del": "del\x7fdel",
    "bidi": "abc\u202eevil\u202c \u2066iso\u2069 \u2067r\u2069 \u2068f\u2069 \u202a\u202b\u202d",
    "zero-width": "zw\u200bsp\u200cnj\u200dj\u2060wj\ufeffbom\u200e\u200f\u061c",
    "separators": "ls\u2028ps\u2029",
    "surrogate": "lone\ud800half",
    "markup-bold": "[bold red]loud[/]",
    "markup-click": "[@click=app.quit]quit[/]",
    "markup-variable": "$variable $accent [$primary]x[/]",
    "markup-link": "[link=https://evil.example]x[/link]",
}
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def raw_unsafe(text: str) -> list[str]:
    """Characters a terminal would act on or hide (line breaks between screen rows aside)."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if ch != "\n" and unicodedata.category(ch) in UNSAFE_CATEGORIES
    ]


def shown(raw: str) -> str:
    """How text must appear: every unsafe character as a visible escape (\\x1b, \\u202e)."""
    out = []
    for ch in raw:
        if unicodedata.category(ch) not in UNSAFE_CATEGORIES:
            out.append(ch)
        elif ch in NAMED:
            out.append(NAMED[ch])
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def view_parts(raw: str) -> list[str]:
    """What the value view shows of a value, in pieces: a newline breaks the line there and a
    tab is drawn as spaces (both kept as they are, for a selection to copy them); every other
    unsafe character as a visible escape."""
    return [shown(part) for line in raw.split("\n") for part in line.split("\t")]


def shown_json(raw: str) -> str:
    """A string value as a row shows it: JSON-quoted, then any unsafe character escaped."""
    return shown(json.dumps(raw, ensure_ascii=False))


def jq_key(raw: str) -> str:
    """The jq path step for a member: JSON-quoted, every unsafe character as \\uXXXX."""
    return "[" + json.dumps(raw).replace("\x7f", "\\u007f") + "]"


def values_path(name: str) -> str:
    """The jq path of a member of `values` (the attack names are plain ASCII)."""
    return f".values.{name}" if name.replace("-", "_") == name else f'.values["{name}"]'


def assert_nothing_raw(app: WfBrowseApp) -> str:
    screen = screen_text(app)
    assert raw_unsafe(screen) == [], screen
    return screen


def hostile_run() -> dict[str, Any]:
    return {
        "data": {
            "id": INST,
            "type": "instances",
            "attributes": {
                "instanceStatus": {
                    "detailsKind": "FAILED",
                    "displayName": "Failed " + ATTACKS["osc2-title"],
                },
                "startTimestamp": "2024-07-24T18:38:31Z",
                "endTimestamp": "2024-07-24T18:39:58Z",
                "sourceForTemplating": {
                    "name": "wf " + ATTACKS["csi-colour"] + " " + ATTACKS["markup-click"],
                    "initiator": {"name": "by " + ATTACKS["osc52-st"]},
                    "type": "trig " + ATTACKS["bidi"],
                },
                "stepStateAssociations": [
                    {"stepName": "step " + ATTACKS["osc52-bel"], "stepState": "FAILED"},
                    {"stepName": "next " + ATTACKS["markup-bold"], "stepState": ATTACKS["c1-csi"]},
                ],
                "errorDetail": {
                    "stepName": "step " + ATTACKS["osc52-bel"],
                    "message": "err " + ATTACKS["csi-clear"] + ATTACKS["markup-link"],
                },
            },
            "relationships": {"workflow": {"data": {"id": WF}}},
        },
        "values": dict(ATTACKS),
        "keys": {raw: name for name, raw in ATTACKS.items()},
    }


def serve_hostile_run(server: FakeDatadog) -> None:
    # ensure_ascii: a lone surrogate can only travel as a \ud800 escape.
    server.add_response("GET", INSTANCE_PATH, status=200, body=json.dumps(hostile_run()))


async def open_hostile_run(fake_datadog: FakeDatadog, launch_options: Any) -> WfBrowseApp:
    serve_hostile_run(fake_datadog)
    return WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))


def path_line(app: WfBrowseApp) -> str:
    lines = [line.strip() for line in screen_text(app).splitlines()]
    return next((line for line in reversed(lines) if line.startswith(".")), "")


# -- pilot: what Textual draws -------------------------------------------------------------------
async def test_summary_shows_every_hostile_field_escaped(fake_datadog, launch_options) -> None:
    app = await open_hostile_run(fake_datadog, launch_options)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(app, pilot)
        screen = assert_nothing_raw(app)
        assert shown("wf " + ATTACKS["csi-colour"] + " " + ATTACKS["markup-click"]) in screen
        assert shown("● Failed " + ATTACKS["osc2-title"]) in screen
        assert shown("by " + ATTACKS["osc52-st"]) in screen
        assert shown("trig " + ATTACKS["bidi"]) in screen
        assert shown("step " + ATTACKS["osc52-bel"]) in screen  # the steps table
        assert shown("next " + ATTACKS["markup-bold"]) in screen
        assert shown(ATTACKS["c1-csi"]) in screen
        error = "err " + ATTACKS["csi-clear"] + ATTACKS["markup-link"]
        assert shown(f"✖ step {ATTACKS['osc52-bel']}: {error}") in screen
        assert app.return_code is None


async def test_tree_rows_show_hostile_keys_and_values_escaped(fake_datadog, launch_options) -> None:
    app = await open_hostile_run(fake_datadog, launch_options)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("E", "g", "j", "l")  # fold all, open `values`
        await pilot.pause()
        screen = assert_nothing_raw(app)
        for name, raw in ATTACKS.items():
            assert f"{name}: {shown_json(raw)}" in screen, name
        assert '"[bold red]loud[/]"' in screen  # markup stays text
        assert '"$variable $accent [$primary]x[/]"' in screen
        await pilot.press("h", "j", "l")  # fold `values`, open `keys`
        await pilot.pause()
        screen = assert_nothing_raw(app)
        for name, raw in ATTACKS.items():
            assert f"{shown(raw)}: {json.dumps(name)}" in screen, name
        # A click on markup text (in the summary, then on a row) is a click, not an action.
        lines = screen.splitlines()
        for marker in ("[@click=app.quit]quit[/]  ● Failed", '[@click=app.quit]quit[/]: "'):
            row = next(i for i, line in enumerate(lines) if marker in line)
            await pilot.click(offset=(lines[row].index(marker) + 2, row))
            await pilot.pause()
            assert app.return_code is None
        assert path_line(app) == ".keys" + jq_key(ATTACKS["markup-click"])


async def test_the_path_line_and_copied_paths_escape_hostile_keys(
    fake_datadog, launch_options
) -> None:
    app = await open_hostile_run(fake_datadog, launch_options)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("E", "g", "j", "j", "l")  # fold all, open `keys`
        await pilot.pause()
        for raw in ATTACKS.values():
            await pilot.press("j")
            await pilot.pause()
            expected = ".keys" + jq_key(raw)
            assert path_line(app) == expected
            assert_nothing_raw(app)
            await pilot.press("p")
            await settle(app, pilot)
            assert app.clipboard == expected
            assert raw_unsafe(app.clipboard) == []  # safe to paste into a shell or jq
            assert json.loads(expected.removeprefix(".keys[").removesuffix("]")) == raw


async def test_the_value_view_shows_hostile_values_escaped(fake_datadog, launch_options) -> None:
    app = await open_hostile_run(fake_datadog, launch_options)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("E", "g", "j", "l")  # fold all, open `values`
        await pilot.pause()
        for name, raw in ATTACKS.items():
            await pilot.press("j")
            await pilot.pause()
            for key in ("v", "enter") if name == "c0" else ("v",):  # both open the view
                await pilot.press(key)
                await pilot.pause()
                screen = assert_nothing_raw(app)
                assert f"{values_path(name)} · {len(raw):,} chars · Esc to close" in screen
                for part in view_parts(raw):
                    assert part in screen, name
                await pilot.press("escape")
                await pilot.pause()
        await pilot.press("g", "j", "v")  # the whole `values` object, as pretty JSON
        await pilot.pause()
        screen = assert_nothing_raw(app)
        assert shown(json.dumps(ATTACKS["osc52-st"], ensure_ascii=False)) in screen
        assert '"markup-click": "[@click=app.quit]quit[/]"' in screen


STATUS_CASES = [
    pytest.param(
        400,
        json.dumps(
            {
                "errors": [
                    {
                        "detail": "bad "
                        + ATTACKS["osc52-bel"]
                        + " "
                        + ATTACKS["markup-bold"]
                        + " "
                        + ATTACKS["bidi"][:8]
                    }
                ]
            }
        ),
        "bad " + ATTACKS["osc52-bel"] + " " + ATTACKS["markup-bold"] + " " + ATTACKS["bidi"][:8],
        id="400-json-detail",
    ),
    pytest.param(
        404,
        json.dumps(
            {"errors": ["instance " + ATTACKS["osc2-title"] + ATTACKS["c1"] + " not found"]}
        ),
        "instance " + ATTACKS["osc2-title"] + ATTACKS["c1"] + " not found",
        id="404-detail",
    ),
    pytest.param(
        502,
        "<html><head><title>&#x1b;]52;c;cHduZWQ=&#7; [@click=app.quit]q[/] &#8238;x"
        "</title></head></html>",
        # Character references to controls are dropped by the HTML rules; U+202E is not.
        "]52;c;cHduZWQ= [@click=app.quit]q[/] \u202ex",
        id="502-html-entities",
    ),
    pytest.param(
        200,
        "<html><head><title>\x1b]0;pwned\x07$variable [b]x[/b]\u2066</title></head></html>",
        "\x1b]0;pwned\x07$variable [b]x[/b]\u2066",
        id="200-html-raw-bytes",
    ),
]


@pytest.mark.parametrize(("status", "body", "said"), STATUS_CASES)
async def test_the_status_bar_shows_hostile_error_text_escaped(
    fake_datadog, launch_options, status, body, said
) -> None:
    fake_datadog.add_response("GET", INSTANCE_PATH, status=status, body=body)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(220, 30)) as pilot:
        await settle(app, pilot)
        bar = app.query_one(StatusBar)
        assert bar.message_kind == "error"
        assert raw_unsafe(bar.message) == []
        screen = assert_nothing_raw(app)
        assert shown(said) in bar.message
        assert shown(said)[:80] in screen
        assert app.return_code is None


def hostile_runs_list(kind: str = "FAILED") -> dict[str, Any]:
    evil_id = ATTACKS["osc52-st"]
    return {
        "data": [
            {
                "id": evil_id,
                "attributes": {
                    "instanceStatus": {"detailsKind": kind, "displayName": ATTACKS["c1-csi"]},
                    "source": {"src " + ATTACKS["osc2-title"]: {}},
                },
            }
        ],
        "meta": {"page": {"totalCount": 1}},
    }


def serve_hostile_runs_list(server: FakeDatadog, kind: str = "FAILED") -> None:
    name = {"data": {"attributes": {"name": "wf " + ATTACKS["csi-clear"] + ATTACKS["bidi"]}}}
    server.add_response("GET", WORKFLOW_PATH, status=200, body=json.dumps(name))
    server.add_response("GET", LIST_PATH, status=200, body=json.dumps(hostile_runs_list(kind)))


async def test_the_runs_list_shows_hostile_fields_escaped(fake_datadog, launch_options) -> None:
    serve_hostile_runs_list(fake_datadog)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF))
    async with app.run_test(size=(220, 30)) as pilot:
        await settle(app, pilot)
        screen = assert_nothing_raw(app)
        assert shown("wf " + ATTACKS["csi-clear"] + ATTACKS["bidi"]) in screen
        assert shown(ATTACKS["osc52-st"]) in screen
        assert shown("● " + ATTACKS["c1-csi"]) in screen
        assert shown("src " + ATTACKS["osc2-title"]) in screen


async def test_asking_to_cancel_a_run_with_a_hostile_id_shows_it_escaped(
    fake_datadog, launch_options
) -> None:
    serve_hostile_runs_list(fake_datadog, kind="IN_PROGRESS")
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF))
    async with app.run_test(size=(220, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")  # cancel the (only, running) run: the question names it
        await settle(app, pilot)
        screen = assert_nothing_raw(app)
        assert f"Cancel run {shown(ATTACKS['osc52-st'])}?" in screen
        await pilot.press("n")


async def test_choosing_a_run_with_a_hostile_id_shows_nothing_raw(
    fake_datadog, launch_options
) -> None:
    serve_hostile_runs_list(fake_datadog)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF))
    async with app.run_test(size=(220, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # open the (only) run
        await settle(app, pilot)
        assert raw_unsafe(app.query_one("#instance", Input).value) == []
        assert_nothing_raw(app)


def echoing_run(api_key: str, app_key: str) -> dict[str, Any]:
    """A run whose data echoes the keys: whole, in part, and as a member's name."""
    return {
        "data": {
            "id": INST,
            "type": "instances",
            "attributes": {
                "instanceStatus": {"detailsKind": "SUCCEEDED"},
                "sourceForTemplating": {"name": f"wf {api_key}"},
                "stepStateAssociations": [
                    {"stepName": f"call with {api_key[4:24]}", "stepState": "SUCCEEDED"}
                ],
            },
        },
        "echo": {
            "headers": {"DD-API-KEY": api_key, "DD-APPLICATION-KEY": app_key},
            app_key: "a member named by the key",
            "url": f"https://api.example/?key={api_key[:-4]}&page=2",
            "short": api_key[-SHARED_RUN + 1 :],  # too short a part to give the key away
            # Cut to the row's room between escapes (each ESC is 6 characters shown), in the key.
            "log": f"{ESC}[0m" * 12 + api_key + "x" * 300,
        },
    }


def key_parts_on(text: str, *keys: str) -> list[str]:
    """Every stretch of SHARED_RUN characters of a key that `text` shows."""
    return [
        key[start : start + SHARED_RUN]
        for key in keys
        for start in range(len(key) - SHARED_RUN + 1)
        if key[start : start + SHARED_RUN] in text
    ]


async def test_a_run_echoing_the_keys_in_use_shows_them_hidden_everywhere(
    fake_datadog, launch_options
) -> None:
    body = json.dumps(echoing_run(TEST_API_KEY, TEST_APP_KEY))
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    keys = (TEST_API_KEY, TEST_APP_KEY)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert f"wf {KEY_HIDDEN}" in screen and f"call with {KEY_HIDDEN}" in screen  # summary
        await pilot.press("E", "g", "j", "e")  # fold all, then everything under `echo`
        await settle(app, pilot)
        screen = screen_text(app)
        assert key_parts_on(screen, *keys) == []
        assert f'DD-API-KEY: "{KEY_HIDDEN}"' in screen
        assert f'"https://api.example/?key={KEY_HIDDEN}&page=2"' in screen
        assert f'short: "{TEST_API_KEY[-SHARED_RUN + 1 :]}"' in screen
        assert 'log: "' + "\\u001b[0m" * 12 + KEY_HIDDEN + '…" (381 chars)' in screen
        await pilot.press("j", "j", "j", "j")  # the member named by the key
        await pilot.pause()
        assert path_line(app) == f'.echo["{KEY_HIDDEN}"]'
        await pilot.press("p")  # its path holds the key: not copied
        await settle(app, pilot)
        assert "not copied: the path holds one of your Datadog keys" in screen_text(app)
        await pilot.press("k", "k", "k", "v")  # `headers`, in the value view
        await settle(app, pilot)
        screen = screen_text(app)
        assert f'"DD-API-KEY": "{KEY_HIDDEN}"' in screen
        assert key_parts_on(screen, *keys) == []
        assert key_parts_on(app.export_screenshot(), *keys) == []


async def test_saving_a_run_that_echoes_a_key_is_refused(
    fake_datadog, launch_options, tmp_path
) -> None:
    """Keys never reach a file: a run holding one, or a long part of one, is not saved (as
    a copy of it is not made), and nothing is written."""
    body = json.dumps(echoing_run(TEST_API_KEY, TEST_APP_KEY))
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    folder = tmp_path / "runs"
    folder.mkdir()
    target = folder / "run.json"
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await app.run_action("save_run")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "not saved: the run holds one of your Datadog keys" in screen_text(app)
    assert list(folder.iterdir()) == []  # nor a temporary file


# -- a real terminal -----------------------------------------------------------------------------
needs_tmux = pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")
KNOWN_BUFFER = "known-buffer-before-the-test"
KNOWN_TITLE = "known-title-before-the-test"


def wfbrowse_held(*args: str) -> list[str]:
    """The real program, started only once Enter is pressed: tmux is set up first."""
    return ["sh", "-c", 'read go && exec "$@"', "sh", sys.executable, "-m", "wfbrowse", *args]


def arm(term: TmuxSession) -> None:
    """Make tmux act on OSC 52 (`set-clipboard on`), and give it a known buffer and title."""
    term._tmux("set-option", "-s", "set-clipboard", "on")
    term._tmux("set-buffer", KNOWN_BUFFER)
    term._tmux("select-pane", "-t", term.target, "-T", KNOWN_TITLE)
    assert buffer(term) == KNOWN_BUFFER
    assert title(term) == KNOWN_TITLE


def buffer(term: TmuxSession) -> str:
    return term._tmux("show-buffer")


def title(term: TmuxSession, target: str | None = None) -> str:
    return term._tmux("display", "-p", "-t", target or term.target, "#{pane_title}").strip()


def keys_env() -> dict[str, str]:
    return {"DD_API_KEY": TEST_API_KEY, "DD_APP_KEY": TEST_APP_KEY}


def print_raw(term: TmuxSession, name: str) -> str:
    """Print one attack's raw bytes in a new pane of the same tmux; returns the pane."""
    window = f"control-{name}"
    command = 'printf %s "$P"; sleep 30'
    term._tmux("new-window", "-d", "-n", window, "-e", f"P={ATTACKS[name]}", command)
    return f"{term.target}:{window}"


def prove_raw_bytes_would_be_caught(term: TmuxSession) -> None:
    """The same bytes printed raw in another pane of the same tmux do change the buffer and
    the title: the checks above would have seen a leak."""
    for name in ("osc52-bel", "osc52-st"):
        print_raw(term, name)
        expected = f"pwned-{name}"
        wait_until(lambda expected=expected: buffer(term) == expected)
    for name, expected in (("osc0-title", "pwned-title-0"), ("osc2-title", "pwned-title-2")):
        pane = print_raw(term, name)
        wait_until(lambda pane=pane, expected=expected: title(term, pane) == expected)


def wait_until(check: Any, timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the raw bytes had no effect: the terminal checks could not fail")


@pytest.mark.tmux
@needs_tmux
def test_hostile_run_in_a_real_terminal_changes_neither_buffer_nor_title() -> None:
    with FakeDatadog() as server:
        serve_hostile_run(server)
        command = wfbrowse_held(WF, INST, "--api-url", server.url)
        with TmuxSession(command, width=200, height=60, env=keys_env()) as term:
            arm(term)
            term.send_keys("Enter")
            screen = term.wait_for(shown("by " + ATTACKS["osc52-st"]))
            assert shown("wf " + ATTACKS["csi-colour"] + " " + ATTACKS["markup-click"]) in screen
            # Fold everything, open `values`, and read each value whole in the value view.
            term.send_until(["E"], f"▸ values: {{{len(ATTACKS)} keys}}")
            term.send_keys("g", "j", "l")
            screen = term.wait_for(f"osc52-st: {shown_json(ATTACKS['osc52-st'])}")
            for name, raw in ATTACKS.items():
                assert f"{name}: {shown_json(raw)}" in screen, name
            for name, raw in ATTACKS.items():
                term.send_keys("j")
                term.wait_for(values_path(name))
                term.send_keys("v")
                header = f"{values_path(name)} · {len(raw):,} chars · Esc to close"
                parts = view_parts(raw)
                # The view's text may come a frame after its header: wait for the whole of it.
                screen = term.wait_for(
                    lambda s, h=header, p=parts: h in s and all(x in s for x in p)
                )
                for part in parts:
                    assert part in screen, name
                term.send_keys("Escape")
                term.wait_for(lambda s: "Esc to close" not in s)
            # Then `keys`: each hostile key, and its path under the tree.
            term.send_keys("h", "h", "j", "l")
            screen = term.wait_for(f'{shown(ATTACKS["osc52-bel"])}: "osc52-bel"')
            for raw in ATTACKS.values():
                term.send_keys("j")
                term.wait_for(".keys" + jq_key(raw))
            assert buffer(term) == KNOWN_BUFFER
            assert title(term) == KNOWN_TITLE
            term.send_keys("C-q")
            assert term.wait_exit() == 0
            assert "Traceback" not in term.screen()
            prove_raw_bytes_would_be_caught(term)


@pytest.mark.tmux
@needs_tmux
def test_choosing_a_hostile_run_id_in_a_real_terminal_changes_nothing() -> None:
    with FakeDatadog() as server:
        serve_hostile_runs_list(server)
        command = wfbrowse_held(WF, "--api-url", server.url)
        with TmuxSession(command, width=200, height=40, env=keys_env()) as term:
            arm(term)
            term.send_keys("Enter")
            term.wait_for("showing 1 of 1")
            term.send_until(["Enter"], "is not a UUID")
            assert buffer(term) == KNOWN_BUFFER
            assert title(term) == KNOWN_TITLE
