"""The footer line: it follows the focus, a click on a key presses it, and a narrow pane
keeps the palette key in view."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tests.cassettes import INST, WF, load_interaction, serve
from tests.screen import screen_text, settle
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.key_hints import KeyHints


def last_line(app: WfBrowseApp) -> str:
    return screen_text(app).splitlines()[-1]


@asynccontextmanager
async def recorded_run(
    fake_datadog: Any, launch_options: Any, size: tuple[int, int]
) -> AsyncIterator[tuple[WfBrowseApp, Any]]:
    """The app on the recorded run, fetched and settled: (app, pilot)."""
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        yield app, pilot


async def test_the_footer_lists_the_keys_of_what_has_the_focus(
    fake_datadog, launch_options
) -> None:
    async with recorded_run(fake_datadog, launch_options, (120, 30)) as (app, pilot):
        line = last_line(app)
        # The tree has the focus: its keys first, then the app's, the palette on the right.
        assert line.startswith(" ⏎ Open  space Fold  / Search")
        assert "^r Fetch" in line and "^k Keys" in line
        assert line.endswith("▏ ^p palette")
        assert len(line) == 120 - 1  # the palette key ends one space from the edge
        await pilot.press("ctrl+o")  # to the ID fields: the tree's keys go
        await settle(app, pilot)
        line = last_line(app)
        assert "Fold" not in line and "Open" not in line
        assert "^r Fetch" in line and line.endswith("^p palette")


async def test_a_click_on_a_key_presses_it(fake_datadog, launch_options) -> None:
    async with recorded_run(fake_datadog, launch_options, (120, 30)) as (app, pilot):
        line = last_line(app)
        await pilot.click(KeyHints, offset=(line.index("? Help") + 3, 0))
        await settle(app, pilot)
        assert "show that many levels" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "show that many levels" not in screen_text(app)
        # Space on the first row (`data`, opened at load with its attributes) folds it.
        assert "attributes: {" in screen_text(app)
        await pilot.click(KeyHints, offset=(line.index("space Fold") + 1, 0))
        await settle(app, pilot)
        assert "attributes: {" not in screen_text(app)
        assert "data: {" in screen_text(app)


async def test_a_narrow_pane_cuts_the_keys_and_keeps_the_palette(
    fake_datadog, launch_options
) -> None:
    async with recorded_run(fake_datadog, launch_options, (50, 20)) as (app, _pilot):
        line = last_line(app)
        assert len(line) == 50 - 1
        assert line.startswith(" ⏎ Open  space Fold")
        assert "…" in line
        assert line.endswith("▏ ^p palette")
