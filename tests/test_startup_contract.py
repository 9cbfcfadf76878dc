"""What start-up promises: a light command line, a Textual-free core, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAVY = ("textual", "httpx", "keyring", "rich", "platformdirs")
CORE = (
    "wfbrowse.api",
    "wfbrowse.collector",
    "wfbrowse.credentials",
    "wfbrowse.debuglog",
    "wfbrowse.demo.catalog",
    "wfbrowse.demo.server",
    "wfbrowse.errors",
    "wfbrowse.history",
    "wfbrowse.instance",
    "wfbrowse.jsonload",
    "wfbrowse.jsonpath",
    "wfbrowse.jsontree",
    "wfbrowse.keys_cli",
    "wfbrowse.launch",
    "wfbrowse.one_line_parser",
    "wfbrowse.ratelimit",
    "wfbrowse.run_list",
    "wfbrowse.scripting",
    "wfbrowse.settings",
    "wfbrowse.sites",
    "wfbrowse.subcommand",
    "wfbrowse.targets",
    "wfbrowse.textsafe",
    "wfbrowse.theme_files",
    "wfbrowse.watch",
)


def imported_top_levels(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {name.split(".")[0] for name in result.stdout.split()}


def test_core_modules_import_no_textual_httpx_keyring_or_rich() -> None:
    loaded = imported_top_levels("\n".join(f"import {module}" for module in CORE))
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


@pytest.mark.parametrize(
    "argv", [["--help"], ["--version"], ["keys", "--help"], ["keys", "set", "--help"]]
)
def test_help_and_version_load_nothing_heavy(argv: list[str]) -> None:
    code = textwrap.dedent(
        f"""
        import contextlib, io
        from wfbrowse.cli import main
        with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):
            main({argv!r})
        """
    )
    loaded = imported_top_levels(code)
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_wfbrowse_alone_is_read_as_the_parser_reads_no_arguments() -> None:
    """`wfbrowse` with no arguments skips the parser (NO_ARGUMENTS, for start-up's sake): it
    must start exactly as the parser would have had it, should an option be added or changed."""
    from wfbrowse.cli import NO_ARGUMENTS, build_parser

    assert vars(NO_ARGUMENTS) == vars(build_parser().parse_args([]))


def test_a_crash_is_one_line_without_traceback_or_values() -> None:
    """Textual's own crash report prints local variables; wfbrowse's names the error only."""
    script = textwrap.dedent(
        """
        from wfbrowse.credentials import Credentials
        from wfbrowse.launch import LaunchOptions
        from wfbrowse.sites import parse_site
        from wfbrowse.tui.app import WfBrowseApp

        class Crashing(WfBrowseApp):
            def on_mount(self):
                api_key = self.options.credentials.api_key  # a local a traceback would show
                raise RuntimeError("boom " + api_key)

        keys = Credentials("sekrit-api-key-0001", "sekrit-app-key-0002", "test")
        options = LaunchOptions(site=parse_site("datadoghq.com"), credentials=keys)
        app = Crashing(options)
        app.run(headless=True, size=(80, 24))
        raise SystemExit(app.return_code)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "sekrit" not in output
    assert "Traceback" not in output and "locals" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("wfbrowse: internal error (RuntimeError at ")


@pytest.mark.parametrize("file", ["run.json", "saved runs/a b.json", "x"])
def test_open_file_is_read_as_the_parser_reads_it(file: str) -> None:
    """`wfbrowse open FILE` skips the parser too (scripting.plain_open): the same reading."""
    from wfbrowse.scripting import build_parser, plain_open

    plain = plain_open(["open", file])
    assert plain is not None
    assert vars(plain) == vars(build_parser().parse_args(["open", file]))


@pytest.mark.parametrize(
    "argv",
    [["open"], ["open", "--help"], ["open", "-"], ["open", "a.json", "b.json"], ["get", "x"]],
)
def test_anything_but_open_file_goes_to_the_parser(argv: list[str]) -> None:
    from wfbrowse.scripting import plain_open

    assert plain_open(argv) is None


def test_open_file_starts_the_app_without_argparse(tmp_path) -> None:
    saved = tmp_path / "run.json"
    saved.write_text('{"data": {"id": "x", "attributes": {}}}')
    code = textwrap.dedent(
        f"""
        from textual.app import App
        App.run = lambda self, *args, **kwargs: None  # up to the app's start, not its frames
        from wfbrowse.cli import main
        main(["open", {str(saved)!r}])
        """
    )
    loaded = imported_top_levels(code)
    assert "wfbrowse" in loaded and "textual" in loaded
    assert "argparse" not in loaded


def clean_env(home: Path) -> dict[str, str]:
    """No keys, no keyring, fresh settings: the app a newcomer starts."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }


def test_the_empty_app_without_a_settings_file_starts_without_json(tmp_path: Path) -> None:
    """json is 2.4 ms of start-up on a small machine: it loads when a file is read or saved."""
    code = textwrap.dedent(
        """
        from textual.app import App
        App.run = lambda self, *args, **kwargs: None  # up to the app's start, not its frames
        from wfbrowse.cli import main
        main([])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(tmp_path),
    )
    loaded = set(result.stdout.split())
    assert "wfbrowse.tui.app" in loaded
    assert "json" not in loaded


# The real app, started by the command line, headless: how many collections ran before its
# first frame, whether the collector runs again after it, and what the frame showed.
_COLLECTIONS_AROUND_THE_FIRST_FRAME = """
import gc, json, sys
from textual.app import App
seen = {"collections": 0}
gc.callbacks.append(lambda phase, info: phase == "stop" and seen.__setitem__(
    "collections", seen["collections"] + 1))
display, run = App._display, App.run

def first_frame(self, screen, update):
    display(self, screen, update)
    if update is not None and "before_frame" not in seen:
        seen["before_frame"] = seen["collections"]

async def after(pilot):
    await pilot.pause()
    before = seen["collections"]
    kept = [[] for _ in range(10_000)]  # past the first generation's threshold, 700
    seen["collections_after"] = seen["collections"] - before
    seen["enabled"] = gc.isenabled()
    seen["screen"] = " ".join(strip.text for strip in pilot.app.screen._compositor.render_strips())
    pilot.app.exit()

App._display = first_frame
App.run = lambda self, *args, **kwargs: run(self, headless=True, size=(120, 40), auto_pilot=after)
from wfbrowse.cli import main
gc.collect()  # from here, only what the command itself allocates can start a collection
seen["collections"] = 0
main(sys.argv[1:])
print(json.dumps(seen))
"""


@pytest.mark.parametrize("argv", [[], ["open", "RUN"]], ids=["empty app", "open FILE"])
def test_no_collection_runs_before_the_first_frame_and_the_collector_runs_after(
    tmp_path: Path, argv: list[str]
) -> None:
    saved = tmp_path / "run.json"
    saved.write_text('{"data": {"id": "x", "attributes": {"outputs": {"a": [1, 2]}}}}')
    argv = [str(saved) if arg == "RUN" else arg for arg in argv]
    result = subprocess.run(
        [sys.executable, "-c", _COLLECTIONS_AROUND_THE_FIRST_FRAME, *argv],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(tmp_path),
    )
    seen = json.loads(result.stdout.splitlines()[-1])
    assert ("outputs" if argv else "workflow ID or Datadog link") in seen["screen"]
    assert seen["before_frame"] == 0
    assert seen["enabled"] and seen["collections_after"] >= 1
