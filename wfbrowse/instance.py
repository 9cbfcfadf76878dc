"""What a workflow instance response says about its run, read defensively.

The API's schema is open and any field may be missing or of another type, so every reader
here returns None (or an empty value) instead of failing.
"""

from __future__ import annotations

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
    """RFC 3339 with `Z` and any number of fractional digits (6 and 5 are both seen)."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if "." in text:
        # Python 3.10's fromisoformat wants exactly 3 or 6 fractional digits.
        head, _, rest = text.partition(".")
        digits = "".join(ch for ch in rest if ch.isdigit())
        zone = rest[len(digits) :]
        text = f"{head}.{(digits + '000000')[:6]}{zone}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f}s" if seconds < 10 else f"{seconds:.0f}s"
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
    for entry in _dig(document, "included") or []:
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
