"""Read what a running Textual app shows, as plain text lines (for pilot tests)."""

from __future__ import annotations

import time
from typing import Any

from rich.style import Style
from textual.app import App
from textual.worker import WorkerCancelled


def screen_text(app: App[object]) -> str:
    """The visible screen (the top screen, modals included) as text, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)


def path_line(app: App[Any]) -> str:
    """The line under the tree: the jq path of the row under the cursor."""
    return str(app.query_one("#path").render()).strip()


async def shows(
    app: App[Any], pilot: Any, text: str, within: float = 5.0, every: float = 0.1
) -> bool:
    """Whether `text` is on the screen within `within` seconds, looked for every `every`."""
    deadline = time.monotonic() + within
    while text not in screen_text(app) and time.monotonic() < deadline:
        await pilot.pause(every)
    return text in screen_text(app)


async def settle(app: App[Any], pilot: Any) -> None:
    """Let the app finish what it started: workers of the app and of every screen (keys,
    lists), and the messages and frames they cause; three rounds, for work that starts work."""
    for _ in range(3):
        for workers in (app.workers, *(screen.workers for screen in app.screen_stack)):
            try:
                await workers.wait_for_complete()
            except WorkerCancelled:
                # An exclusive worker replaced by a newer one while waited for (the keys
                # screen reads what is stored again as the profile changes): the newer one
                # is waited for in the next round.
                continue
        await pilot.pause()


def style_of(app: App[Any], text: str) -> Style:
    """The style of the first segment on screen that holds `text`."""
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if text in segment.text:
                return segment.style or Style()
    raise AssertionError(f"{text!r} is not on screen")


def rows_drawn_apart(app: App[Any], marker: str) -> list[str]:
    """Of the screen rows holding `marker`, those whose marker is drawn on another background
    than most of them: a table's cursor row (none while the table is blurred)."""
    rows: list[tuple[str, object]] = []
    for strip in app.screen._compositor.render_strips():
        segment = next((segment for segment in strip if marker in segment.text), None)
        if segment is not None:
            text = "".join(piece.text for piece in strip).strip()
            rows.append((text, segment.style.bgcolor if segment.style else None))
    backgrounds = [background for _, background in rows]
    usual = max(backgrounds, key=backgrounds.count, default=None)
    return [text for text, background in rows if background != usual]
