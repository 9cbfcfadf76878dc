"""Themes: the shipped theme files, colours that stay readable in every theme, the user's own
theme files (and broken ones), --theme, the palette's live preview and its saved choice,
and NO_COLOR in a real terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from textual.color import Color

from tests.screen import screen_text, settle, style_of
from tests.tmux import TmuxSession, tmux_available
from wfbrowse.cli import build_parser
from wfbrowse.cli import launch_options as cli_launch_options
from wfbrowse.demo.catalog import DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID
from wfbrowse.theme_files import load_theme_file
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.status_bar import StatusBar
from wfbrowse.tui.themes import to_textual_theme

SHIPPED = Path(__file__).resolve().parents[1] / "themes"
WFBROWSE = [sys.executable, "-m", "wfbrowse"]
STATES = ("state-running", "state-succeeded", "state-failed", "state-canceled")
JSON_TYPES = ("json-key", "json-string", "json-number", "json-bool", "json-null")


def wcag_contrast(one: str, two: str) -> float:
    """WCAG 2 contrast ratio, worked out here independently of the app's own helper."""

    def luminance(text: str) -> float:
        colour = Color.parse(text)
        channels = []
        for value in (colour.r, colour.g, colour.b):
            c = value / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def user_themes() -> Path:
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "wfbrowse" / "themes"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def config_file() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "wfbrowse" / "config.json"


def foreground_hex(app: WfBrowseApp, text: str) -> str:
    color = style_of(app, text).color
    assert color is not None, f"{text!r} has no colour"
    red, green, blue = color.get_truecolor(app.ansi_theme)
    return f"#{red:02x}{green:02x}{blue:02x}"


MINT = """\
name = "oncall-mint"
dark = true
[colors]
primary = "#00AA88"
background = "#101010"
[variables]
state-succeeded = "#00FFAA"
json-key = "#FFAA00"
"""


def test_the_shipped_themes_are_complete_and_usable() -> None:
    specs = [load_theme_file(path) for path in sorted(SHIPPED.glob("*.toml"))]
    names = {spec.name for spec in specs}
    assert {"wfbrowse-dark", "wfbrowse-light", "wfbrowse-high-contrast"} <= names
    assert len(specs) >= 4
    assert any(not spec.dark for spec in specs) and any(spec.dark for spec in specs)
    for spec in specs:
        assert set(STATES + JSON_TYPES) <= set(spec.variables), spec.name
        theme = to_textual_theme(spec)
        assert theme.name == spec.name


async def test_states_and_json_types_are_readable_in_every_theme(
    demo_server, launch_options
) -> None:
    """wfbrowse's own themes and every one of Textual's, light and ANSI ones included."""
    app = WfBrowseApp(
        launch_options(demo_server, workflow_id=DEMO_WORKFLOW_ID, instance_id=SUCCEEDED_INSTANCE_ID)
    )
    checked = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        for name in sorted(app.available_themes):
            app.theme = name
            await pilot.pause()
            variables = app.theme_variables
            states = [variables[state] for state in STATES]
            if variables["background"].startswith("ansi_"):
                # The terminal's own palette: four different colours, none the default.
                assert len(set(states)) == 4, (name, states)
                assert all(s.startswith("ansi_") and s != "ansi_default" for s in states)
                checked.append(name)
                continue
            for variable in STATES + JSON_TYPES:
                for ground in ("background", "surface"):
                    ratio = wcag_contrast(variables[variable], variables[ground])
                    assert ratio >= 4.5, (name, variable, ground, round(ratio, 2))
            # And on screen, the run's status is drawn in this theme's colour.
            shown = foreground_hex(app, "● Succeeded")
            assert shown == Color.parse(variables["state-succeeded"]).hex.lower(), name
            checked.append(name)
    assert {"wfbrowse-light", "textual-light", "solarized-light", "ansi-light"} <= set(checked)
    assert len(checked) >= 20


async def test_a_users_theme_file_is_used_with_its_own_colours(demo_server, launch_options) -> None:
    (user_themes() / "oncall-mint.toml").write_text(MINT)
    options = launch_options(
        demo_server,
        workflow_id=DEMO_WORKFLOW_ID,
        instance_id=SUCCEEDED_INSTANCE_ID,
        theme="oncall-mint",
    )
    app = WfBrowseApp(options)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "oncall-mint"
        assert foreground_hex(app, "● Succeeded") == "#00ffaa"
        assert foreground_hex(app, "attributes") == "#ffaa00"  # a key in the tree
        assert app.query_one(StatusBar).message_kind == "info"  # nothing to complain about


@pytest.mark.parametrize(
    ("file_text", "complaint"),
    [
        ('name = "broken"\n[colors\nprimary = "#fff"\n', "not valid TOML"),
        (
            'name = "broken"\n[colors]\nprimary = "#123456"\n'
            '[variables]\nstate-failed = "reddish"\n',
            "variables.state-failed = 'reddish' is not a colour",
        ),
        ('name = "broken"\n[colors]\nbackground = "#000"\n', "colors.primary is required"),
    ],
)
async def test_a_broken_theme_file_is_named_once_and_the_default_is_used(
    demo_server, launch_options, monkeypatch, file_text: str, complaint: str
) -> None:
    broken = user_themes() / "broken.toml"
    broken.write_text(file_text)
    # The config folder under the home folder, as it is by default: the file is named from
    # there, so that what is wrong still fits the status bar after its name.
    home = Path(os.environ["XDG_CONFIG_HOME"]).parent
    monkeypatch.setenv("HOME", str(home))
    app = WfBrowseApp(launch_options(demo_server, saved_theme="broken"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "wfbrowse-dark"
        status = app.query_one(StatusBar)
        assert status.message_kind == "warning"
        assert f"theme file ~/{broken.relative_to(home)}: " in status.message
        assert complaint in status.message
        assert "using wfbrowse-dark" in status.message
        assert "\n" not in status.message
        assert "Traceback" not in screen_text(app)
        assert complaint.split("'")[0] in screen_text(app).replace("\n", " ")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WFBROWSE, *args], capture_output=True, text=True, timeout=60, env=dict(os.environ)
    )


def test_themes_command_lists_every_theme_and_names_a_broken_file() -> None:
    (user_themes() / "oncall-mint.toml").write_text(MINT)
    listed = run_cli("themes")
    assert listed.returncode == 0, listed.stderr
    for name in ("wfbrowse-dark", "wfbrowse-light", "wfbrowse-high-contrast", "textual-light"):
        assert name in listed.stdout
    assert str(user_themes() / "oncall-mint.toml") in listed.stdout
    assert f"Your theme files go in: {user_themes()}" in listed.stdout
    (user_themes() / "broken.toml").write_text("name = \n")
    complained = run_cli("themes")
    assert complained.returncode == 1
    [line] = complained.stderr.splitlines()
    assert line.startswith(f"wfbrowse: theme file {user_themes() / 'broken.toml'}: not valid TOML")


def test_an_unknown_theme_on_the_command_line_is_one_line_and_exit_2() -> None:
    result = run_cli("--theme", "no-such-theme")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "wfbrowse: unknown theme 'no-such-theme'; `wfbrowse themes` lists them (e.g. wfbrowse-dark)"
    ]


async def open_theme_picker(app: WfBrowseApp, pilot) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"theme")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert "Theme (Enter to choose, Esc to keep the current one)" in screen_text(app)


async def test_the_palette_previews_themes_live_and_saves_the_choice(
    demo_server, launch_options
) -> None:
    app = WfBrowseApp(
        launch_options(demo_server, workflow_id=DEMO_WORKFLOW_ID, instance_id=SUCCEEDED_INSTANCE_ID)
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "wfbrowse-dark"
        dark_status = foreground_hex(app, "● Succeeded")
        dark_key = foreground_hex(app, "attributes")  # a tree row drawn before (kept drawn)
        await open_theme_picker(app, pilot)
        # Moving through the list shows each theme at once, behind the list.
        await pilot.press("down")
        await settle(app, pilot)
        assert app.theme == "wfbrowse-dusk"
        assert foreground_hex(app, "● Succeeded") != dark_status
        assert foreground_hex(app, "attributes") != dark_key
        # Esc goes back to the theme that was in use, and saves nothing.
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.theme == "wfbrowse-dark"
        assert foreground_hex(app, "● Succeeded") == dark_status
        assert foreground_hex(app, "attributes") == dark_key
        assert not config_file().exists()
        # Enter keeps the highlighted theme and saves it.
        await open_theme_picker(app, pilot)
        await pilot.press("down", "down", "down")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.theme == "wfbrowse-light"
        assert "theme wfbrowse-light — saved" in screen_text(app)
    assert json.loads(config_file().read_text())["theme"] == "wfbrowse-light"
    # The next start, through the command line as a user starts it, uses the saved theme.
    options = cli_launch_options(build_parser().parse_args([]), dict(os.environ))
    assert options.saved_theme == "wfbrowse-light"
    restarted = WfBrowseApp(options)
    async with restarted.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert restarted.theme == "wfbrowse-light"
    # --theme wins for one run, without changing the saved choice.
    flagged = cli_launch_options(
        build_parser().parse_args(["--theme", "wfbrowse-high-contrast"]), dict(os.environ)
    )
    assert flagged.theme == "wfbrowse-high-contrast"
    assert json.loads(config_file().read_text())["theme"] == "wfbrowse-light"


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def colour_codes(screen: str) -> list[str]:
    """Every SGR parameter on screen that sets a foreground or background colour."""
    found = []
    for match in SGR.finditer(screen):
        params = match.group(1).replace(":", ";").split(";")
        index = 0
        while index < len(params):
            param = params[index]
            number = int(param) if param.isdigit() else 0
            if number in (38, 48):
                found.append(";".join(params[index : index + 5]))
                index += 5 if params[index + 1 : index + 2] == ["2"] else 3
                continue
            if (
                30 <= number <= 37
                or 40 <= number <= 47
                or 90 <= number <= 97
                or 100 <= number <= 107
            ):
                found.append(param)
            index += 1
    return found


def reverse_on(screen: str) -> bool:
    return any("7" in m.group(1).split(";") for m in SGR.finditer(screen))


@pytest.mark.tmux
@pytest.mark.skipif(not tmux_available(), reason="needs tmux")
@pytest.mark.parametrize(("value", "coloured"), [("1", False), ("", True), (None, True)])
def test_no_color_drops_every_colour_in_a_real_terminal(value: str | None, coloured: bool) -> None:
    """NO_COLOR set and not empty: no colour at all, the cursor still shows (reverse)."""
    env = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if value is not None:
        environment["NO_COLOR"] = value
    os_env = {**environment, **env}
    with TmuxSession([*WFBROWSE, "--demo"], width=100, height=30, env=os_env) as term:
        term.wait_for("Demo mode")
        term.send_until(["Enter"], "▾ attributes:")
        screen = term.screen_with_escapes()
        term.send_keys("C-q")
        assert term.wait_exit() == 0
    codes = colour_codes(screen)
    if coloured:
        assert codes, "expected colours without NO_COLOR"
    else:
        assert codes == [], codes[:10]
        assert reverse_on(screen)  # the tree's cursor, drawn in reverse video
