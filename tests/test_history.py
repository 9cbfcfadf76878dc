"""The history of opened runs: newest first, bounded, one entry per run, never lost, no keys."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wfbrowse.history import (
    FIELDS,
    MAX_FIELD,
    MAX_VISITS,
    Visit,
    history_file,
    load_history,
    record_visit,
    utc_now_iso,
)

DOCUMENTED = {
    "site",
    "profile",
    "workflow_id",
    "workflow_name",
    "instance_id",
    "status",
    "opened_at",
}


def visit(number: int, **changes: object) -> Visit:
    values: dict[str, object] = {
        "site": "datadoghq.eu",
        "profile": "work",
        "workflow_id": f"wf-{number:04d}",
        "workflow_name": f"Workflow {number}",
        "instance_id": f"run-{number:04d}",
        "status": "SUCCEEDED",
        "opened_at": f"2025-01-{1 + number % 28:02d}T12:00:00Z",
    }
    values.update(changes)
    return Visit(**values)  # type: ignore[arg-type]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def aside_files() -> list[Path]:
    return sorted(p for p in history_file().parent.iterdir() if p.name != "history.json")


def test_the_file_lives_in_the_platform_data_folder() -> None:
    assert history_file() == Path(os.environ["XDG_DATA_HOME"]) / "wfbrowse" / "history.json"


def test_a_missing_file_is_an_empty_history() -> None:
    assert load_history() == ([], None)
    assert not history_file().parent.exists()  # reading creates nothing


def test_survives_a_restart() -> None:
    """Written by one process, read by another."""
    script = textwrap.dedent(
        """
        from wfbrowse.history import Visit, record_visit
        for n in range(3):
            assert record_visit(Visit("datadoghq.com", None, f"wf{n}", None, f"run{n}",
                                      "IN_PROGRESS", f"2025-02-0{n + 1}T00:00:00Z")) is None
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60, env=os.environ)
    visits, warning = load_history()
    assert warning is None
    assert [v.instance_id for v in visits] == ["run2", "run1", "run0"]
    assert visits[0] == Visit(
        "datadoghq.com", None, "wf2", None, "run2", "IN_PROGRESS", "2025-02-03T00:00:00Z"
    )


def test_newest_first_and_fields_round_trip() -> None:
    first, second = visit(1), visit(2, profile=None, workflow_name=None, status=None)
    assert record_visit(first) is None
    assert record_visit(second) is None
    assert load_history() == ([second, first], None)


def test_the_same_run_is_kept_once_with_its_latest_status() -> None:
    record_visit(visit(1, status="IN_PROGRESS"))
    record_visit(visit(2))
    record_visit(visit(1, status="FAILED", opened_at="2025-03-01T00:00:00Z"))
    visits, _ = load_history()
    assert [(v.instance_id, v.status) for v in visits] == [
        ("run-0001", "FAILED"),
        ("run-0002", "SUCCEEDED"),
    ]


def test_same_instance_on_another_site_is_another_entry() -> None:
    record_visit(visit(1))
    record_visit(visit(1, site="datadoghq.com"))
    assert [v.site for v in load_history()[0]] == ["datadoghq.com", "datadoghq.eu"]


def test_capped_at_max_visits_dropping_the_oldest() -> None:
    for number in range(MAX_VISITS + 25):
        assert record_visit(visit(number)) is None
    visits, warning = load_history()
    assert warning is None
    assert len(visits) == MAX_VISITS
    assert visits[0].instance_id == f"run-{MAX_VISITS + 24:04d}"
    assert visits[-1].instance_id == "run-0025"
    stored = json.loads(history_file().read_text(encoding="utf-8"))["visits"]
    assert len(stored) == MAX_VISITS


def test_a_long_field_is_cut() -> None:
    record_visit(visit(1, workflow_name="x" * (MAX_FIELD * 10)))
    name = load_history()[0][0].workflow_name
    assert name is not None and len(name) == MAX_FIELD


def test_the_file_is_private_and_written_atomically() -> None:
    record_visit(visit(1))
    assert mode(history_file()) == 0o600
    assert mode(history_file().parent) == 0o700
    history_file().chmod(0o644)
    record_visit(visit(2))
    assert mode(history_file()) == 0o600
    assert [p.name for p in history_file().parent.iterdir()] == ["history.json"]  # no temp


def test_only_the_documented_fields_are_written() -> None:
    """No field could hold a key: Visit has none, and only Visit's fields reach the file."""
    assert set(FIELDS) == DOCUMENTED
    assert {field.name for field in dataclasses.fields(Visit)} == DOCUMENTED
    record_visit(visit(1))
    record_visit(visit(2, profile=None))
    data = json.loads(history_file().read_text(encoding="utf-8"))
    assert set(data) == {"visits"}
    for entry in data["visits"]:
        assert set(entry) == DOCUMENTED


def test_unknown_top_level_entries_are_kept() -> None:
    history_file().parent.mkdir(parents=True)
    history_file().write_text(json.dumps({"visits": [], "future": [1, 2]}), encoding="utf-8")
    record_visit(visit(1))
    assert json.loads(history_file().read_text(encoding="utf-8"))["future"] == [1, 2]


def test_entries_of_the_wrong_shape_are_skipped() -> None:
    good = dataclasses.asdict(visit(1))
    entries = [
        "not an object",
        42,
        {**good, "instance_id": 7},
        {**good, "site": ""},
        {key: value for key, value in good.items() if key != "opened_at"},
        {**good, "status": ["SUCCEEDED"]},
        good,
        {**good, "workflow_name": "a duplicate, dropped"},
        {**dataclasses.asdict(visit(2)), "unknown": "ignored"},
    ]
    history_file().parent.mkdir(parents=True)
    history_file().write_text(json.dumps({"visits": entries}), encoding="utf-8")
    visits, warning = load_history()
    assert warning is None
    assert visits == [visit(1), visit(2)]
    assert aside_files() == []


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe\x00junk", "UnicodeDecodeError"),
        (b"[]", "not a JSON object"),
        (b'{"visits": {}}', '"visits" is not a list'),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_a_corrupt_file_is_set_aside_with_one_line(content: bytes, why: str) -> None:
    history_file().parent.mkdir(parents=True)
    history_file().write_bytes(content)
    visits, warning = load_history()
    assert visits == []
    assert warning is not None and "\n" not in warning
    assert why in warning
    (aside,) = aside_files()
    assert aside.name.startswith("history.json.broken-") and aside.name.endswith("Z")
    assert aside.read_bytes() == content  # never lost
    assert str(history_file()) in warning and str(aside) in warning


def test_recording_over_a_corrupt_file_warns_and_starts_afresh() -> None:
    history_file().parent.mkdir(parents=True)
    history_file().write_text("{oops", encoding="utf-8")
    warning = record_visit(visit(1))
    assert warning is not None and "not valid JSON" in warning
    (aside,) = aside_files()
    assert aside.read_text(encoding="utf-8") == "{oops"
    assert load_history() == ([visit(1)], None)


def test_set_aside_files_never_overwrite_each_other() -> None:
    history_file().parent.mkdir(parents=True)
    for text in ("first broken", "second broken", "third broken"):
        history_file().write_text(text, encoding="utf-8")
        assert load_history()[1] is not None
    kept = sorted(p.read_text(encoding="utf-8") for p in aside_files())
    assert kept == ["first broken", "second broken", "third broken"]


def test_a_folder_in_place_of_the_file_is_set_aside() -> None:
    history_file().mkdir(parents=True)
    (history_file() / "inside").write_text("kept", encoding="utf-8")
    visits, warning = load_history()
    assert visits == [] and warning is not None and "IsADirectoryError" in warning
    (aside,) = aside_files()
    assert (aside / "inside").read_text(encoding="utf-8") == "kept"
    assert record_visit(visit(1)) is None  # and the next visit is saved
    assert load_history() == ([visit(1)], None)


def test_recording_never_raises_when_nothing_can_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    path = blocker / "history.json"  # its folder is a file: nothing can be created there
    warning = record_visit(visit(1), path)
    assert warning is not None and "\n" not in warning
    assert "could not be saved" in warning


def test_a_failed_write_leaves_the_old_file_and_no_temp(monkeypatch: pytest.MonkeyPatch) -> None:
    record_visit(visit(1))
    before = history_file().read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", broken_replace)
        warning = record_visit(visit(2))
    assert warning is not None and "could not be saved" in warning
    assert history_file().read_bytes() == before
    assert [p.name for p in history_file().parent.iterdir()] == ["history.json"]


def test_an_explicit_path_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "h.json"
    record_visit(visit(1), path)
    assert load_history(path) == ([visit(1)], None)
    assert not history_file().exists()


def test_utc_now_iso_is_iso_8601_utc() -> None:
    from datetime import datetime

    stamp = utc_now_iso()
    assert stamp.endswith("Z")
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")).utcoffset() is not None
