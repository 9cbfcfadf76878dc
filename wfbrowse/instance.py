"""What a workflow instance response says about its run, read defensively.

The API's schema is open and any field may be missing or of another type, so every reader
here returns None (or an empty value) instead of failing.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, NamedTuple

from wfbrowse.textsafe import escape_controls, shorten

RUNNING = "IN_PROGRESS"


def dig(value: Any, *keys: str | int) -> Any:
    """The value at `keys` (member names, list indexes) down from `value`; None wherever the
    document has no such part or another shape: server data is never assumed to have any."""
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


# NamedTuples, like the other records made before the first frame (see `wfbrowse.sites.Site`).
class RunSummary(NamedTuple):
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
    included = dig(document, "included")
    for entry in included if isinstance(included, list) else []:
        if isinstance(entry, dict) and entry.get("type") == "workflows":
            name = _text(dig(entry, "attributes", "name"))
            if name:
                return name
    return _text(dig(document, "data", "attributes", "sourceForTemplating", "name"))


def summarize(document: Any) -> RunSummary:
    """The run's headline facts, from whatever the response holds."""
    attributes = dig(document, "data", "attributes")
    status = dig(attributes, "instanceStatus")
    return RunSummary(
        workflow_id=_text(dig(document, "data", "relationships", "workflow", "data", "id")),
        instance_id=_text(dig(document, "data", "id")),
        workflow_name=_workflow_name(document),
        status_kind=_text(dig(status, "detailsKind")),
        status_name=_text(dig(status, "displayName")),
        start=parse_timestamp(dig(attributes, "startTimestamp")),
        end=parse_timestamp(dig(attributes, "endTimestamp")),
        url=_text(dig(attributes, "sourceForTemplating", "url")),
    )


# -- details for the summary panel -------------------------------------------------------------

ERROR_TEXT_LIMIT = 500  # errorDetail shown on one line; the whole of it is in the tree
TOO_BIG_FLAGS = (
    ("outputsTooBig", "outputs"),
    ("sourceTooBig", "source"),
    ("triggerTooBig", "trigger"),
)


class StepInfo(NamedTuple):
    """One entry of `stepStateAssociations`, with the action its step runs."""

    position: int  # in stepStateAssociations
    name: str
    state: str | None
    action_id: str | None


class RunDetails(NamedTuple):
    """Everything the summary panel shows, read from whatever the response holds."""

    summary: RunSummary
    started_by: str | None
    trigger_type: str | None
    steps: tuple[StepInfo, ...]
    error_detail: str | None
    failed_step: str | None
    too_big: tuple[str, ...]  # "outputs", "source", "trigger": meta flags that are true


def looks_failed(state: str | None) -> bool:
    upper = (state or "").upper()
    return "FAIL" in upper or "ERROR" in upper


def _compact(value: Any, limit: int = ERROR_TEXT_LIMIT) -> str:
    """Any JSON value on one line, escaped and cut to `limit` characters."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=repr)
        except (ValueError, TypeError, RecursionError):
            text = repr(value)
    return escape_controls(shorten(text, limit))


def _keys_text(value: Any) -> str | None:
    """The member names of an object, as "a, b"; None when there are none."""
    if not isinstance(value, dict):
        return None
    names = [escape_controls(key) for key in value if isinstance(key, str) and key]
    return ", ".join(names) or None


def _started_by(attributes: Any) -> str | None:
    initiator = dig(attributes, "sourceForTemplating", "initiator")
    found = _text(dig(initiator, "name")) or _text(dig(initiator, "email"))
    if found:
        return found
    source = dig(attributes, "source")
    if not isinstance(source, dict):
        return None
    for entry in source.values():
        user = dig(entry, "actingUser")
        found = _text(dig(user, "userName")) or _text(dig(user, "userEmail"))
        if found:
            return found
    return _keys_text(source)


def _trigger_type(attributes: Any) -> str | None:
    return (
        _text(dig(attributes, "sourceForTemplating", "type"))
        or _keys_text(dig(attributes, "source"))
        or _keys_text(dig(attributes, "trigger"))
    )


def _spec_steps(document: Any) -> list[Any]:
    """The steps of the spec version that ran: the one the instance names, else the first."""
    wanted = dig(document, "data", "relationships", "specVersion", "data", "id")
    included = dig(document, "included")
    first: list[Any] | None = None
    for entry in included if isinstance(included, list) else []:
        if not isinstance(entry, dict) or entry.get("type") != "spec_versions":
            continue
        steps = dig(entry, "attributes", "spec", "steps")
        if not isinstance(steps, list):
            continue
        if isinstance(wanted, str) and entry.get("id") == wanted:
            return steps
        if first is None:
            first = steps
    return first or []


def _action_ids(document: Any) -> dict[str, str]:
    actions: dict[str, str] = {}
    for step in _spec_steps(document):
        name, action = dig(step, "name"), _text(dig(step, "actionId"))
        if isinstance(name, str) and action and name not in actions:
            actions[name] = action
    return actions


def _steps(document: Any, attributes: Any) -> tuple[StepInfo, ...]:
    entries = dig(attributes, "stepStateAssociations")
    if not isinstance(entries, list):
        return ()
    actions = _action_ids(document)
    steps = []
    for index, entry in enumerate(entries):
        if isinstance(entry, dict):
            raw_name = entry.get("stepName")
            state = entry.get("stepState")
        else:
            raw_name, state = entry, None
        if isinstance(raw_name, str):
            name = escape_controls(shorten(raw_name, ERROR_TEXT_LIMIT)) or '""'
        else:
            name = "—" if raw_name is None else _compact(raw_name, 80)
        action = actions.get(raw_name) if isinstance(raw_name, str) else None
        state_text = None if state is None else _compact(state, 80)
        steps.append(StepInfo(index, name, state_text, action))
    return tuple(steps)


def _error_detail(value: Any) -> str | None:
    if value is None or value == "" or value == {}:
        return None
    if isinstance(value, dict):
        step, message = dig(value, "stepName"), dig(value, "message")
        if isinstance(message, str) and message:
            text = f"{step}: {message}" if isinstance(step, str) and step else message
            return _compact(text)
    return _compact(value)


def _failed_step(error: Any, steps: tuple[StepInfo, ...]) -> str | None:
    named = _text(dig(error, "stepName"))
    if named:
        return named
    return next((step.name for step in steps if looks_failed(step.state)), None)


def details(document: Any) -> RunDetails:
    """The run's headline facts, its steps, its error and its warnings; never raises."""
    attributes = dig(document, "data", "attributes")
    steps = _steps(document, attributes)
    error = dig(attributes, "errorDetail")
    meta = dig(document, "meta")
    return RunDetails(
        summary=summarize(document),
        started_by=_started_by(attributes),
        trigger_type=_trigger_type(attributes),
        steps=steps,
        error_detail=_error_detail(error),
        failed_step=_failed_step(error, steps),
        too_big=tuple(name for key, name in TOO_BIG_FLAGS if dig(meta, key) is True),
    )
