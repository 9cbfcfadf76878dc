"""The runs opened before, newest first, in a JSON file in the platform's data folder.

Each entry says where a run lives and what it was last seen doing; keys never go into it
(`Visit` has no field that could hold one, and only its fields are written). The file's shape:

    {"visits": [{"site": "datadoghq.eu", "profile": "work", "workflow_id": "…",
                 "workflow_name": "Nightly export", "instance_id": "…",
                 "status": "SUCCEEDED", "opened_at": "2025-01-31T12:00:00Z"}, …]}

Any other top-level entry is kept as it is. The list is bounded (`MAX_VISITS`) and holds one
entry per run. A file that cannot be read is renamed aside, never deleted or overwritten, and
the history starts afresh; entries of a shape this version does not know are skipped.

platformdirs is imported on first use: the command line's fast paths never need it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wfbrowse.privatefiles import set_aside_with_warning, write_json

__all__ = [
    "FIELDS",
    "MAX_FIELD",
    "MAX_VISITS",
    "Visit",
    "history_file",
    "load_history",
    "record_visit",
    "utc_now_iso",
]

APP_NAME = "wfbrowse"
HISTORY_NAME = "history.json"
MAX_VISITS = 200
MAX_FIELD = 1024  # characters kept of any one field: the file stays small whatever it is fed

_VISITS = "visits"


def history_file() -> Path:
    """$XDG_DATA_HOME/wfbrowse/history.json on Linux."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / HISTORY_NAME


def utc_now_iso() -> str:
    """The current time as `opened_at` holds it: ISO 8601, UTC, whole seconds."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Visit:
    """One opened run. Nothing here is secret: every field may be shown and written."""

    site: str
    profile: str | None
    workflow_id: str
    workflow_name: str | None
    instance_id: str
    status: str | None  # the run's last known status kind, e.g. "IN_PROGRESS"
    opened_at: str  # ISO 8601 UTC

    @property
    def identity(self) -> tuple[str, str, str]:
        """Two visits of the same run on the same site share this; the history keeps one."""
        return (self.site, self.workflow_id, self.instance_id)


_REQUIRED = ("site", "workflow_id", "instance_id", "opened_at")
_OPTIONAL = ("profile", "workflow_name", "status")
FIELDS = tuple(item.name for item in fields(Visit))


class _BadShape(ValueError):
    """The file is JSON but not a history this version understands."""


def _bounded(value: str | None) -> str | None:
    return None if value is None else value[:MAX_FIELD]


def _visit_from_json(entry: Any) -> Visit | None:
    """The visit an entry describes, or None when it is not one (it is then skipped)."""
    if not isinstance(entry, dict):
        return None
    values: dict[str, str | None] = {}
    for name in _REQUIRED:
        value = entry.get(name)
        if not isinstance(value, str) or not value:
            return None
        values[name] = value[:MAX_FIELD]
    for name in _OPTIONAL:
        value = entry.get(name)
        if value is not None and not isinstance(value, str):
            return None
        values[name] = _bounded(value)
    return Visit(**values)  # type: ignore[arg-type]  # required ones checked above


def _parse(data: Any) -> tuple[list[Visit], dict[str, Any]]:
    if not isinstance(data, dict):
        raise _BadShape("not a JSON object")
    raw = data.get(_VISITS, [])
    if not isinstance(raw, list):
        raise _BadShape(f'"{_VISITS}" is not a list')
    extra = {key: value for key, value in data.items() if key != _VISITS}
    visits: list[Visit] = []
    seen: set[tuple[str, str, str]] = set()
    for entry in raw:
        visit = _visit_from_json(entry)
        if visit is None or visit.identity in seen:
            continue
        seen.add(visit.identity)
        visits.append(visit)
        if len(visits) >= MAX_VISITS:
            break
    return visits, extra


def _to_json(visits: list[Visit], extra: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = dict(extra)
    # Only the fields of Visit are written: nothing else can reach the file from here.
    data[_VISITS] = [asdict(visit) for visit in visits]
    return data


def _warn_and_set_aside(file: Path, why: str) -> str:
    return set_aside_with_warning(file, "history", why)


def _load(file: Path) -> tuple[list[Visit], dict[str, Any], str | None]:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], {}, None
    except (OSError, UnicodeDecodeError) as error:
        return [], {}, _warn_and_set_aside(file, type(error).__name__)
    try:
        visits, extra = _parse(json.loads(text))
    except _BadShape as error:
        return [], {}, _warn_and_set_aside(file, str(error))
    except (ValueError, RecursionError):  # not JSON, a number too long, or absurdly deep
        return [], {}, _warn_and_set_aside(file, "not valid JSON")
    return visits, extra, None


def load_history(path: Path | None = None) -> tuple[list[Visit], str | None]:
    """The visits, newest first, and a one-line warning when the file had to be set aside.

    A missing file is an empty history. A file that cannot be read or understood is kept
    under another name (named in the warning) and the history starts empty.
    """
    visits, _extra, warning = _load(history_file() if path is None else path)
    return visits, warning


def record_visit(visit: Visit, path: Path | None = None) -> str | None:
    """Put `visit` first, dropping any older entry of the same run, and save.

    Returns a one-line warning when the old file had to be set aside or the new one could
    not be written; problems with the file never raise.
    """
    try:
        file = history_file() if path is None else path
    except OSError as error:  # no home folder to put the data folder in
        return f"the history could not be saved ({type(error).__name__})"
    visits, extra, warning = _load(file)
    visit = Visit(
        site=visit.site[:MAX_FIELD],
        profile=_bounded(visit.profile),
        workflow_id=visit.workflow_id[:MAX_FIELD],
        workflow_name=_bounded(visit.workflow_name),
        instance_id=visit.instance_id[:MAX_FIELD],
        status=_bounded(visit.status),
        opened_at=visit.opened_at[:MAX_FIELD],
    )
    kept = [visit] + [old for old in visits if old.identity != visit.identity]
    try:
        _write(file, _to_json(kept[:MAX_VISITS], extra))
    except (OSError, ValueError, TypeError) as error:
        failure = f"the history could not be saved to {file} ({type(error).__name__})"
        return failure if warning is None else f"{warning}; {failure}"
    return warning


def _write(file: Path, data: dict[str, Any]) -> None:
    write_json(file, data, indent=1)
