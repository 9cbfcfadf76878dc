"""Live watch: a running run refreshes on its own, within the rate limit, until it ends.

A mixin of the app. The cadence comes from watch.WatchPolicy (2 s at first, backing off while
nothing changes, pacing the budget left until the rate limit resets); the client itself
holds any request after a 429 (watch.RateGate). The status bar counts down to the next
refresh; `w` turns the watch off and on.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.app import App

from wfbrowse.tui.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.timer import Timer

    from wfbrowse.api import DatadogClient
    from wfbrowse.watch import WatchPolicy


class WatchControl(App[None]):
    _watch_policy: WatchPolicy | None = None
    _watch_timer: Timer | None = None
    _watch_ids: tuple[str, str] | None = None
    _watch_document: Any = None
    watching_enabled = True  # the toggle: on by default for running runs

    # Provided by the app.
    def _get_client(self) -> DatadogClient:
        raise NotImplementedError

    def refresh_watched(self, workflow_id: str, instance_id: str) -> None:
        raise NotImplementedError

    def _policy(self) -> WatchPolicy:
        from wfbrowse.watch import WatchPolicy

        if self._watch_policy is None:
            self._watch_policy = WatchPolicy()
        return self._watch_policy

    def stop_watch(self) -> None:
        if self._watch_timer is not None:
            self._watch_timer.stop()
            self._watch_timer = None
        self.query_one(StatusBar).set_watch(None, "")

    def changes_since_last(self, document: Any, ids: tuple[str, str]) -> set[Any] | None:
        """The paths that changed since the last fetch of the same run; None for a new run."""
        from wfbrowse.watch import changed_paths

        if ids != self._watch_ids or self._watch_document is None:
            return None
        return changed_paths(self._watch_document, document)

    def after_fetch(self, document: Any, ids: tuple[str, str], changed: set[Any] | None) -> None:
        """Plan the next refresh, or stop and say so when the run has ended."""
        from wfbrowse.instance import summarize

        new_run = ids != self._watch_ids
        was_running = not new_run and summarize(self._watch_document).is_running
        self._watch_ids = ids
        self._watch_document = document
        summary = summarize(document)
        if new_run:
            self._policy().restart()
        if not summary.is_running:
            self.stop_watch()
            if was_running:
                text = f"run {ids[1]} ended: {summary.status_label}"
                self.notify(text, title="wfbrowse", markup=False)
                self.bell()
                self.query_one(StatusBar).show_info(text)
            return
        if not self.watching_enabled:
            self.query_one(StatusBar).set_watch(None, "watch off (w)")
            return
        self._schedule(changed=bool(changed) or new_run)

    def watch_failed(self) -> None:
        """No answer was shown (a refresh or the user's fetch failed, or was cancelled): the
        run on screen, if it is still running, is refreshed later, never sooner than allowed."""
        from wfbrowse.instance import summarize

        if self._watch_timer is not None or self._watch_ids is None or not self.watching_enabled:
            return
        if summarize(self._watch_document).is_running:
            self._schedule(changed=False)

    def _schedule(self, *, changed: bool) -> None:
        client = self._get_client()
        now = time.monotonic()
        delay, reason = self._policy().next_delay(
            changed=changed, running=True, rate_limit=client.last_rate_limit, now=now
        )
        if delay is None:
            self.stop_watch()
            return
        gate = client.gate.wait_needed(now)
        if gate > delay:
            delay, reason = gate, "waiting for the rate limit to reset"
        if self._watch_timer is not None:
            self._watch_timer.stop()
        self._watch_timer = self.set_timer(delay, self._watch_tick)
        self.query_one(StatusBar).set_watch(now + delay, reason)

    def _watch_tick(self) -> None:
        self._watch_timer = None
        if self._watch_ids is not None and self.watching_enabled:
            self.refresh_watched(*self._watch_ids)

    def action_toggle_watch(self) -> None:
        """`w`: live watch off, or on again (it only runs while the run is running)."""
        from wfbrowse.instance import summarize

        self.watching_enabled = not self.watching_enabled
        status = self.query_one(StatusBar)
        if not self.watching_enabled:
            self.stop_watch()
            status.set_watch(None, "watch off (w)")
            status.show_info("live watch off")
            return
        status.show_info("live watch on")
        if self._watch_ids is not None and summarize(self._watch_document).is_running:
            self._policy().restart()
            self._schedule(changed=True)
        else:
            status.set_watch(None, "")
