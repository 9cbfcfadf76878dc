"""SVG screenshots of wfbrowse running against its built-in demo server.

    uv run python screenshots/make_screenshots.py [--out DIR] [--only NAME,NAME]

Each shot starts the real app headless (`App.run_test`) on the demo catalog served on
127.0.0.1, drives it the way a user would (keys, typed IDs, the demo picker), waits until
every fetch and list has landed, then writes `NAME.svg`. Nothing but 127.0.0.1 is contacted.

What changes from run to run is pinned so that a re-run writes the same files: the demo
server's clock (the running run's start time, the rate-limit window), the loopback port and
the request time in the status bar, the rate-limit countdown, and the cursor blink.

The script runs with throwaway config and data folders and keyring's null backend, so the
user's own settings, history and keyring are never read or written; the keys screen gets an
in-memory keyring holding fake keys, and the script fails if any of them shows in clear.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from wfbrowse.demo.catalog import (
    DEMO_RUNS,
    DEMO_WORKFLOW_ID,
    FAILED_INSTANCE_ID,
    SUCCEEDED_INSTANCE_ID,
    DemoCatalog,
)
from wfbrowse.demo.server import FakeDatadog
from wfbrowse.launch import LaunchOptions
from wfbrowse.ratelimit import RateLimit
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.status_bar import StatusBar

HERE = Path(__file__).resolve().parent
LIGHT_THEME = "wfbrowse-light"

# The demo server's clock stands still at this moment (a little after the demo's runs), so
# the running run always shows the same start time and the rate-limit window never turns.
DEMO_CLOCK = datetime(2025, 6, 2, 9, 30, 0, tzinfo=timezone.utc).timestamp()
# What the status bar shows instead of the ephemeral port and the measured request time.
SHOWN_URL = "http://127.0.0.1:41234"
SHOWN_MS = "12 ms"
SHOWN_RATE_REMAINING = 998

# Fake keys for the keys screen: two stored in the in-memory keyring (shown as "…" and the
# last four characters), two being pasted into the password fields (shown as dots).
STORED_API_KEY = "FAKE-stored-api-key-for-screenshots-a1b2"
STORED_APP_KEY = "FAKE-stored-app-key-for-screenshots-0000000000c3d4"
TYPED_API_KEY = "FAKE-pasted-api-key-for-screenshots-e5f6"
TYPED_APP_KEY = "FAKE-pasted-app-key-for-screenshots-0000000000a7b8"
FAKE_KEYS = (STORED_API_KEY, STORED_APP_KEY, TYPED_API_KEY, TYPED_APP_KEY)

Drive = Callable[[Pilot[None]], Awaitable[None]]


class ScreenshotError(Exception):
    """A shot did not show what it should (or showed what it must not)."""


# -- the environment -------------------------------------------------------------------------
class MemoryKeyring(KeyringBackend):
    """A keyring that lives and dies with this process: the keys screen's stored keys."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@contextmanager
def isolated_environment() -> Iterator[None]:
    """Throwaway config, data, cache and state folders, keyring's null backend, and none of
    the variables that would bring in real keys, a real site, proxies or a monochrome look."""
    with tempfile.TemporaryDirectory(prefix="wfbrowse-screenshots-") as folder:
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            path = Path(folder, name.lower())
            path.mkdir()
            os.environ[name] = str(path)
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
        for name in (
            *("DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY", "DD_SITE"),
            *("TMUX", "NO_COLOR", "TEXTUAL_THEME"),
            *("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"),
            "all_proxy",
        ):
            os.environ.pop(name, None)
        yield


@contextmanager
def demo_server() -> Iterator[FakeDatadog]:
    """The demo catalog on 127.0.0.1 (as `start_demo_server` serves it), with its clock
    stopped at DEMO_CLOCK."""
    server = FakeDatadog(DemoCatalog(clock=lambda: DEMO_CLOCK)).start()
    try:
        yield server
    finally:
        server.stop()


def command_line_options(*arguments: str) -> LaunchOptions:
    """What the `wfbrowse` command line would start the app with."""
    from wfbrowse.cli import build_parser, launch_options

    return launch_options(build_parser().parse_args(list(arguments)), dict(os.environ))


def demo_options(server: FakeDatadog) -> LaunchOptions:
    """`wfbrowse --demo`: the app pointed at the demo server, as `cli.run_demo` does it."""
    from wfbrowse import cli

    return cli.demo_options(command_line_options("--demo"), server.url)


def keys_options(server: FakeDatadog) -> LaunchOptions:
    """`wfbrowse WF INST --api-url URL`: the default profile's keys come from the keyring
    (the in-memory one), then the run is fetched from the demo server."""
    return command_line_options(DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID, "--api-url", server.url)


# -- waiting and pinning ---------------------------------------------------------------------
class PinnedRateLimit(RateLimit):
    """A rate limit whose countdown does not move."""

    def reset_in(self, now: float | None = None) -> float | None:
        return self.reset


async def settle(pilot: Pilot[None]) -> None:
    """Let the app finish what it started (fetches, lists, keyring reads, and the work those
    start), then pin what would differ from one run of the script to the next."""
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        for screen in app.screen_stack:
            await screen.workers.wait_for_complete()
        await pilot.pause()
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    server_url = app.options.api_url if isinstance(app, WfBrowseApp) else None
    for status in app.screen_stack[0].query(StatusBar):
        if server_url:
            status.site = status.site.replace(server_url, SHOWN_URL)
        status.last_request = re.sub(r"· \d+ ms ·", f"· {SHOWN_MS} ·", status.last_request)
        rate = status.rate_limit
        if rate is not None and not isinstance(rate, PinnedRateLimit):
            remaining = SHOWN_RATE_REMAINING if rate.remaining is not None else None
            status.rate_limit = PinnedRateLimit(
                rate.limit, rate.period, remaining, rate.reset, rate.name, 0.0
            )
    await pilot.pause()


async def press_text(pilot: Pilot[None], text: str) -> None:
    """Type text one key at a time, as a user would."""
    await pilot.press(*text)


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste text into the focused field, as a terminal delivers a paste (bracketed)."""
    focused = pilot.app.focused
    if focused is None:
        raise ScreenshotError("nothing has the focus to paste into")
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def pick_demo_run(pilot: Pilot[None], label: str) -> None:
    """Choose a run in the demo picker with the arrow keys and Enter."""
    index = next(i for i, run in enumerate(DEMO_RUNS) if run.label == label)
    await pilot.press("home", *["down"] * index, "enter")
    await settle(pilot)


async def type_ids(pilot: Pilot[None], workflow_id: str, instance_id: str = "") -> None:
    """Ctrl+O to the ID fields, type the IDs (the instance after Tab), Enter."""
    await pilot.press("ctrl+o")
    await press_text(pilot, workflow_id)
    if instance_id:
        await pilot.press("tab")
        await press_text(pilot, instance_id)
    await pilot.press("enter")
    await settle(pilot)


# -- the shots -------------------------------------------------------------------------------
async def first_screen(pilot: Pilot[None]) -> None:
    await settle(pilot)


async def run_loaded(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pick_demo_run(pilot, "succeeded")
    # The tree opens on data and attributes; unfold instanceStatus, then outputs.
    await pilot.press(*["down"] * 3, "right")
    await pilot.press(*["down"] * 3, "right")
    await settle(pilot)


async def run_failed(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await type_ids(pilot, DEMO_WORKFLOW_ID, FAILED_INSTANCE_ID)


async def search(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pick_demo_run(pilot, "succeeded")
    await pilot.press("slash")
    await press_text(pilot, "checkout")
    await pilot.press("enter")
    await settle(pilot)


async def runs_list(pilot: Pilot[None]) -> None:
    """A workflow ID pasted with no instance ID: Enter lists the workflow's runs."""
    await settle(pilot)
    await pilot.press("ctrl+o")
    await paste(pilot, DEMO_WORKFLOW_ID)
    await pilot.press("enter")
    await settle(pilot)


async def keys_screen(pilot: Pilot[None]) -> None:
    await settle(pilot)  # the profile's keys read from the keyring, then the run fetched
    await pilot.press("ctrl+k")
    await settle(pilot)
    await paste(pilot, TYPED_API_KEY)  # the API key field has the focus
    await pilot.press("tab")
    await paste(pilot, TYPED_APP_KEY)
    await settle(pilot)


async def light_theme(pilot: Pilot[None]) -> None:
    """The run-loaded shot again, in the light theme chosen once the app is up."""
    await settle(pilot)
    if LIGHT_THEME not in pilot.app.available_themes:
        raise ScreenshotError(f"the app has no theme named {LIGHT_THEME!r}")
    pilot.app.theme = LIGHT_THEME
    await run_loaded(pilot)


async def narrow_pane(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pick_demo_run(pilot, "succeeded")


@dataclass(frozen=True)
class Shot:
    name: str
    title: str
    size: tuple[int, int]
    drive: Drive
    keys_app: bool = False  # the app as `wfbrowse WF INST` starts it, keys from the keyring


SHOTS: tuple[Shot, ...] = (
    Shot("first-screen", "wfbrowse — the demo's first screen", (100, 30), first_screen),
    Shot("run-loaded", "wfbrowse — a succeeded run", (100, 32), run_loaded),
    Shot("run-failed", "wfbrowse — a failed run", (100, 32), run_failed),
    Shot("search", "wfbrowse — searching a run", (100, 32), search),
    Shot("runs-list", "wfbrowse — a workflow's runs", (100, 30), runs_list),
    Shot("keys-screen", "wfbrowse — the keys screen", (100, 30), keys_screen, keys_app=True),
    Shot("light-theme", "wfbrowse — a light theme", (100, 32), light_theme),
    Shot("narrow-pane", "wfbrowse — a narrow pane", (60, 20), narrow_pane),
)


# -- checks ----------------------------------------------------------------------------------
def visible_text(svg: str) -> str:
    """The screen's text as the SVG draws it, one line per row."""
    root = ElementTree.fromstring(svg)
    rows: dict[float, list[tuple[float, str]]] = {}
    for element in root.iter("{http://www.w3.org/2000/svg}text"):
        text = "".join(element.itertext())
        if not text:
            continue
        y = float(element.get("y", "0"))
        x = float(element.get("x", "0"))
        rows.setdefault(y, []).append((x, text))
    lines = ("".join(text for _, text in sorted(cells)) for _, cells in sorted(rows.items()))
    return "\n".join(line.replace("\xa0", " ").rstrip() for line in lines)


def check(shot: Shot, svg: str, server: FakeDatadog) -> None:
    """Fail loudly on a shot that leaks a key or something that varies between runs."""
    text = visible_text(svg)
    for key in FAKE_KEYS:
        hidden = key[:-4]
        pieces = {hidden[i : i + 8] for i in range(len(hidden) - 7)}
        if key in svg or any(piece in text or piece in svg for piece in pieces):
            raise ScreenshotError(f"{shot.name}: a fake key shows in clear")
    if "FAKE" in text:
        raise ScreenshotError(f"{shot.name}: a fake key shows in clear")
    if server.url in svg or server.url in text:
        raise ScreenshotError(f"{shot.name}: the loopback port was not pinned")
    if shot.name == "keys-screen" and "…" + STORED_API_KEY[-4:] not in text:
        raise ScreenshotError(f"{shot.name}: the stored key is not shown masked")


# -- running ---------------------------------------------------------------------------------
async def take(shot: Shot, server: FakeDatadog, out: Path) -> Path:
    options = keys_options(server) if shot.keys_app else demo_options(server)
    app = WfBrowseApp(options)
    async with app.run_test(size=shot.size) as pilot:
        await shot.drive(pilot)
        svg = app.export_screenshot(title=shot.title)
    check(shot, svg, server)
    path = out / f"{shot.name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def store_fake_keys() -> None:
    """The in-memory keyring, holding the default profile's fake keys."""
    import keyring

    from wfbrowse.keystore import KeyStore

    keyring.set_keyring(MemoryKeyring())
    KeyStore().save("default", STORED_API_KEY, STORED_APP_KEY)


async def take_all(shots: list[Shot], out: Path) -> None:
    with demo_server() as server:
        for shot in shots:
            started = time.monotonic()
            path = await take(shot, server, out)
            print(f"{path}  ({time.monotonic() - started:.1f} s)")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the SVG files")
    parser.add_argument(
        "--only",
        metavar="NAME,NAME",
        help="take only these shots: " + ", ".join(shot.name for shot in SHOTS),
    )
    return parser.parse_args(argv)


def chosen_shots(only: str | None) -> list[Shot]:
    if not only:
        return list(SHOTS)
    by_name = {shot.name: shot for shot in SHOTS}
    names = [name.strip().removesuffix(".svg") for name in only.split(",") if name.strip()]
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise SystemExit(
            f"make_screenshots: no shot named {', '.join(unknown)} "
            f"(there are: {', '.join(by_name)})"
        )
    return [by_name[name] for name in names]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    shots = chosen_shots(args.only)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with isolated_environment():
        store_fake_keys()
        try:
            asyncio.run(take_all(shots, out))
        except ScreenshotError as error:
            print(f"make_screenshots: {error}", file=sys.stderr)
            return 1
    print(f"{len(shots)} screenshot(s) in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
