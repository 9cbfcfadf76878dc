"""What a list of runs says, each run's line and the counts of all of them: on the real recorded
list and on odd items and metas."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.cassettes import load_interaction
from wfbrowse.run_list import RunLine, outcome_counts, run_line, total_runs


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def recorded_list() -> dict:
    return json.loads(load_interaction("test_list_workflow_instances_returns_ok_response").body)


def test_the_recorded_runs_read_as_lines() -> None:
    lines = [run_line(item) for item in recorded_list()["data"]]
    running = next(line for line in lines if line.kind == "IN_PROGRESS")
    assert running.status == "Running" and running.duration == "running"
    canceled = next(line for line in lines if line.kind == "CANCELED")
    assert canceled.status == "Canceled"
    for line in lines:
        assert line.instance_id is not None and len(line.instance_id) == 36
        assert line.start is not None and line.start.tzinfo is not None
        assert line.sources  # what started each run


@pytest.mark.parametrize(
    ("item", "line"),
    [
        (
            {"id": "a", "attributes": {
                "instanceStatus": {"detailsKind": "STEP_ERROR", "displayName": "Failed"},
                "startTimestamp": "2025-06-02T07:41:26.004517Z",
                "endTimestamp": "2025-06-02T07:41:58.663029Z",
                "source": {"monitor": {}, "api": {}},
            }},
            RunLine("a", "Failed", "STEP_ERROR", at(2025, 6, 2, 7, 41, 26, 4517), "32s",
                    ("monitor", "api")),
        ),
        # No end time and not IN_PROGRESS: no duration to tell (every other kind is an end).
        (
            {"id": "b", "attributes": {"instanceStatus": {"detailsKind": "SUCCEEDED"},
                                       "startTimestamp": "2025-06-02T07:41:26Z"}},
            RunLine("b", "SUCCEEDED", "SUCCEEDED", at(2025, 6, 2, 7, 41, 26), None, ()),
        ),
        # Running without a start time: still running.
        (
            {"id": "c", "attributes": {"instanceStatus": {"detailsKind": "IN_PROGRESS"}}},
            RunLine("c", "IN_PROGRESS", "IN_PROGRESS", None, "running", ()),
        ),
        # Another shape anywhere: that part is None, the rest is read.
        (
            {"id": 7, "attributes": {"instanceStatus": "odd", "source": ["api"],
                                     "startTimestamp": 1717000000}},
            RunLine(None, None, None, None, None, ()),
        ),
        ("not an item", RunLine(None, None, None, None, None, ())),
    ],
)  # fmt: skip
def test_a_run_line_reads_what_the_item_has(item: object, line: RunLine) -> None:
    assert run_line(item) == line


def test_the_recorded_list_tells_its_run_in_progress() -> None:
    """The real list: 2 runs, 1 canceled, the other IN_PROGRESS (counted by no outcome)."""
    body = recorded_list()
    statuses = [item["attributes"]["instanceStatus"]["detailsKind"] for item in body["data"]]
    assert sorted(statuses) == ["CANCELED", "IN_PROGRESS"]
    assert total_runs(body["meta"]) == 2
    assert outcome_counts(body["meta"]) == "0 succeeded, 0 failed, 1 canceled, 1 in progress"


@pytest.mark.parametrize(
    ("meta", "total", "told"),
    [
        (
            {"succeededCount": 1200, "failedCount": 3, "canceledCount": 0,
             "page": {"totalCount": 1203}},
            1203,
            "1,200 succeeded, 3 failed, 0 canceled",
        ),
        # A count missing: shown as unknown, and nothing worked out from the others.
        (
            {"succeededCount": 5, "canceledCount": 1, "page": {"totalCount": 9}},
            9,
            "5 succeeded, ? failed, 1 canceled",
        ),
        # Counts above the total (the server's business): nothing is made up.
        (
            {"succeededCount": 5, "failedCount": 1, "canceledCount": 1, "page": {"totalCount": 3}},
            3,
            "5 succeeded, 1 failed, 1 canceled",
        ),
        # Not numbers: unknown (a boolean is no count either).
        (
            {"succeededCount": "5", "failedCount": True, "canceledCount": None,
             "page": {"totalCount": "7"}},
            None,
            "? succeeded, ? failed, ? canceled",
        ),
        ({"page": {"totalCount": 4}}, 4, None),
        ({}, None, None),
        (None, None, None),
        (["succeededCount"], None, None),
    ],
)  # fmt: skip
def test_counts_say_what_the_meta_gives_and_no_more(meta: object, total: object, told: object):
    assert total_runs(meta) == total
    assert outcome_counts(meta) == told
