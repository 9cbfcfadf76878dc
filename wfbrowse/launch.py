"""What the app is started with, decided by the command line before Textual is imported.

NamedTuples, like the other records made at start-up (see `wfbrowse.sites.Site`).
"""

from __future__ import annotations

from typing import NamedTuple

from wfbrowse.credentials import Credentials
from wfbrowse.sites import Site

DEFAULT_TIMEOUT = 120.0  # seconds: --timeout's default, the most one request may take


class DemoEntry(NamedTuple):
    """A run the demo screen offers (kept free of the demo package so the UI need not import it)."""

    label: str
    workflow_id: str
    instance_id: str
    description: str


class LaunchOptions(NamedTuple):
    site: Site
    credentials: Credentials | None
    api_url: str | None = None  # replaces the site's API host (loopback or a Datadog API host)
    workflow_id: str | None = None
    instance_id: str | None = None
    demo_runs: tuple[DemoEntry, ...] = ()  # non-empty in demo mode
    profile: str | None = None  # the keyring profile in use, or to save keys under
    keyring_problem: str | None = None  # one line: why the keyring could not be read, what to do
    # The profile's keys are read from the OS keyring once the app is up, off the UI thread:
    # a slow or hanging keyring must delay neither the first frame nor the rest of the app.
    read_keyring: bool = False
    timeout: float = DEFAULT_TIMEOUT  # --timeout: the most one request may take, body included
    theme: str | None = None  # --theme: for this run only
    saved_theme: str | None = None  # the theme last chosen in the app (config.json)

    @property
    def is_demo(self) -> bool:
        return bool(self.demo_runs)

    @property
    def fetch_at_start(self) -> bool:
        return bool(self.workflow_id and self.instance_id)
