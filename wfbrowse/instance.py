"""What a workflow instance response says about its run, read defensively.

The API's schema is open and any field may be missing or of another type, so every reader
here returns None (or an empty value) instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from wfbrowse.textsafe import escape_controls

RUNNING = "IN_PROGRESS"


def _dig(value: Any, *keys: str | int) -> Any:
    for key in keys:
        if isinstance(key, int):
            if not isinstance(value, list) or not -len(value) <= key < len(value):
                return None
        elif not isinstance(value, dict):
            return None
        value = value[key] if isinstance(key, int) else value.get(key)
    return value


def _text(value: Any) -> str | None:
    return escape_controls(value) if isinstance(value, str) and value else None


def parse_timestamp(value: Any) -> datetime | None:
    """RFC 3339 with `Z` and any number of fractional digits (6 and 5 are both seen).

    The result is always in UTC; a time without a zone is taken as UTC.
    """
    if not isinstance(value, str):
        return None
    # Checked against a pattern first: Python 3.11's fromisoformat lets stray text through
    # after the fraction ("…58.12.34Z"), and 3.10's wants exactly 3 or 6 fraction digits.
    match = _TIMESTAMP.fullmatch(value.strip())
    if match is None:
        return None
    date, time, fraction, zone = match.groups()
    fraction = ((fraction or "") + "000000")[:6]
    if zone is None or zone in ("Z", "z"):
        zone = "+00:00"
    elif ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:] or '00'}"
    try:
        parsed = datetime.fromisoformat(f"{date}T{time}.{fraction}{zone}")
        return parsed.astimezone(timezone.utc)  # shown as UTC, so held as UTC
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved across midnight
        return None


_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)


def format_duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    # Truncate, never round up: 59.7 s is "59s", not "60s" (the next step is "1m 00s").
    if seconds < 10:
        return f"{int(seconds * 10) / 10:.1f}s"
    if seconds < 60:
        return f"{int(seconds)}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours:02d}h"


def format_time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "—"


@dataclass(frozen=True)
class RunSummary:
    workflow_id: str | None
    instance_id: str | None
    workflow_name: str | None
    status_kind: str | None  # detailsKind, e.g. SUCCEEDED; None when absent
    status_name: str | None  # displayName, e.g. "Succeeded"
    start: datetime | None
    end: datetime | None
    url: str | None

    @property
    def is_running(self) -> bool:
        return self.status_kind == RUNNING

    def duration(self, now: datetime | None = None) -> float | None:
        if self.start is None:
            return None
        end = self.end
        if end is None and self.is_running:
            end = now or datetime.now(timezone.utc)
        return (end - self.start).total_seconds() if end else None

    @property
    def status_label(self) -> str:
        return self.status_name or self.status_kind or "unknown status"

    def one_line(self, now: datetime | None = None) -> str:
        duration = self.duration(now)
        parts = [
            self.workflow_name or self.workflow_id or "unnamed workflow",
            self.status_label,
            f"started {format_time(self.start)}",
        ]
        if duration is not None:
            parts.append(
                ("running for " if self.end is None else "took ") + format_duration(duration)
            )
        return " · ".join(parts)


def _workflow_name(document: Any) -> str | None:
    included = _dig(document, "included")
    for entry in included if isinstance(included, list) else []:
        if isinstance(entry, dict) and entry.get("type") == "workflows":
            name = _text(_dig(entry, "attributes", "name"))
            if name:
                return name
    return _text(_dig(document, "data", "attributes", "sourceForTemplating", "name"))


def summarize(document: Any) -> RunSummary:
    """The run's headline facts, from whatever the response holds."""
    attributes = _dig(document, "data", "attributes")
    status = _dig(attributes, "instanceStatus")
    return RunSummary(
        workflow_id=_text(_dig(document, "data", "relationships", "workflow", "data", "id")),
        instance_id=_text(_dig(document, "data", "id")),
        workflow_name=_workflow_name(document),
        status_kind=_text(_dig(status, "detailsKind")),
        status_name=_text(_dig(status, "displayName")),
        start=parse_timestamp(_dig(attributes, "startTimestamp")),
        end=parse_timestamp(_dig(attributes, "endTimestamp")),
        url=_text(_dig(attributes, "sourceForTemplating", "url")),
    )
