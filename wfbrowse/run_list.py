"""What the list of a workflow's runs says: each run's line (`run_line`), and of all of them
(the list's `meta`) how many there are and how they ended. Shared by `wfbrowse list` and the
app's runs screen, which each lay them out their own way. Strings are as the server sent
them: each caller escapes what it shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from wfbrowse.instance import RUNNING, dig, format_duration, parse_timestamp


class RunLine(NamedTuple):  # a NamedTuple: made for every run listed (see `wfbrowse.sites.Site`)
    """One listed run, read leniently: any part the item lacks, or has in another shape, is None."""

    instance_id: str | None
    status: str | None  # its display name ("Succeeded"), else its kind
    kind: str | None  # detailsKind: IN_PROGRESS, SUCCEEDED, STEP_ERROR...
    start: datetime | None
    duration: str | None  # "8.4s"; "running" while IN_PROGRESS; None when not known
    sources: tuple[str, ...]  # what started it: the keys of `source` ("monitor", "api"...)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def run_line(item: Any) -> RunLine:
    """A list item (`data[]` of the list endpoint) as a run's line."""
    attributes = dig(item, "attributes")
    kind = _string(dig(attributes, "instanceStatus", "detailsKind"))
    start = parse_timestamp(dig(attributes, "startTimestamp"))
    end = parse_timestamp(dig(attributes, "endTimestamp"))
    if start is not None and end is not None:
        duration: str | None = format_duration((end - start).total_seconds())
    else:
        # Only IN_PROGRESS is still going (the API's other kinds are all ends): a run
        # without an end time and another kind has no duration to tell.
        duration = "running" if kind == RUNNING else None
    source = dig(attributes, "source")
    return RunLine(
        instance_id=_string(dig(item, "id")),
        status=_string(dig(attributes, "instanceStatus", "displayName")) or kind,
        kind=kind,
        start=start,
        duration=duration,
        sources=tuple(str(key) for key in source) if isinstance(source, dict) else (),
    )


# The outcomes the list counts, in the order they are told.
OUTCOMES = (
    ("succeededCount", "succeeded"),
    ("failedCount", "failed"),
    ("canceledCount", "canceled"),
)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def total_runs(meta: Any) -> int | None:
    """`meta.page.totalCount`: every run of the workflow, not only this page's."""
    return _count(dig(meta, "page", "totalCount"))


def outcome_counts(meta: Any) -> str | None:
    """ "105 succeeded, 20 failed, 8 canceled, 1 in progress", or None when `meta` counts none.

    The list counts three outcomes only; the runs it leaves out of them are the ones that have
    not ended (in a recorded list of 2 runs, 1 canceled, the other was IN_PROGRESS), told when
    every count is there to tell them by.
    """
    if not isinstance(meta, dict) or not any(key in meta for key, _ in OUTCOMES):
        return None
    counts = [_count(meta.get(key)) for key, _ in OUTCOMES]
    parts = [
        f"{'?' if count is None else f'{count:,}'} {what}"
        for count, (_, what) in zip(counts, OUTCOMES, strict=True)
    ]
    total = total_runs(meta)
    known = [count for count in counts if count is not None]
    if total is not None and len(known) == len(OUTCOMES) and total > sum(known):
        parts.append(f"{total - sum(known):,} in progress")
    return ", ".join(parts)
