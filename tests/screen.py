"""Read what a running Textual app shows, as plain text lines (for pilot tests)."""

from __future__ import annotations

from textual.app import App


def screen_text(app: App[object]) -> str:
    """The visible screen (the top screen, modals included) as text, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)
