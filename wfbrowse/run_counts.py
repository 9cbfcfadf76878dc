"""What the list of a workflow's runs says of all of them (its `meta`): how many there are and
how they ended. Shared by `wfbrowse list` and the app's runs screen."""

from __future__ import annotations

from typing import Any

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
    page = meta.get("page") if isinstance(meta, dict) else None
    return _count(page.get("totalCount")) if isinstance(page, dict) else None


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
