"""The real `wfbrowse` process in a real terminal (tmux): what a person sees and types."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.tmux import TmuxSession, tmux_available
from wfbrowse.demo.catalog import DEMO_WORKFLOW_ID, FAILED_INSTANCE_ID, SUCCEEDED_INSTANCE_ID
from wfbrowse.jsonpath import jq_path
from wfbrowse.tui.run_actions import value_text

pytest_plugins = ["tests.secret_service"]

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
]

WFBROWSE = [sys.executable, "-m", "wfbrowse"]


def query_line(screen: str) -> str:
    """The top row: site, workflow field, instance field."""
    return next((line for line in screen.splitlines() if "datadoghq.com" in line), "").strip()


def test_demo_shows_a_run_as_a_tree_and_quits_cleanly() -> None:
    with TmuxSession([*WFBROWSE, "--demo"], width=120, height=40) as term:
        term.wait_for("Demo mode")
        screen = term.send_until(["Enter"], "▾ attributes:")  # the first demo run: succeeded
        assert "Triage high error rate on checkout-api" in screen
        assert "● Succeeded" in screen
        assert "▾ data: {4 keys}" in screen
        assert "▸ included: [2 items]" in screen
        assert "HTTP 200" in screen
        # Fold the attributes, open the status and read it off the screen.
        term.send_keys("j", "l", "j", "l")
        screen = term.wait_for('displayName: "Succeeded"')
        assert 'detailsKind: "SUCCEEDED"' in screen
        term.wait_for(".data.attributes.instanceStatus")
        term.send_keys("C-q")
        assert term.wait_exit() == 0
        assert "Traceback" not in term.screen()


def test_ids_on_the_command_line_fetch_at_once_and_errors_keep_the_tree() -> None:
    command = [*WFBROWSE, "--demo", DEMO_WORKFLOW_ID, FAILED_INSTANCE_ID]
    with TmuxSession(command, width=120, height=40) as term:
        screen = term.wait_for("● Failed")
        assert "errorDetail" in screen
        # Now an instance that answers 403: the error shows, the failed run stays.
        # Ctrl+O, Ctrl+U (to the field, cleared) are the first keys after start-up (the run
        # was fetched at once), so they are sent until the cleared field shows. The rest go
        # one step at a time, each waited for on screen, as a person would type: focus moves
        # between key presses, not within one burst of bytes.
        term.send_until(["C-o", "C-u"], "workflow ID or Datadog link")
        term.send_keys(DEMO_WORKFLOW_ID, literal=True)
        term.wait_for(DEMO_WORKFLOW_ID[:30])
        term.send_keys("Tab")
        term.send_keys("C-u")
        term.wait_for(lambda screen: "instance ID" in query_line(screen))  # the placeholder
        term.send_keys("898f6214-3cdb-4879-bf6d-a0cdb51988a0", literal=True)
        term.wait_for("898f6214-3cdb")
        term.send_keys("Enter")
        screen = term.wait_for("Actions API access")
        assert "● Failed" in screen
        assert "errorDetail" in screen
        term.send_keys("C-q")
        assert term.wait_exit() == 0


def test_pasting_a_web_link_fills_both_fields_and_fetches() -> None:
    link = (
        f"https://app.datadoghq.com/workflow/{DEMO_WORKFLOW_ID}"
        f"?instance={SUCCEEDED_INSTANCE_ID}&from_ts=1717000000000"
    )
    with TmuxSession([*WFBROWSE, "--demo"], width=120, height=40) as term:
        term.wait_for("Demo mode")
        term.send_until(["C-o", "x"], " x ")  # the field has focus
        term.send_keys("BSpace")
        term.wait_for("workflow ID or Datadog link")
        # A real bracketed paste, as a terminal delivers it.
        term._tmux("set-buffer", "-b", "link", link)
        term._tmux("paste-buffer", "-p", "-b", "link", "-t", term.target)
        screen = term.wait_for("● Succeeded")
        assert DEMO_WORKFLOW_ID[:20] in screen
        term.send_keys("C-q")
        assert term.wait_exit() == 0


def test_help_and_version_answer_without_starting_the_app() -> None:
    version = subprocess.run([*WFBROWSE, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("wfbrowse ")
    usage = subprocess.run([*WFBROWSE, "--help"], capture_output=True, text=True, check=True)
    for flag in ("--site", "--api-url", "--demo", "TARGET", "INSTANCE_ID", "DD_API_KEY"):
        assert flag in usage.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-a-uuid"], "not"),
        (["--site", "mars"], "mars"),
        (["--api-url", "https://example.com"], "example.com"),
        ([DEMO_WORKFLOW_ID, "nope"], "instance ID"),
        (["--site", ""], "empty Datadog site"),  # an unset variable: not the default site
        (["--api-url", ""], "empty --api-url"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = subprocess.run([*WFBROWSE, *args], capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wfbrowse: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_keys_set_on_the_command_line_then_the_app_fetches_with_them(real_keyring) -> None:
    """The whole round trip in real processes: `wfbrowse keys set` stores the keys in the
    Secret Service, the app (in tmux) reads them back and the server receives exactly them."""
    import os

    from tests.cassettes import INST, WF, load_interaction, serve
    from wfbrowse.demo.server import FakeDatadog

    env = {**os.environ, **real_keyring}
    env.pop("PYTHON_KEYRING_BACKEND", None)  # keyring finds the Secret Service on its own
    api_key, app_key = "e2e-api-key-00000000000000000a1a", "e2e-app-key-0000000000000000000b2b"
    stored = subprocess.run(
        [*WFBROWSE, "keys", "set", "--profile", "oncall", "--site", "EU1"],
        input=f"{api_key}\n{app_key}\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert stored.returncode == 0, stored.stderr
    assert api_key not in stored.stdout + stored.stderr
    assert real_keyring.stored("oncall/api_key") == api_key  # secret-tool reads it back
    with FakeDatadog() as server:
        serve(server, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
        command = [*WFBROWSE, "--profile", "oncall", "--api-url", server.url, WF, INST]
        with TmuxSession(command, width=120, height=40, env=env) as term:
            screen = term.wait_for("● Canceled")
            assert "profile oncall" in screen
            assert "EU1" in screen
            assert api_key[:-4] not in screen and app_key[:-4] not in screen
            term.send_keys("C-q")
            assert term.wait_exit() == 0
        [request] = server.requests
    assert request.header("DD-API-KEY") == api_key
    assert request.header("DD-APPLICATION-KEY") == app_key


def first_match(instance_id: str, text: str) -> tuple[tuple[str | int, ...], object]:
    """The first node a search for `text` finds in a demo run, and its value."""
    import json

    from wfbrowse.demo.catalog import DemoCatalog
    from wfbrowse.demo.server import RecordedRequest
    from wfbrowse.jsontree import Query, iter_matches

    path = f"/api/v2/workflows/{DEMO_WORKFLOW_ID}/instances/{instance_id}"
    reply = DemoCatalog().answer(RecordedRequest("GET", path, {}, {}))
    assert reply is not None
    document = json.loads(reply.body)
    found = next(iter_matches(document, Query(text)))
    value: object = document
    for key in found:
        value = value[key]  # type: ignore[index]
    return found, value


def test_search_and_copy_land_in_the_tmux_buffer() -> None:
    """In tmux, `y`, `p` and `u` fill tmux's paste buffer, whatever set-clipboard says."""
    link = f"https://app.datadoghq.com/workflow/{DEMO_WORKFLOW_ID}?instance={SUCCEEDED_INSTANCE_ID}"
    with TmuxSession([*WFBROWSE, "--demo"], width=140, height=45) as term:
        term.wait_for("Demo mode")
        term.send_until(["C-o", "x"], " x ")
        term.send_keys("BSpace")
        term.wait_for("workflow ID or Datadog link")
        term.send_keys(link, literal=True)  # typed in full, as a paste without brackets
        term.wait_for("● Succeeded")
        term.send_keys("/")
        term.wait_for("search keys and values")
        term.send_keys("checkout-api", literal=True)
        term.send_keys("Enter")
        term.wait_for("match 1 of")
        term.send_keys("y")
        term.wait_for("tmux buffer")
        first_path, first_value = first_match(SUCCEEDED_INSTANCE_ID, "checkout-api")
        assert term._tmux("show-buffer") == value_text(first_value)
        term.send_keys("p")
        term.wait_for("copied path")
        assert term._tmux("show-buffer") == jq_path(first_path)
        term.wait_for(jq_path(first_path))  # the line under the tree shows the same path
        term.send_keys("u")
        term.wait_for("copied link")
        assert term._tmux("show-buffer") == link
        term.send_keys("C-q")
        assert term.wait_exit() == 0
