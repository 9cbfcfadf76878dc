"""Keys and profiles in the app: reading the profile's keys after start-up, the keys screen,
the profile picker, and switching the keys in use.

A mixin of the app, kept apart so that app.py stays about fetching and showing runs. Every
keyring call runs in a thread worker (the keyring can block, or hang on a locked
collection; KeyStore gives up after its time limit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import App

from wfbrowse.textsafe import hide_on_screen
from wfbrowse.tui.site_picker import SitePicker
from wfbrowse.tui.status_bar import StatusBar
from wfbrowse.tui.themes import tones

if TYPE_CHECKING:
    from wfbrowse.api import DatadogClient
    from wfbrowse.credentials import Credentials
    from wfbrowse.keystore import KeyStore
    from wfbrowse.launch import LaunchOptions
    from wfbrowse.sites import Site
    from wfbrowse.tui.keys_screen import KeysChosen


class KeysControl(App[None]):
    """The keys side of WfBrowseApp (see app.py for the state it keeps)."""

    options: LaunchOptions
    site: Site
    credentials: Credentials | None
    profile: str | None
    keyring_problem: str | None
    _open_runs_after_keys: bool
    _keystore: KeyStore | None
    _client: DatadogClient | None

    # Provided by the app.
    def action_fetch(self) -> None:
        raise NotImplementedError

    def keys_changed(self) -> None:
        """Called after the keys in use changed (the app refreshes what mentions them)."""

    def _ask_for_keys(self) -> None:
        """No keys to be had: say so and open the keys screen, where they are set."""
        status = self.query_one(StatusBar)
        if self.keyring_problem:
            status.show_warning(self.keyring_problem)  # said once, here
        else:
            status.show_warning("No keys: paste them on the keys screen (Ctrl+K)")
        self.call_after_refresh(self.action_keys)

    @work(thread=True, exclusive=True, group="profiles", exit_on_error=False)
    def _read_profile_keys(self, profile: str) -> None:
        """The start-up read of the profile's keys, in a thread, within KeyStore's time limit."""
        from wfbrowse.keystore import KeyringProblem

        status = self.query_one(StatusBar)
        self.call_from_thread(status.start_busy, f"reading the keys of profile {profile}…")
        try:
            credentials = self.keystore.load(profile)
        except (KeyringProblem, ValueError) as problem:
            self.keyring_problem = str(problem)
            credentials = None
        self.call_from_thread(status.stop_busy)
        self.call_from_thread(self._keys_read, profile, credentials)

    def _keys_read(self, profile: str, credentials: Credentials | None) -> None:
        if credentials is None:
            self._ask_for_keys()
            return
        self._apply_keys(credentials, profile)
        self.query_one(StatusBar).clear_message()
        if self.options.fetch_at_start or self._open_runs_after_keys:
            self.action_fetch()  # with an empty instance field, this opens the runs list

    def _keys_description(self) -> str:
        if self.options.is_demo:
            return "keys: demo"
        if self.credentials is None:
            return "keys: none"
        if self.profile and self.credentials.source.startswith("keyring"):
            return f"profile {self.profile}"
        return f"keys: {self.credentials.source}"

    @property
    def keystore(self) -> KeyStore:
        from wfbrowse.keystore import KeyStore

        if self._keystore is None:
            self._keystore = KeyStore()
        return self._keystore

    def action_keys(self) -> None:
        from wfbrowse.tui.keys_screen import KeysScreen  # loads on first use

        if self.options.is_demo:
            self.query_one(StatusBar).show_info(
                "demo mode uses its own keys: the keys screen is for runs in Datadog"
            )
            return
        if isinstance(self.screen, KeysScreen):
            return
        screen = KeysScreen(
            profile=self.profile or "default",
            site=self.site,
            keystore=self.keystore,
            base_url=self.options.api_url,
            keyring_problem=self.keyring_problem,
        )
        self.push_screen(screen, self._use_keys)

    def _use_keys(self, chosen: KeysChosen | None) -> None:
        if chosen is None:
            return
        self._apply_keys(chosen.credentials, chosen.profile)
        self.query_one(SitePicker).site = chosen.site
        status = self.query_one(StatusBar)
        status.show_info(f"using {chosen.credentials.source} for {chosen.site.name}")

    def _apply_keys(self, credentials: Credentials, profile: str | None) -> None:
        from wfbrowse import debuglog

        self.credentials = credentials
        self.profile = profile
        debuglog.remember_secrets(credentials.api_key, credentials.app_key)
        hide_on_screen((credentials.api_key, credentials.app_key))
        if self._client is not None:
            self._client.credentials = credentials  # same connections, new keys
        self.query_one(StatusBar).keys = self._keys_description()
        self.keys_changed()

    def action_profiles(self) -> None:
        self._open_profiles()

    @work(thread=True, exclusive=True, group="profiles", exit_on_error=False)
    def _open_profiles(self) -> None:
        from wfbrowse.settings import load_config
        from wfbrowse.tui.choice_screen import ChoiceScreen

        config, _ = load_config()
        choices = []
        for info in config.profiles.values():
            label = Text(info.name, "bold")  # Text: a profile name is never markup
            label.append(f"  {info.site}", "dim")
            if info.name == config.default_profile:
                label.append("  (default)", "dim")
            if info.name == self.profile:
                label.append("  ← in use", tones(self).success())
            choices.append((label, info.name))
        screen = ChoiceScreen(
            "Profile",
            choices,
            current=self.profile,
            empty="No profiles yet: save keys on the keys screen (Ctrl+K).",
        )
        self.call_from_thread(self.push_screen, screen, self.switch_profile)

    def switch_profile(self, name: str | None) -> None:
        if name:
            self._switch_profile(name)

    @work(thread=True, exclusive=True, group="profiles", exit_on_error=False)
    def _switch_profile(self, name: str) -> None:
        """Load a profile's keys from the keyring (off the UI thread) and use them."""
        from wfbrowse.keystore import KeyringProblem
        from wfbrowse.settings import load_config
        from wfbrowse.sites import parse_site
        from wfbrowse.tui.keys_screen import KeysChosen

        status = self.query_one(StatusBar)
        try:
            credentials = self.keystore.load(name)
        except (KeyringProblem, ValueError) as problem:
            self.call_from_thread(status.show_error, f"profile {name}: {problem}")
            return
        if credentials is None:
            self.call_from_thread(
                status.show_error, f"profile {name} has no keys in the keyring — Ctrl+K to add"
            )
            return
        config, _ = load_config()
        info = config.profiles.get(name)
        site = parse_site(info.site) if info is not None else self.site
        self.call_from_thread(self._use_keys, KeysChosen(credentials, name, site))
