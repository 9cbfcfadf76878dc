"""Every command in the README, run: in a shell, in tmux, or against a real Secret Service.

The commands are read from README.md itself (its `sh` blocks and its inline commands), so
what is run is what a reader copies. Placeholders (`<workflow-id>` ...) become the demo
server's runs; a command that would reach Datadog gets `--api-url` pointing at the loopback
demo server instead, and nothing else changes. A README command that no test here knows
how to run fails `test_every_readme_command_is_run`: the README cannot grow a command that
is not checked.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from tests.tmux import TmuxSession, kill_server, tmux_available
from wfbrowse.demo.catalog import DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID
from wfbrowse.demo.server import FakeDatadog
from wfbrowse.theme_files import load_theme_file

pytest_plugins = ["tests.secret_service"]

# uv's package cache as it was before the tests' fixtures moved XDG_CACHE_HOME aside: the
# tool install below must find everything there, since it is not allowed the network.
UV_CACHE = {k: os.environ[k] for k in ("UV_CACHE_DIR", "XDG_CACHE_HOME") if k in os.environ}
ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = str(Path(sys.executable).parent)  # where `wfbrowse` is installed in this environment

PLACEHOLDERS = {
    "<workflow-id>": DEMO_WORKFLOW_ID,
    "<instance-id>": SUCCEEDED_INSTANCE_ID,
    "<api-key>": TEST_API_KEY,
    "<application-key>": TEST_APP_KEY,
}
INLINE = re.compile(r"`((?:wfbrowse|uv|pipx) [^`]+)`")


def missing_tools() -> list[str]:
    """What the real Secret Service needs (the same tools tests/secret_service.py uses)."""
    tools = ("dbus-run-session", "gnome-keyring-daemon", "secret-tool")
    return [tool for tool in tools if shutil.which(tool) is None]


def fenced(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.M | re.S)


def readme_commands() -> list[str]:
    """Every command line of the `sh` blocks, then every inline command, in README order."""
    lines = [line.strip() for block in fenced("sh") for line in block.splitlines()]
    inline = [" ".join(span.split()) for span in INLINE.findall(README)]
    seen: dict[str, None] = {}
    for command in [*lines, *inline]:
        if command and not command.startswith("#"):
            seen.setdefault(command, None)
    return list(seen)


def concrete(command: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        command = command.replace(placeholder, value)
    assert "<" not in command.replace("<redacted>", ""), f"unknown placeholder in {command!r}"
    return command


def kind(command: str) -> str | None:
    """Which test below runs `command` (None: no test knows it)."""
    words = shlex.split(command)
    if command == "uv run pytest":
        return "suite"
    if command in ("uv run wfbrowse --demo",):
        return "demo"
    if command == "uv tool install .":
        return "tool"
    if command == "pipx install .":
        return "help"
    if command.startswith("uv run python -m tests.bench"):
        return "bench"
    if command == "uv run python screenshots/make_screenshots.py":
        return "screenshots"
    if command.startswith("dbus-run-session "):
        return "headless"
    if command == "set -g set-clipboard on":
        return "tmux-conf"
    if command.startswith("DD_API_KEY="):
        return "environment"
    if words[0] != "wfbrowse":
        return None
    if "--help" in words:
        return "help"
    if words[1:2] == ["keys"]:
        return "keys"
    if words[1:2] in (["get"], ["list"]):
        return "script"
    if words[1:2] == ["themes"] or "--theme" in words:
        return "themes"
    return "app"  # the app itself: nothing, IDs, a link, an API URL, a workflow, open FILE


def commands_of(name: str) -> list[str]:
    return [command for command in readme_commands() if kind(command) == name]


def shell(
    command: str,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin: str = "",
    unset: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env or {})
    environment["PATH"] = f"{BIN}{os.pathsep}{environment['PATH']}"
    return subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        input=stdin,
        env=environment,
        cwd=cwd or ROOT,
        timeout=120,
    )


def with_api_url(command: str, url: str) -> str:
    """The same command, sending its requests to the loopback demo server."""
    for prefix in ("wfbrowse keys test", "wfbrowse get", "wfbrowse list", "wfbrowse"):
        if command.startswith(prefix):
            return command.replace(prefix, f"{prefix} --api-url {url}", 1)
    raise AssertionError(f"not a wfbrowse command: {command!r}")


def keys_env() -> dict[str, str]:
    return {"DD_API_KEY": TEST_API_KEY, "DD_APP_KEY": TEST_APP_KEY}


def test_every_readme_command_is_run() -> None:
    commands = readme_commands()
    unknown = [command for command in commands if kind(command) is None]
    assert unknown == []
    # The README shows these, so the tests below must find them there.
    kinds = {kind(command) for command in commands}
    assert {"suite", "demo", "tool", "keys", "script", "app", "themes", "headless"} <= kinds


def test_readme_opens_with_a_sentence_a_screenshot_and_the_two_commands() -> None:
    head = README.split("```sh", 1)[0]
    assert head.startswith("# wfbrowse\n\nwfbrowse ")
    image = re.search(r"!\[[^\]]+\]\((screenshots/[^)]+\.svg)\)", head)
    assert image is not None and (ROOT / image.group(1)).is_file()
    first_block = fenced("sh")[0]
    assert first_block.splitlines() == ["uv run wfbrowse --demo", "uv run pytest"]
    for target in re.findall(r"\]\((screenshots/[^)]+)\)", README):
        assert (ROOT / target).is_file(), target


def test_the_suite_command_is_what_ci_runs() -> None:
    [command] = commands_of("suite")
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert command in ci


def test_the_screenshot_command_is_the_script_its_own_test_runs() -> None:
    # tests/test_screenshot_script.py runs the script (on a few shots, into a temporary
    # folder: run as written, it would rewrite the committed screenshots).
    [command] = commands_of("screenshots")
    assert (ROOT / command.split()[-1]).is_file()
    assert (ROOT / "tests" / "test_screenshot_script.py").is_file()


def test_commands_quoted_from_help_are_in_help() -> None:
    help_text = shell("wfbrowse --help")
    assert help_text.returncode == 0
    for command in commands_of("help"):
        if command.startswith("wfbrowse"):
            assert shell(command).returncode == 0, command
        else:
            assert command in help_text.stdout, command


@pytest.mark.tmux
@pytest.mark.skipif(not tmux_available(), reason="needs tmux")
def test_demo_command_starts_the_demo() -> None:
    [command] = commands_of("demo")
    env = {"UV_OFFLINE": "1", "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    with TmuxSession(["bash", "-c", command], width=100, height=30, env=env, cwd=str(ROOT)) as term:
        term.wait_for("Demo mode", timeout=60)
        term.send_keys("C-q")
        assert term.wait_exit() == 0


def test_installing_as_a_tool_gives_a_working_command(tmp_path: Path) -> None:
    [command] = commands_of("tool")
    env = {
        "UV_OFFLINE": "1",  # from the local cache: the test never reaches a package index
        "UV_TOOL_DIR": str(tmp_path / "tools"),
        "UV_TOOL_BIN_DIR": str(tmp_path / "bin"),
        **UV_CACHE,
    }
    installed = shell(command, env=env, unset=("XDG_CACHE_HOME",))
    assert installed.returncode == 0, installed.stderr
    wfbrowse = tmp_path / "bin" / "wfbrowse"
    version = subprocess.run([wfbrowse, "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("wfbrowse ")
    # The shipped themes travel inside the installed package.
    themes = subprocess.run([wfbrowse, "themes"], capture_output=True, text=True)
    assert themes.returncode == 0, themes.stderr
    assert str(tmp_path / "tools") in themes.stdout
    assert "wfbrowse-light" in themes.stdout


@pytest.mark.skipif(bool(missing_tools()), reason="needs gnome-keyring, dbus and secret-tool")
def test_key_commands_against_a_real_secret_service(real_keyring, demo_server: FakeDatadog) -> None:
    env = {**real_keyring}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    environment.update(env)
    # In README order, except that deleting comes last (the others need the keys).
    commands = sorted(commands_of("keys"), key=lambda command: " delete" in command)
    assert [" set " in c for c in commands].count(True) == 1 and " delete" in commands[-1]
    for command in commands:
        words = shlex.split(command)
        runnable = with_api_url(command, demo_server.url) if words[2:3] == ["test"] else command
        result = subprocess.run(
            ["bash", "-c", runnable],
            capture_output=True,
            text=True,
            input=f"{TEST_API_KEY}\n{TEST_APP_KEY}\n" if words[2:3] == ["set"] else "",
            env={**environment, "PATH": f"{BIN}{os.pathsep}{environment['PATH']}"},
            timeout=60,
        )
        assert result.returncode == 0, (command, result.stderr)
        if words[2:3] == ["list"]:
            assert "prod" in result.stdout and "…a1b2" in result.stdout
            assert TEST_API_KEY not in result.stdout
    assert real_keyring.stored("prod/api_key") is None  # deleted, for real


def test_environment_keys_win(tmp_path: Path) -> None:
    for command in commands_of("environment"):
        result = shell(concrete(command))
        assert result.returncode == 0, result.stderr
        assert "environment" in result.stdout.lower()
        assert TEST_API_KEY not in result.stdout


@pytest.mark.skipif(bool(missing_tools()), reason="needs gnome-keyring, dbus and secret-tool")
def test_headless_keyring_recipe_keeps_keys_between_sessions(tmp_path: Path) -> None:
    [command] = commands_of("headless")
    env = {
        "KEYRING_PASSWORD": "readme-test-password",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    (tmp_path / "run").mkdir(mode=0o700)
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")
    }
    environment.update(env)
    # First session: store keys (the recipe, running `keys set` in place of `keys list`).
    storing = command.replace("wfbrowse keys list", "wfbrowse keys set --profile prod")
    stored = subprocess.run(
        ["bash", "-c", storing],
        capture_output=True,
        text=True,
        input=f"{TEST_API_KEY}\n{TEST_APP_KEY}\n",
        env={**environment, "PATH": f"{BIN}{os.pathsep}{environment['PATH']}"},
        timeout=60,
    )
    assert stored.returncode == 0, stored.stderr
    # A new session, the README's command: the keys are still there.
    listed = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        env={**environment, "PATH": f"{BIN}{os.pathsep}{environment['PATH']}"},
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert "prod" in listed.stdout and "…a1b2" in listed.stdout


@pytest.mark.skipif(not tmux_available(), reason="needs tmux")
def test_the_tmux_setting_is_a_valid_tmux_line(tmp_path: Path) -> None:
    [line] = commands_of("tmux-conf")
    conf = tmp_path / "tmux.conf"
    conf.write_text(line + "\n")
    socket = f"wfbrowse-readme-{os.getpid()}"
    run = ["tmux", "-L", socket, "-f", str(conf)]
    subprocess.run([*run, "new-session", "-d", "sleep 30"], check=True, timeout=20)
    try:
        shown = subprocess.run(
            [*run, "show-options", "-gv", "set-clipboard"], capture_output=True, text=True
        )
        assert shown.stdout.strip() == "on"
    finally:
        kill_server(socket)


def test_scripting_commands(tmp_path: Path, demo_server: FakeDatadog) -> None:
    commands = commands_of("script")
    assert commands
    for command in commands:
        runnable = with_api_url(concrete(command), demo_server.url)
        result = shell(runnable, env=keys_env(), cwd=tmp_path)
        assert result.returncode == 0, (command, result.stderr)
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["data"]["id"] == SUCCEEDED_INSTANCE_ID


def test_theme_commands_and_the_example_theme_file(tmp_path: Path) -> None:
    [example] = fenced("toml")
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "wfbrowse" / "themes"
    folder.mkdir(parents=True)
    (folder / "my-theme.toml").write_text(example)
    assert load_theme_file(folder / "my-theme.toml").name == "my-theme"
    for command in commands_of("themes"):
        words = shlex.split(command)
        if words[1:2] == ["themes"]:
            result = shell(command)
            assert result.returncode == 0, result.stderr
            assert "my-theme" in result.stdout
    assert any("--theme" in command for command in commands_of("themes"))


def app_expectation(command: str) -> str:
    if "open " in command:
        return "● Succeeded"
    if SUCCEEDED_INSTANCE_ID in command:
        return "● Succeeded"
    if DEMO_WORKFLOW_ID in command:
        return "runs:"
    return "Paste a Datadog workflow link"


@pytest.mark.tmux
@pytest.mark.skipif(not tmux_available(), reason="needs tmux")
def test_app_commands_in_a_real_terminal(tmp_path: Path, demo_server: FakeDatadog) -> None:
    commands = commands_of("app") + [c for c in commands_of("themes") if "--theme" in c]
    assert commands
    # `open run.json` needs the file `get` writes in the scripting section.
    ids = f"{DEMO_WORKFLOW_ID} {SUCCEEDED_INSTANCE_ID}"
    saved = shell(
        f"wfbrowse get --api-url {demo_server.url} {ids} > run.json",
        env=keys_env(),
        cwd=tmp_path,
    )
    assert saved.returncode == 0, saved.stderr
    env = {**keys_env(), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        runnable = concrete(command)
        if " open " not in f" {runnable} ":
            runnable = with_api_url(runnable, demo_server.url)
        with TmuxSession(
            ["bash", "-c", runnable], width=120, height=36, env=env, cwd=str(tmp_path)
        ) as term:
            term.wait_for(app_expectation(concrete(command)), timeout=30)
            term.send_keys("C-q")
            assert term.wait_exit() == 0, command


def test_the_benchmark_command_runs(tmp_path: Path) -> None:
    commands = commands_of("bench")
    assert "uv run python -m tests.bench --quick" in commands
    if shutil.which("uv") is None or not tmux_available():
        pytest.skip("needs uv and tmux")
    result = shell(
        "uv run python -m tests.bench --quick",
        env={"UV_OFFLINE": "1", **UV_CACHE},
        unset=("XDG_CACHE_HOME",),
    )
    assert result.returncode == 0, result.stderr
    assert "ratio of medians" in result.stdout
    assert "worst op: work" in result.stdout
    assert "one node expanded or collapsed" in result.stdout  # the summary's verdicts
