"""The counts a list of runs says of all of them, on the real recorded list and on odd metas."""

from __future__ import annotations

import json

import pytest

from tests.cassettes import load_interaction
from wfbrowse.run_counts import outcome_counts, total_runs


def test_the_recorded_list_tells_its_run_in_progress() -> None:
    """The real list: 2 runs, 1 canceled, the other IN_PROGRESS (counted by no outcome)."""
    body = json.loads(load_interaction("test_list_workflow_instances_returns_ok_response").body)
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
