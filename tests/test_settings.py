"""The settings file: profiles and sites only, written atomically and privately, never lost."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from wfbrowse.settings import (
    Config,
    ProfileInfo,
    config_dir,
    config_file,
    load_config,
    save_config,
)

if TYPE_CHECKING:
    from tests.secret_service import SecretServiceEnv

pytest_plugins = ["tests.secret_service"]

WORK = ProfileInfo("work", "datadoghq.eu")
LAB = ProfileInfo("lab", "us5.datadoghq.com")
CI = ProfileInfo("ci", "datadoghq.com")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_file_lives_in_the_platform_config_folder() -> None:
    assert config_dir() == Path(os.environ["XDG_CONFIG_HOME"]) / "wfbrowse"
    assert config_file() == config_dir() / "config.json"


def test_a_missing_file_is_no_settings() -> None:
    assert load_config() == (Config(), None)
    assert not config_dir().exists()  # reading creates nothing


def test_round_trip_keeps_order_default_and_unknown_entries() -> None:
    config = Config(
        {"work": WORK, "lab": LAB, "ci": CI},  # not alphabetical on purpose
        default_profile="lab",
        extra={"theme": "dracula", "future": {"nested": [1, 2]}},
    )
    save_config(config)
    loaded, warning = load_config()
    assert warning is None
    assert loaded == config
    assert list(loaded.profiles) == ["work", "lab", "ci"]


def test_unknown_top_level_entries_survive_an_edit() -> None:
    config_dir().mkdir(parents=True)
    config_file().write_text(
        json.dumps({"theme": "nord", "profiles": {}, "default_profile": None}), encoding="utf-8"
    )
    loaded, _ = load_config()
    save_config(loaded.with_profile(WORK))
    data = json.loads(config_file().read_text(encoding="utf-8"))
    assert data["theme"] == "nord"
    assert data["profiles"] == {"work": {"site": "datadoghq.eu"}}


def test_the_file_is_private_and_written_atomically() -> None:
    save_config(Config().with_profile(WORK))
    assert mode(config_file()) == 0o600
    assert mode(config_dir()) == 0o700
    # Saving over a file someone made world-readable replaces it with a private one.
    config_file().chmod(0o644)
    save_config(Config().with_profile(LAB))
    assert mode(config_file()) == 0o600
    assert [path.name for path in config_dir().iterdir()] == ["config.json"]  # no temp left


def test_a_failed_write_leaves_the_old_file_and_no_temp(monkeypatch: pytest.MonkeyPatch) -> None:
    save_config(Config().with_profile(WORK))
    before = config_file().read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(OSError):
        patch.setattr(os, "replace", broken_replace)
        save_config(Config().with_profile(LAB))
    assert config_file().read_bytes() == before
    assert [path.name for path in config_dir().iterdir()] == ["config.json"]


def test_an_explicit_path_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "settings.json"
    save_config(Config().with_profile(WORK), path)
    assert load_config(path)[0].profiles == {"work": WORK}
    assert not config_file().exists()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe\x00junk", "UnicodeDecodeError"),
        (b"[]", "not a JSON object"),
        (b'{"profiles": []}', '"profiles" is not an object'),
        (b'{"profiles": {"work": {}}}', "profile 'work' has no site"),
        (b'{"profiles": {"work": "datadoghq.eu"}}', "profile 'work' has no site"),
        (b'{"profiles": {"a/b": {"site": "datadoghq.eu"}}}', "contains '/'"),
        (b'{"default_profile": 3}', '"default_profile" is not a string'),
    ],
)
def test_an_unreadable_file_is_set_aside_with_one_line(content: bytes, why: str) -> None:
    config_dir().mkdir(parents=True)
    config_file().write_bytes(content)
    config, warning = load_config()
    assert config == Config()
    assert warning is not None and "\n" not in warning
    assert why in warning
    aside = [path for path in config_dir().iterdir() if path.name != "config.json"]
    assert len(aside) == 1
    assert aside[0].name.startswith("config.json.broken-")
    assert aside[0].name.endswith("Z")  # a UTC timestamp
    assert aside[0].read_bytes() == content  # never lost
    assert not config_file().exists()
    assert str(config_file()) in warning and str(aside[0]) in warning


def test_set_aside_files_never_overwrite_each_other() -> None:
    config_dir().mkdir(parents=True)
    for text in ("first broken", "second broken", "third broken"):
        config_file().write_text(text, encoding="utf-8")
        assert load_config()[1] is not None
    kept = sorted(p.read_text(encoding="utf-8") for p in config_dir().iterdir())
    assert kept == ["first broken", "second broken", "third broken"]


def test_a_folder_in_place_of_the_file_is_set_aside() -> None:
    config_file().mkdir(parents=True)
    config, warning = load_config()
    assert config == Config() and warning is not None
    save_config(Config().with_profile(WORK))  # and the next save works
    assert load_config()[0].profiles == {"work": WORK}


def test_the_first_profile_becomes_the_default() -> None:
    empty = Config()
    one = empty.with_profile(WORK)
    assert one.default_profile == "work"
    assert empty == Config()  # copies, not edits
    two = one.with_profile(LAB)
    assert two.default_profile == "work"
    three = two.with_profile(CI, make_default=True)
    assert three.default_profile == "ci"
    assert list(three.profiles) == ["work", "lab", "ci"]


def test_replacing_a_profile_keeps_its_place() -> None:
    config = Config().with_profile(WORK).with_profile(LAB).with_profile(CI)
    moved = config.with_profile(ProfileInfo("lab", "ap1.datadoghq.com"))
    assert list(moved.profiles) == ["work", "lab", "ci"]
    assert moved.profiles["lab"].site == "ap1.datadoghq.com"
    assert moved.default_profile == "work"


def test_a_dangling_default_is_repaired_by_the_next_profile() -> None:
    config = Config(default_profile="gone").with_profile(WORK)
    assert config.default_profile == "work"


def test_removing_profiles_moves_the_default() -> None:
    config = Config().with_profile(WORK).with_profile(LAB).with_profile(CI)
    without_lab = config.without_profile("lab")
    assert without_lab.default_profile == "work"  # not the default: unchanged
    assert list(without_lab.profiles) == ["work", "ci"]
    without_work = without_lab.without_profile("work")
    assert without_work.default_profile == "ci"
    assert without_work.without_profile("ci") == Config()
    assert config.without_profile("nope") == config
    assert len(config.profiles) == 3  # copies, not edits


def test_extra_entries_ride_along_through_edits() -> None:
    config = Config(extra={"theme": "nord"})
    assert config.with_profile(WORK).without_profile("work").extra == {"theme": "nord"}


def test_keys_set_never_writes_a_key_to_any_file(
    real_keyring: SecretServiceEnv, tmp_path: Path
) -> None:
    """After a real `wfbrowse keys set`, no file holds a key in plain text: not the settings,
    not the other XDG folders, not even gnome-keyring's own (encrypted) keyring file."""
    env = {**os.environ, **real_keyring}
    result = subprocess.run(
        [sys.executable, "-m", "wfbrowse", "keys", "set", "--profile", "work", "--site", "EU1"],
        input=f"{TEST_API_KEY}\n{TEST_APP_KEY}\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert real_keyring.stored("work/api_key") == TEST_API_KEY  # it was really stored
    text = config_file().read_text(encoding="utf-8")
    assert json.loads(text)["profiles"] == {"work": {"site": "datadoghq.eu"}}
    folders = [tmp_path, Path(real_keyring["XDG_DATA_HOME"])]
    files = [path for folder in folders for path in folder.rglob("*") if path.is_file()]
    assert config_file() in files
    assert any(path.name.endswith(".keyring") for path in files)  # the keyring did write
    for path in files:
        data = path.read_bytes()
        for key in (TEST_API_KEY, TEST_APP_KEY):
            assert key.encode() not in data, path
            assert key[-12:].encode() not in data, path
