"""Keys in the app: the keys screen, profiles, memory-only keys, and what never leaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.cassettes import INST, INSTANCE_PATH, WF, load_interaction, serve
from tests.screen import screen_text, settle
from tests.tmux import TmuxSession, tmux_available
from wfbrowse.keystore import KeyStore
from wfbrowse.launch import LaunchOptions
from wfbrowse.settings import ProfileInfo, config_file, load_config, save_config
from wfbrowse.sites import parse_site
from wfbrowse.tui.app import WfBrowseApp

pytest_plugins = ["tests.secret_service"]

API_KEY = "fake-api-key-0123456789abcdef-7a1c"
APP_KEY = "fake-app-key-fedcba9876543210fedcba98-9e2b"
NO_KEYRING = (
    "no OS keyring is available (NoKeyringError) — set DD_API_KEY and DD_APP_KEY, "
    "or start a Secret Service"
)


def options(server, **overrides) -> LaunchOptions:
    values: dict[str, object] = {
        "site": parse_site("datadoghq.com"),
        "credentials": None,
        "api_url": server.url,
        "profile": "default",
    }
    values.update(overrides)
    return LaunchOptions(**values)  # type: ignore[arg-type]


async def type_keys(app: WfBrowseApp, pilot, api_key: str, app_key: str) -> None:
    app.screen.query_one("#api-key", Input).value = api_key
    app.screen.query_one("#app-key", Input).value = app_key
    await pilot.pause()


async def fetch(app: WfBrowseApp, pilot) -> None:
    app.query_one("#workflow", Input).value = WF
    app.query_one("#instance", Input).value = INST
    await pilot.pause()
    await pilot.press("ctrl+r")
    await settle(app, pilot)


def assert_no_key(text: str) -> None:
    for key in (API_KEY, APP_KEY):
        assert key not in text
        assert key[:-4] not in text  # not even the key minus its shown last four


async def test_first_run_without_keyring_offers_keys_for_this_session(
    fake_datadog, keyring_backend
) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    keyring_backend(NoKeyring())
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    app = WfBrowseApp(options(fake_datadog, read_keyring=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "Datadog keys" in screen  # no keys to be had: the keys screen opens
        assert "NoKeyringError" in screen  # and says why, with what to do
        assert "DD_API_KEY" in screen
        assert "Use for this session" in screen
        await type_keys(app, pilot, API_KEY, APP_KEY)
        assert_no_key(screen_text(app))  # password fields show dots
        await pilot.click("#memory")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "keys: this session only (memory)" in screen
        await fetch(app, pilot)
        assert "● Canceled" in screen_text(app)
        assert_no_key(screen_text(app))
    [request] = fake_datadog.requests
    assert request.header("DD-API-KEY") == API_KEY
    assert request.header("DD-APPLICATION-KEY") == APP_KEY
    assert not config_file().exists() or API_KEY not in config_file().read_text()


async def test_keys_put_in_use_are_hidden_at_once_in_the_run_on_screen(
    fake_datadog, real_keyring
) -> None:
    """A run showing keys that are not (yet) in use shows them; once they are in use, the
    run on screen is drawn again with them hidden: tree, panel and path line."""
    from tests.test_terminal_attacks import echoing_run, key_parts_on, path_line
    from wfbrowse.credentials import Credentials
    from wfbrowse.textsafe import KEY_HIDDEN

    body = json.dumps(echoing_run(API_KEY, APP_KEY))
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    other = Credentials("other-api-key-" + "1" * 20, "other-app-key-" + "2" * 26, "test")
    app = WfBrowseApp(options(fake_datadog, credentials=other, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("E", "g", "j", "e", "j", "j", "j", "j")  # `echo` open, its key member
        await settle(app, pilot)
        assert f"wf {API_KEY}" in screen_text(app)  # not the user's key: shown as it is
        assert path_line(app) == f'.echo["{APP_KEY}"]'
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        await type_keys(app, pilot, API_KEY, APP_KEY)
        await pilot.click("#save")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "Datadog keys" not in screen  # saved and closed
        assert key_parts_on(screen, API_KEY, APP_KEY) == []
        assert f"wf {KEY_HIDDEN}" in screen
        assert f'DD-API-KEY: "{KEY_HIDDEN}"' in screen
        assert path_line(app) == f'.echo["{KEY_HIDDEN}"]'


async def test_stored_keys_are_read_after_start_and_a_given_run_is_fetched(
    fake_datadog, real_keyring
) -> None:
    KeyStore().save("prod", API_KEY, APP_KEY)
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    app = WfBrowseApp(
        options(fake_datadog, profile="prod", read_keyring=True, workflow_id=WF, instance_id=INST)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        assert "Datadog keys" not in screen
        assert "profile prod" in screen
        assert "● Canceled" in screen  # fetched as soon as the keys were there
    [request] = fake_datadog.requests
    assert request.header("DD-API-KEY") == API_KEY
    assert request.header("DD-APPLICATION-KEY") == APP_KEY


async def test_a_hanging_keyring_does_not_freeze_the_app(fake_datadog, keyring_backend) -> None:
    import threading

    from keyring.backend import KeyringBackend

    release = threading.Event()

    class Hanging(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            release.wait(30)
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            release.wait(30)

        def delete_password(self, service: str, username: str) -> None:
            release.wait(30)

    keyring_backend(Hanging())
    app = WfBrowseApp(options(fake_datadog, profile="prod", read_keyring=True))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            # While the keyring hangs, the app answers keys.
            app.query_one("#workflow", Input).focus()
            await pilot.press(*"abc")
            assert app.query_one("#workflow", Input).value == "abc"
            assert "reading the keys of profile prod" in screen_text(app)
            await settle(app, pilot)  # KeyStore gives up after its time limit
            screen = screen_text(app)
            assert "Datadog keys" in screen
            assert "Timeout" in screen or "did not answer" in screen
    finally:
        release.set()


async def test_keys_saved_in_the_real_keyring_are_used_and_shown_masked(
    fake_datadog,
    real_keyring,
    tmp_path: Path,
) -> None:
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    app = WfBrowseApp(options(fake_datadog, profile="prod"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "nothing stored for profile 'prod'" in screen_text(app)
        await type_keys(app, pilot, API_KEY, APP_KEY)
        await pilot.click("#save")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "Datadog keys" not in screen  # saved and closed
        assert "profile prod" in screen
        await fetch(app, pilot)
        assert "● Canceled" in screen_text(app)
        # Reopened, the screen shows the stored keys by their last four characters only.
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        screen = screen_text(app)
        assert f"API key …{API_KEY[-4:]}" in screen
        assert f"application key …{APP_KEY[-4:]}" in screen
        assert_no_key(screen)
    stored = KeyStore().load("prod")
    assert stored is not None
    assert (stored.api_key, stored.app_key) == (API_KEY, APP_KEY)
    config, _ = load_config()
    assert config.profiles["prod"].site == "datadoghq.com"
    assert_no_key(config_file().read_text())
    [request] = fake_datadog.requests
    assert request.header("DD-API-KEY") == API_KEY
    assert request.header("DD-APPLICATION-KEY") == APP_KEY


async def test_switching_profile_from_the_picker_changes_keys_and_site(
    fake_datadog,
    real_keyring,
) -> None:
    serve(
        fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"), times=2
    )
    store = KeyStore()
    store.save("prod", API_KEY, APP_KEY)
    store.save("staging", "staging-api-key-1111", "staging-app-key-2222")
    config, _ = load_config()
    config = config.with_profile(ProfileInfo("prod", "datadoghq.com"), make_default=True)
    save_config(config.with_profile(ProfileInfo("staging", "datadoghq.eu")))
    prod = store.load("prod")
    app = WfBrowseApp(options(fake_datadog, credentials=prod, profile="prod"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await fetch(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "prod" in screen and "staging" in screen and "← in use" in screen
        await pilot.press("down", "enter")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "profile staging" in screen
        assert "EU1 datadoghq.eu" in screen
        await fetch(app, pilot)
    first, second = fake_datadog.requests
    assert first.header("DD-API-KEY") == API_KEY
    assert second.header("DD-API-KEY") == "staging-api-key-1111"
    assert second.header("DD-APPLICATION-KEY") == "staging-app-key-2222"


async def test_the_palette_lists_profiles(fake_datadog, real_keyring) -> None:
    KeyStore().save("ops[1]", API_KEY, APP_KEY)
    config, _ = load_config()
    save_config(config.with_profile(ProfileInfo("ops[1]", "us5.datadoghq.com")))
    app = WfBrowseApp(options(fake_datadog, credentials=None, profile="default"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")  # close the first-run keys screen
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"use profile")
        await pilot.pause(0.3)
        assert "Use profile: ops[1]" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "profile ops[1]" in screen
        assert "US5 us5.datadoghq.com" in screen


async def test_keys_never_leak_to_screen_files_clipboard_or_errors(
    fake_datadog,
    real_keyring,
    tmp_path: Path,
) -> None:
    """Save known keys, fetch, fail, take a screenshot, log: the keys are nowhere."""
    from wfbrowse import debuglog

    log_file = tmp_path / "debug.log"
    debuglog.setup(log_file)
    try:
        await _leaky_session(fake_datadog, log_file)
    finally:
        debuglog.close()


async def _leaky_session(fake_datadog, log_file: Path) -> None:
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    other = "11111111-2222-4333-8444-555555555555"
    fake_datadog.add_response(
        "GET",
        f"/api/v2/workflows/{WF}/instances/{other}",
        status=403,
        # A server (or proxy) that echoes what it got: the app must still not show it.
        body=json.dumps({"errors": [f"Forbidden: key {API_KEY} / {APP_KEY}"]}),
    )
    screens: list[str] = []
    app = WfBrowseApp(options(fake_datadog, profile="leaktest"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await type_keys(app, pilot, API_KEY, APP_KEY)
        screens.append(screen_text(app))
        screens.append(app.export_screenshot())
        await pilot.click("#save")
        await settle(app, pilot)
        await fetch(app, pilot)
        screens.append(screen_text(app))
        app.query_one("#instance", Input).value = other
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        screens.append(screen_text(app))
        assert "Forbidden" in screens[-1] or "403" in screens[-1]
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        screens.append(screen_text(app))
        screens.append(app.export_screenshot())
        clipboard = app.clipboard
        errors = [str(worker.error) for worker in app.workers if worker.error is not None]
    for text in [*screens, clipboard, *errors, log_file.read_text(), config_file().read_text()]:
        assert_no_key(text)
    assert "<redacted>" in log_file.read_text()


async def test_a_key_field_never_copies_or_cuts_its_key(fake_datadog) -> None:
    """Textual's Input copies its selection even as a password field: a key field does not."""
    app = WfBrowseApp(options(fake_datadog))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        field = app.screen.query_one("#api-key", Input)
        await pilot.press(*API_KEY)
        for selecting, key, said in (
            ("ctrl+shift+a", "ctrl+c", "not copied: keys never go to the clipboard"),
            ("shift+home", "ctrl+x", "not cut: keys never go to the clipboard"),
        ):
            await pilot.press("end", selecting, key)
            await pilot.pause()
            assert field.value == API_KEY  # a cut took nothing out either
            assert said in screen_text(app)
        clipboard = app.clipboard
        # The same keys in a plain field of the same screen do copy...
        profile = app.screen.query_one("#profile", Input)
        profile.focus()
        await pilot.press("ctrl+shift+a", "ctrl+c")
        await pilot.pause()
        assert app.clipboard == profile.value == "default"
        # ...but not a key typed above and pasted there too, whole or most of it.
        for pasted in (API_KEY, API_KEY[2:-2]):
            profile.value = f"oops {pasted}"
            await pilot.press("ctrl+shift+a", "ctrl+c")
            await pilot.pause()
            assert app.clipboard == "default"
    assert_no_key(clipboard)


@pytest.mark.tmux
@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")
def test_a_key_field_leaves_the_tmux_buffer_alone_in_a_real_terminal() -> None:
    """In tmux acting on OSC 52, Ctrl+C and Ctrl+X in a key field change no buffer; the same
    keys in the workflow field do (so the check could fail)."""
    from tests.test_terminal_attacks import KNOWN_BUFFER, arm, buffer, wfbrowse_held

    with TmuxSession(wfbrowse_held(), width=120, height=40) as term:
        arm(term)
        term.send_keys("Enter")
        term.wait_for("paste the API key")  # no keys anywhere: the keys screen opens
        term.send_keys(API_KEY, literal=True)
        term.wait_for("•" * 20)
        for cut_or_copy, said in (("C-c", "not copied"), ("C-x", "not cut")):
            term.send_keys("End")
            term.send_keys("S-Home")
            term.send_keys(cut_or_copy)
            term.wait_for(f"{said}: keys never go to the clipboard")
            term.wait_for("•" * len(API_KEY))  # still all there
        assert buffer(term) == KNOWN_BUFFER
        assert_no_key(term.screen())
        term.send_keys("Escape")
        term.wait_for(lambda screen: "Datadog keys" not in screen)
        # Keys sent just as the screen closes can be lost: focus the field until it has it.
        # (Not an ID: a whole workflow ID alone would open its runs, and ask for keys again.)
        control = "plain-text-to-copy"
        for _ in range(10):
            term.send_keys("C-o")
            term.send_keys("C-u")  # emptied first, in case an earlier round did arrive
            term.send_keys(control, literal=True)
            try:
                term.wait_for(control, timeout=2)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("the workflow field never took the text")
        term.send_keys("S-Home")
        term.send_keys("C-c")
        term.wait_for(lambda _: buffer(term) == control)
        term.send_keys("C-q")
        assert term.wait_exit() == 0


async def test_keys_replaced_in_the_session_are_still_never_copied(
    fake_datadog, keyring_backend
) -> None:
    """Keys put aside for others stay the user's secrets: a run echoing the earlier key
    shows it hidden, and a copy of it is refused, as for the keys in use."""
    from keyring.backends.fail import Keyring as NoKeyring

    from tests.test_terminal_attacks import echoing_run
    from wfbrowse.credentials import Credentials
    from wfbrowse.textsafe import KEY_HIDDEN

    keyring_backend(NoKeyring())
    old_api, old_app = (
        "old-api-key-00112233445566778899aabb",
        "old-app-key-ffeeddccbbaa99887766554433",
    )
    body = json.dumps(echoing_run(old_api, old_app))
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=body)
    earlier = Credentials(old_api, old_app, "environment")
    app = WfBrowseApp(options(fake_datadog, credentials=earlier, keyring_problem=NO_KEYRING))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await app.run_action("keys")
        await settle(app, pilot)
        await type_keys(app, pilot, API_KEY, APP_KEY)
        await pilot.click("#memory")
        await settle(app, pilot)
        assert "keys: this session only (memory)" in screen_text(app)
        await fetch(app, pilot)
        assert f"wf {KEY_HIDDEN}" in screen_text(app)
        await app.run_action("copy_document")
        await settle(app, pilot)
        assert "not copied: the whole document holds one of your Datadog keys" in screen_text(app)
        assert old_api not in (app.clipboard or "")


async def test_ctrl_k_in_demo_mode_says_why_there_is_no_keys_screen(demo_server) -> None:
    from wfbrowse.cli import demo_options

    app = WfBrowseApp(demo_options(options(demo_server), demo_server.url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert "demo mode uses its own keys" in screen_text(app)
        assert len(app.screen_stack) == 1
