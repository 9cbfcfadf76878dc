"""`wfbrowse keys ...` and `wfbrowse --profile` as real processes: a throwaway Secret Service,
keyring's `fail` backend, and a fake Datadog on loopback that shows which keys arrive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from tests.tmux import TmuxSession, tmux_available
from wfbrowse.cli import UsageError, build_parser, launch_options
from wfbrowse.demo.server import FakeDatadog
from wfbrowse.keystore import KeyStore
from wfbrowse.settings import Config, ProfileInfo, config_file, load_config, save_config
from wfbrowse.sites import parse_site

if TYPE_CHECKING:
    from tests.secret_service import SecretServiceEnv

pytest_plugins = ["tests.secret_service"]

ENV_API_KEY = "env-api-key-000000000000000000e1e1"
ENV_APP_KEY = "env-app-key-0000000000000000000000000000e2e2"
ALL_KEYS = (TEST_API_KEY, TEST_APP_KEY, ENV_API_KEY, ENV_APP_KEY)
FAIL_BACKEND = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
VALID = json.dumps({"valid": True})
SET_WORK = ("keys", "set", "--profile", "work", "--site", "EU1")


def wfbrowse(
    *args: str, env: Mapping[str, str], stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "wfbrowse", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    for key in ALL_KEYS:
        assert key not in output  # no command ever prints a whole key
        assert key not in " ".join(args)
    assert "Traceback" not in output
    return result


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wfbrowse: ")
    return lines[0]


@pytest.fixture
def keyring_env(real_keyring: SecretServiceEnv) -> dict[str, str]:
    """The environment of a process that finds the throwaway Secret Service on its own."""
    env = {**os.environ, **real_keyring}
    env.pop("PYTHON_KEYRING_BACKEND", None)  # keyring detects the Secret Service by itself
    return env


@pytest.fixture
def no_keyring_env() -> dict[str, str]:
    return {**os.environ, **FAIL_BACKEND}


def store_work_keys(env: Mapping[str, str]) -> None:
    result = wfbrowse(*SET_WORK, env=env, stdin=f"{TEST_API_KEY}\n{TEST_APP_KEY}\n")
    assert result.returncode == 0, result.stderr


# -- the whole round trip on a real Secret Service ---------------------------------------------
def test_set_list_test_delete_round_trip(
    keyring_env: dict[str, str], real_keyring: SecretServiceEnv, fake_datadog: FakeDatadog
) -> None:
    pasted = f"  {TEST_API_KEY} \r\n{TEST_APP_KEY}\n"  # stray spaces and CRLF
    result = wfbrowse(*SET_WORK, env=keyring_env, stdin=pasted)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "saved keys for profile 'work' (site EU1 datadoghq.eu) in SecretService Keyring: "
        "API key …a1b2, application key …c3d4\n"
    )
    assert real_keyring.stored("work/api_key") == TEST_API_KEY
    assert real_keyring.stored("work/app_key") == TEST_APP_KEY
    assert load_config()[0].profiles == {"work": ProfileInfo("work", "datadoghq.eu")}

    listing = wfbrowse("keys", "list", env=keyring_env)
    assert listing.returncode == 0, listing.stderr
    header, row = listing.stdout.splitlines()
    assert header.split() == ["PROFILE", "SITE", "DEFAULT", "API", "KEY", "APP", "KEY", "WHERE"]
    assert row.split() == ["work", "EU1", "datadoghq.eu", "*", "…a1b2", "…c3d4", "keyring"]

    fake_datadog.add_response("GET", "/api/v1/validate", status=200, body=VALID)
    tested = wfbrowse(
        "keys", "test", "--profile", "work", "--api-url", fake_datadog.url, env=keyring_env
    )
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout == (
        f"API key valid for {fake_datadog.url} (from keyring profile 'work'); "
        "the application key is checked on the first fetch\n"
    )
    [request] = fake_datadog.requests
    assert request.path == "/api/v1/validate"
    assert request.header("DD-API-KEY") == TEST_API_KEY
    assert request.header("DD-APPLICATION-KEY") == TEST_APP_KEY

    deleted = wfbrowse("keys", "delete", "--profile", "work", env=keyring_env)
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.startswith("deleted profile 'work' (its keys removed from SecretService")
    assert real_keyring.stored("work/api_key") is None
    assert real_keyring.stored("work/app_key") is None
    assert load_config()[0] == Config()
    empty = wfbrowse("keys", "list", env=keyring_env)
    assert empty.returncode == 0
    assert empty.stdout.startswith("no profiles yet")
    again = wfbrowse("keys", "delete", "--profile", "work", env=keyring_env)
    assert again.returncode == 1
    assert one_error_line(again) == "wfbrowse: nothing stored for profile 'work'"


def test_the_first_profile_is_the_default_and_default_moves(keyring_env: dict[str, str]) -> None:
    store_work_keys(keyring_env)
    lab_keys = f"{ENV_API_KEY}\n{ENV_APP_KEY}\n"
    second = wfbrowse("keys", "set", "--profile", "lab", env=keyring_env, stdin=lab_keys)
    assert "(site US1 datadoghq.com)" in second.stdout
    assert load_config()[0].default_profile == "work"
    wfbrowse("keys", "set", "--profile", "lab", "--default", env=keyring_env, stdin=lab_keys)
    assert load_config()[0].default_profile == "lab"
    # Without --profile, `delete` means the default profile.
    deleted = wfbrowse("keys", "delete", env=keyring_env)
    assert deleted.stdout.splitlines() == [
        "deleted profile 'lab' (its keys removed from SecretService Keyring)",
        "the default profile is now 'work'",
    ]


def test_list_marks_keys_stored_without_settings_or_half(
    keyring_env: dict[str, str], real_keyring: SecretServiceEnv
) -> None:
    real_keyring.store("default/api_key", ENV_API_KEY)
    real_keyring.store("default/app_key", ENV_APP_KEY)
    real_keyring.store("half/api_key", TEST_API_KEY)
    save_config(Config().with_profile(ProfileInfo("half", "datadoghq.com")))
    listing = wfbrowse("keys", "list", env=keyring_env)
    assert listing.returncode == 0
    rows = [line.split() for line in listing.stdout.splitlines()[1:]]
    assert rows == [
        ["half", "US1", "datadoghq.com", "*", "…a1b2", "-", "keyring:", "API", "key", "only"],
        ["default", "datadoghq.com", "(no", "settings)", "…e1e1", "…e2e2", "keyring"],
    ]


def test_list_shows_environment_keys_win(keyring_env: dict[str, str]) -> None:
    store_work_keys(keyring_env)
    env = {**keyring_env, "DD_API_KEY": ENV_API_KEY, "DD_APP_KEY": ENV_APP_KEY}
    listing = wfbrowse("keys", "list", env=env)
    assert listing.stdout.splitlines()[-1] == (
        "environment: DD_API_KEY …e1e1, DD_APP_KEY …e2e2 — these win over any profile"
    )


def test_environment_keys_win_over_the_profile_in_keys_test(
    keyring_env: dict[str, str], fake_datadog: FakeDatadog
) -> None:
    store_work_keys(keyring_env)
    fake_datadog.add_response("GET", "/api/v1/validate", status=200, body=VALID)
    env = {**keyring_env, "DD_API_KEY": ENV_API_KEY, "DD_APP_KEY": ENV_APP_KEY}
    tested = wfbrowse("keys", "test", "--profile", "work", "--api-url", fake_datadog.url, env=env)
    assert tested.returncode == 0, tested.stderr
    assert "(from environment (DD_API_KEY, DD_APP_KEY))" in tested.stdout
    [request] = fake_datadog.requests
    assert request.header("DD-API-KEY") == ENV_API_KEY
    assert request.header("DD-APPLICATION-KEY") == ENV_APP_KEY


# -- keys test outcomes ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "body", "code", "text"),
    [
        (403, '{"errors": ["Forbidden"]}', 3, "the API key was rejected"),
        (401, '{"errors": ["Unauthorized"]}', 3, "the API key was rejected"),
        (200, '{"valid": false}', 3, "did not confirm the API key"),
        (500, '{"errors": ["Internal Server Error"]}', 6, "server error"),
        (200, "<html>login</html>", 6, "not valid JSON"),
    ],
)
def test_keys_test_failures_have_their_exit_status(
    fake_datadog: FakeDatadog, status: int, body: str, code: int, text: str
) -> None:
    fake_datadog.add_response("GET", "/api/v1/validate", status=status, body=body)
    env = {**os.environ, "DD_API_KEY": ENV_API_KEY, "DD_APP_KEY": ENV_APP_KEY}
    tested = wfbrowse("keys", "test", "--api-url", fake_datadog.url, env=env)
    assert tested.returncode == code
    assert text in one_error_line(tested)


def test_keys_test_unreachable_server_is_6(fake_datadog: FakeDatadog) -> None:
    url = fake_datadog.url
    fake_datadog.stop()  # nothing listens there any more
    env = {**os.environ, "DD_API_KEY": ENV_API_KEY, "DD_APP_KEY": ENV_APP_KEY}
    tested = wfbrowse("keys", "test", "--api-url", url, env=env)
    assert tested.returncode == 6
    assert "connection refused" in one_error_line(tested)


def test_keys_test_without_keys_is_1() -> None:
    tested = wfbrowse("keys", "test", env=os.environ)  # the null backend: nothing stored
    assert tested.returncode == 1
    assert "no keys for profile 'default'" in one_error_line(tested)


def test_keys_test_unknown_profile_is_2_and_lists_the_known(keyring_env: dict[str, str]) -> None:
    store_work_keys(keyring_env)
    tested = wfbrowse("keys", "test", "--profile", "nope", env=keyring_env)
    assert tested.returncode == 2
    assert "unknown profile 'nope' (known profiles: 'work')" in one_error_line(tested)


def test_keys_test_refuses_a_foreign_api_url() -> None:
    env = {**os.environ, "DD_API_KEY": ENV_API_KEY, "DD_APP_KEY": ENV_APP_KEY}
    tested = wfbrowse("keys", "test", "--api-url", "https://example.com", env=env)
    assert tested.returncode == 2
    assert "refusing --api-url" in one_error_line(tested)


# -- keys set input ----------------------------------------------------------------------------
@pytest.mark.tmux
@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")
def test_keys_set_on_a_terminal_prompts_without_echo(
    keyring_env: dict[str, str], real_keyring: SecretServiceEnv
) -> None:
    command = [sys.executable, "-m", "wfbrowse", "keys", "set", "--profile", "tty"]
    with TmuxSession(command, width=120, height=20, env=keyring_env) as term:
        term.wait_for("Datadog API key (input hidden):")
        term.send_keys(TEST_API_KEY, literal=True)
        term.send_keys("Enter")
        term.wait_for("Datadog application key (input hidden):")
        term.send_keys(TEST_APP_KEY, literal=True)
        term.send_keys("Enter")
        term.wait_for("saved keys for profile 'tty'")
        assert term.wait_exit() == 0
        screen = term.screen()
    assert "API key …a1b2, application key …c3d4" in screen
    for key in (TEST_API_KEY, TEST_APP_KEY):
        assert key not in screen and key[:12] not in screen  # typed, never shown
    assert real_keyring.stored("tty/api_key") == TEST_API_KEY
    assert real_keyring.stored("tty/app_key") == TEST_APP_KEY


@pytest.mark.parametrize(
    ("stdin", "text"),
    [
        ("", "no API key on stdin"),
        ("\n\n", "no API key on stdin"),
        (f"{TEST_API_KEY}\n", "no application key on stdin"),
        (f"{TEST_API_KEY} {TEST_APP_KEY}\n", "no application key on stdin"),
        (f"{TEST_API_KEY}\nwith space\n", "the application key contains spaces"),
    ],
)
def test_keys_set_needs_two_clean_lines(keyring_env: dict[str, str], stdin: str, text: str) -> None:
    result = wfbrowse("keys", "set", env=keyring_env, stdin=stdin)
    assert result.returncode == 2
    assert text in one_error_line(result)
    assert not config_file().exists()


def test_keys_are_never_taken_as_arguments() -> None:
    result = wfbrowse("keys", "set", "--api-key", "x" * 32, env=os.environ)
    assert result.returncode == 2
    assert "unrecognized arguments" in one_error_line(result)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--profile", "a/b"], "contains '/'"),
        (["--site", "mars"], "unknown Datadog site 'mars'"),
        (["--site", "US1-FED"], "cannot use US1-FED"),
        (["--site", ""], "empty Datadog site"),
    ],
)
def test_keys_set_refuses_bad_names_and_sites(args: list[str], text: str) -> None:
    result = wfbrowse(
        "keys", "set", *args, env=os.environ, stdin=f"{TEST_API_KEY}\n{TEST_APP_KEY}\n"
    )
    assert result.returncode == 2
    assert text in one_error_line(result)


def test_keys_help_documents_the_exit_status() -> None:
    result = wfbrowse("keys", "--help", env=os.environ)
    assert result.returncode == 0
    for line in ("0    done", "3    the keys were rejected", "4    the OS keyring could not"):
        assert line in result.stdout
    assert wfbrowse("keys", env=os.environ).returncode == 2
    assert "wfbrowse keys" in wfbrowse("--help", env=os.environ).stdout


def test_a_keyring_that_keeps_nothing_fails_set() -> None:
    # conftest's null backend accepts keys and keeps none: `set` must not claim success.
    result = wfbrowse("keys", "set", env=os.environ, stdin=f"{TEST_API_KEY}\n{TEST_APP_KEY}\n")
    assert result.returncode == 4
    assert "did not keep the keys (NotStored)" in one_error_line(result)
    assert not config_file().exists()


# -- no keyring at all ---------------------------------------------------------------------------
def test_without_a_keyring_every_command_says_so_once(
    no_keyring_env: dict[str, str], fake_datadog: FakeDatadog
) -> None:
    save_config(Config().with_profile(ProfileInfo("work", "datadoghq.eu")))
    expected = (
        "wfbrowse: no OS keyring is available (NoKeyringError) — set DD_API_KEY and "
        "DD_APP_KEY, or start a Secret Service (gnome-keyring)"
    )
    keys = f"{TEST_API_KEY}\n{TEST_APP_KEY}\n"
    for args in (["set"], ["list"], ["test", "--api-url", fake_datadog.url], ["delete"]):
        result = wfbrowse("keys", *args, env=no_keyring_env, stdin=keys)
        assert result.returncode == 4, (args, result.stderr)
        assert one_error_line(result) == expected
    listing = wfbrowse("keys", "list", env=no_keyring_env)
    assert "keyring unavailable (NoKeyringError)" in listing.stdout  # the settings still show
    assert load_config()[0].profiles == {"work": ProfileInfo("work", "datadoghq.eu")}
    assert fake_datadog.requests == []


def test_without_a_keyring_environment_keys_still_work(
    no_keyring_env: dict[str, str], fake_datadog: FakeDatadog
) -> None:
    fake_datadog.add_response("GET", "/api/v1/validate", status=200, body=VALID)
    env = {**no_keyring_env, "DD_API_KEY": ENV_API_KEY, "DD_APP_KEY": ENV_APP_KEY}
    tested = wfbrowse("keys", "test", "--api-url", fake_datadog.url, env=env)
    assert tested.returncode == 0, tested.stderr
    assert tested.stderr == ""
    assert fake_datadog.requests[0].header("DD-API-KEY") == ENV_API_KEY


# -- the app's own command line ------------------------------------------------------------------
def test_the_app_refuses_an_unknown_profile_before_starting() -> None:
    save_config(Config().with_profile(ProfileInfo("work", "datadoghq.eu")))
    result = wfbrowse("--profile", "nope", env=os.environ, timeout=30)
    assert result.returncode == 2
    line = one_error_line(result)
    assert "unknown profile 'nope' (known profiles: 'work')" in line
    bad_name = wfbrowse("--profile", "a/b", env=os.environ, timeout=30)
    assert bad_name.returncode == 2
    assert "contains '/'" in one_error_line(bad_name)


def options_for(*argv: str, environ: Mapping[str, str] | None = None) -> Any:
    args = build_parser().parse_args(list(argv))
    return launch_options(args, dict(environ or {}))


def test_launch_takes_the_profile_and_its_site_and_leaves_the_keyring_to_the_app(
    real_keyring: SecretServiceEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    KeyStore().save("work", TEST_API_KEY, TEST_APP_KEY)
    save_config(Config().with_profile(ProfileInfo("work", "datadoghq.eu")))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the keyring was read before the app started")

    monkeypatch.setattr(KeyStore, "load_pair", refuse)
    options = options_for()
    assert options.credentials is None
    assert options.read_keyring is True  # the app reads it once its first frame is up
    assert options.site == parse_site("EU1")
    assert options.profile == "work"
    assert options.keyring_problem is None


@pytest.mark.parametrize(
    ("argv", "environ", "site"),
    [
        ((), {}, "EU1"),  # the profile's site
        ((), {"DD_SITE": "us3.datadoghq.com"}, "US3"),  # DD_SITE beats the profile
        (
            ("https://app.ap1.datadoghq.com/workflow/" + "0" * 8 + "-0000-0000-0000-" + "0" * 12,),
            {"DD_SITE": "us3.datadoghq.com"},
            "AP1",
        ),  # a pasted link beats DD_SITE
        (("--site", "US5"), {"DD_SITE": "us3.datadoghq.com"}, "US5"),  # --site beats all
    ],
)
def test_site_precedence(
    real_keyring: SecretServiceEnv, argv: tuple[str, ...], environ: dict[str, str], site: str
) -> None:
    KeyStore().save("work", TEST_API_KEY, TEST_APP_KEY)
    save_config(Config().with_profile(ProfileInfo("work", "datadoghq.eu")))
    assert options_for(*argv, environ=environ).site == parse_site(site)


def test_launch_without_profiles_uses_the_default_site() -> None:
    options = options_for()
    assert options.site == parse_site("datadoghq.com")
    assert options.credentials is None
    assert options.profile == "default"


def test_launch_with_environment_keys_never_reads_the_keyring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the keyring was read although the environment has keys")

    monkeypatch.setattr(KeyStore, "load_pair", refuse)
    with_env = options_for(environ={"DD_API_KEY": ENV_API_KEY, "DD_APP_KEY": ENV_APP_KEY})
    assert with_env.read_keyring is False
    assert with_env.credentials is not None
    assert with_env.credentials.source == "environment (DD_API_KEY, DD_APP_KEY)"


def test_demo_mode_never_touches_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the keyring was asked in demo mode")

    monkeypatch.setattr(KeyStore, "load_pair", refuse)
    options = options_for("--demo", "--profile", "nope")
    assert options.credentials is None and options.keyring_problem is None


def test_a_broken_settings_file_is_one_warning_line(capsys: pytest.CaptureFixture[str]) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text("{broken", encoding="utf-8")
    options_for()
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("wfbrowse: ignoring the settings in ")


def test_usage_errors_stay_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown profile 'ghost'"):
        options_for("--profile", "ghost")
