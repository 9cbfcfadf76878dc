"""The keys screen: a profile's name, site and keys; save to the OS keyring, delete, test.

Keys are typed or pasted into password fields and leave this screen only towards the OS
keyring or, when there is none, the app's memory for this session. Stored keys are shown by
their last four characters. Every keyring call runs in a thread worker (the keyring can
block, or hang on a locked collection; KeyStore gives up after its time limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from wfbrowse.credentials import Credentials, masked
from wfbrowse.keystore import KeyringProblem, KeyStore
from wfbrowse.settings import Config, ProfileInfo, load_config, save_config
from wfbrowse.sites import Site
from wfbrowse.textsafe import escape_controls
from wfbrowse.tui.site_picker import SitePicker
from wfbrowse.tui.themes import tones


@dataclass(frozen=True)
class KeysChosen:
    """What the keys screen hands back: keys to use now, where they live, for which site."""

    credentials: Credentials
    profile: str
    site: Site


MEMORY_SOURCE = "this session only (memory)"


class KeyField(Input):
    """A password field a key is pasted into.

    Textual's Input copies (ctrl+c) and cuts (ctrl+x) its selected text to the clipboard even
    while it shows it as dots. A key never goes to the clipboard: here both only say so, and
    the key stays in the field.
    """

    class CopyRefused(Message):
        """Ctrl+C (or Ctrl+X, `cut`) was pressed in a key field."""

        def __init__(self, *, cut: bool) -> None:
            super().__init__()
            self.cut = cut

    def __init__(self, *, placeholder: str, id: str) -> None:
        super().__init__(password=True, placeholder=placeholder, id=id, compact=True)

    def action_copy(self) -> None:
        self._refuse(cut=False)

    def action_cut(self) -> None:
        self._refuse(cut=True)

    def _refuse(self, *, cut: bool) -> None:
        self.app.bell()
        self.post_message(self.CopyRefused(cut=cut))


class KeysScreen(ModalScreen[KeysChosen | None]):
    DEFAULT_CSS = """
    KeysScreen {
        align: center middle;
        & > Vertical {
            width: 80;
            max-width: 100%;
            height: auto;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        Label { margin-top: 1; color: $text-muted; }
        #keys-title { margin-top: 0; color: $text; text-style: bold; }
        Input { width: 1fr; background: $panel; }
        SitePicker { width: 1fr; }
        #stored { color: $text-muted; height: auto; }
        #keys-message { height: auto; min-height: 1; margin-top: 1; }
        #keys-buttons { height: auto; margin-top: 1; }
        #keys-buttons Button { margin-right: 1; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(
        self,
        *,
        profile: str,
        site: Site,
        keystore: KeyStore,
        base_url: str | None = None,
        keyring_problem: str | None = None,
    ) -> None:
        super().__init__()
        self._profile = profile
        self._site = site
        self._keystore = keystore
        self._base_url = base_url
        self._keyring_problem = keyring_problem

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Datadog keys  (Esc to close)", id="keys-title")
            yield Label("Profile")
            yield Input(self._profile, placeholder="default", id="profile", compact=True)
            yield Label("Site")
            yield SitePicker(self._site, id="keys-site")
            yield Label("API key")
            yield KeyField(placeholder="paste the API key", id="api-key")
            yield Label("Application key (needs Actions API access)")
            yield KeyField(placeholder="paste the application key", id="app-key")
            yield Static(id="stored")
            yield Static(id="keys-message")
            with Horizontal(id="keys-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Test keys", id="test", compact=True)
                memory = Button("Use for this session", id="memory", compact=True)
                memory.display = self._keyring_problem is not None
                yield memory
                yield Button("Delete", id="delete", variant="error", compact=True)

    def on_mount(self) -> None:
        field = next(self.query("#api-key").results(Input), None)
        if field is None:
            return  # the app closed while this screen was being put up: nothing to show
        if self._keyring_problem:
            self._say(self._keyring_problem, "warning")
        field.focus()
        if self._keyring_problem is None:  # else the message above already says it
            self._show_stored(self._profile)

    # -- helpers -------------------------------------------------------------------------------
    def _say(self, text: str, kind: str = "info") -> None:
        now = tones(self.app)
        style = {
            "error": now.error(bold=True),
            "warning": now.warning(),
            "ok": now.success(),
            "info": Style(),
        }[kind]
        self.query_one("#keys-message", Static).update(Text(escape_controls(text), style=style))

    @property
    def profile_name(self) -> str:
        return self.query_one("#profile", Input).value.strip() or "default"

    @property
    def site(self) -> Site:
        return self.query_one(SitePicker).site

    def _typed_keys(self) -> tuple[str, str] | None:
        api_key = self.query_one("#api-key", Input).value.strip()
        app_key = self.query_one("#app-key", Input).value.strip()
        if not api_key or not app_key:
            self._say("paste both keys first: the API key and the application key", "error")
            return None
        return api_key, app_key

    def _clear_typed(self) -> None:
        for selector in ("#api-key", "#app-key"):
            self.query_one(selector, Input).value = ""

    @on(KeyField.CopyRefused)
    def _copy_refused(self, event: KeyField.CopyRefused) -> None:
        done = "not cut" if event.cut else "not copied"
        self._say(f"{done}: keys never go to the clipboard; the key stays in its field", "warning")

    @on(Input.Changed, "#profile")
    def _profile_changed(self, event: Input.Changed) -> None:
        if self._keyring_problem is None:
            self._show_stored(self.profile_name)

    # -- keyring work, off the UI thread -------------------------------------------------------
    @work(thread=True, exclusive=True, group="keys-stored", exit_on_error=False)
    def _show_stored(self, profile: str) -> None:
        try:
            stored = self._keystore.load(profile)
        except (KeyringProblem, ValueError) as problem:
            self.app.call_from_thread(self._set_stored, f"keyring: {problem}")
            return
        if stored is None:
            text = f"nothing stored for profile '{profile}'"
        else:
            text = (
                f"stored for '{profile}': API key {masked(stored.api_key)}, "
                f"application key {masked(stored.app_key)}"
            )
        self.app.call_from_thread(self._set_stored, text)

    def _set_stored(self, text: str) -> None:
        self.query_one("#stored", Static).update(Text(escape_controls(text)))

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        keys = self._typed_keys()
        if keys is not None:
            self._say("saving to the keyring…")
            self._save(self.profile_name, self.site, *keys)

    # Described by name: Textual would otherwise put the repr() of the arguments, keys
    # included, into the worker's description.
    @work(thread=True, exclusive=True, group="keys", exit_on_error=False, description="save keys")
    def _save(self, profile: str, site: Site, api_key: str, app_key: str) -> None:
        try:
            self._keystore.save(profile, api_key, app_key)
            config, _ = load_config()
            save_config(config.with_profile(ProfileInfo(profile, site.domain)))
        except (KeyringProblem, ValueError, OSError) as problem:
            self.app.call_from_thread(self._say, f"not saved: {problem}", "error")
            return
        credentials = Credentials(api_key, app_key, f"keyring profile '{profile}'")
        self.app.call_from_thread(self._saved, KeysChosen(credentials, profile, site))

    def _saved(self, chosen: KeysChosen) -> None:
        self._clear_typed()
        self._show_stored(chosen.profile)
        self.dismiss(chosen)

    @on(Button.Pressed, "#memory")
    def _memory_pressed(self) -> None:
        keys = self._typed_keys()
        if keys is not None:
            credentials = Credentials(keys[0], keys[1], MEMORY_SOURCE)
            self._clear_typed()
            self.dismiss(KeysChosen(credentials, self.profile_name, self.site))

    @on(Button.Pressed, "#delete")
    def _delete_pressed(self) -> None:
        self._say("deleting…")
        self._delete(self.profile_name)

    @work(thread=True, exclusive=True, group="keys", exit_on_error=False)
    def _delete(self, profile: str) -> None:
        try:
            deleted = self._keystore.delete(profile)
            config, _ = load_config()
            if profile in config.profiles:
                save_config(config.without_profile(profile))
        except (KeyringProblem, ValueError, OSError) as problem:
            self.app.call_from_thread(self._say, f"not deleted: {problem}", "error")
            return
        text = f"deleted the keys of '{profile}'" if deleted else f"nothing stored for '{profile}'"
        self.app.call_from_thread(self._say, text, "ok" if deleted else "info")
        self.app.call_from_thread(self._show_stored, profile)

    @on(Button.Pressed, "#test")
    def _test_pressed(self) -> None:
        keys = self._typed_keys_or_none()
        self._say("testing the API key…")
        self._test(self.profile_name, keys)

    def _typed_keys_or_none(self) -> tuple[str, str] | None:
        api_key = self.query_one("#api-key", Input).value.strip()
        app_key = self.query_one("#app-key", Input).value.strip()
        return (api_key, app_key) if api_key and app_key else None

    @work(exclusive=True, group="keys-test", exit_on_error=False, description="test keys")
    async def _test(self, profile: str, typed: tuple[str, str] | None) -> None:
        """GET /api/v1/validate with the typed keys, or else the stored ones."""
        import asyncio

        from wfbrowse.api import DatadogClient
        from wfbrowse.errors import WfError

        if typed is not None:
            credentials: Credentials | None = Credentials(typed[0], typed[1], "typed")
        else:
            try:
                credentials = await asyncio.to_thread(self._keystore.load, profile)
            except (KeyringProblem, ValueError) as problem:
                self._say(f"cannot read the keyring: {problem}", "error")
                return
            if credentials is None:
                self._say(f"nothing to test: paste keys, or save some for '{profile}'", "error")
                return
        base_url = self._base_url or self.site.api_url
        async with DatadogClient(base_url, credentials) as client:
            try:
                await client.validate()
            except WfError as error:
                self._say(error.one_line(), "error")
                return
        self._say(
            f"API key valid for {self.site.name}; the application key is checked on the "
            "first fetch",
            "ok",
        )

    def action_close(self) -> None:
        self._clear_typed()
        self.dismiss(None)


def profile_names() -> list[str]:
    """The configured profiles, for pickers and the command palette."""
    config: Config
    config, _ = load_config()
    return list(config.profiles)
