from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.cassettes import INST, WF, load_interaction
from wfbrowse.demo import catalog
from wfbrowse.instance import (
    RunDetails,
    RunSummary,
    StepInfo,
    details,
    format_duration,
    format_time,
    parse_timestamp,
    summarize,
)

UTC = timezone.utc
RUN_URL = f"https://app.datadoghq.com/workflow/{WF}?instance={INST}"


@pytest.fixture(scope="module")
def recorded() -> Any:
    interaction = load_interaction("test_get_a_workflow_instance_returns_ok_response")
    return json.loads(interaction.body)


# -- the recorded instance ---------------------------------------------------------------------


def test_summary_of_the_recorded_instance(recorded):
    summary = summarize(recorded)
    assert summary == RunSummary(
        workflow_id=WF,
        instance_id=INST,
        workflow_name="Max Jul 24 2024 02:38",
        status_kind="CANCELED",
        status_name="Canceled",
        start=datetime(2024, 7, 24, 18, 38, 31, 326418, tzinfo=UTC),
        end=datetime(2024, 7, 24, 18, 39, 58, 219283, tzinfo=UTC),
        url=RUN_URL,
    )
    assert summary.start is not None
    assert summary.start.utcoffset() == timedelta(0)
    assert summary.is_running is False
    assert summary.status_label == "Canceled"


def test_recorded_instance_duration_and_line(recorded):
    summary = summarize(recorded)
    later = datetime(2030, 1, 1, tzinfo=UTC)
    assert summary.duration() == pytest.approx(86.892865)
    assert summary.duration(now=later) == pytest.approx(86.892865)  # finished: `now` is unused
    assert summary.one_line() == (
        "Max Jul 24 2024 02:38 · Canceled · started 2024-07-24 18:38:31 UTC · took 1m 26s"
    )


def test_workflow_name_prefers_the_included_workflow(recorded):
    document = json.loads(json.dumps(recorded))
    document["data"]["attributes"]["sourceForTemplating"]["name"] = "from templating"
    assert summarize(document).workflow_name == "Max Jul 24 2024 02:38"
    document["included"] = [entry for entry in document["included"] if entry["type"] != "workflows"]
    assert summarize(document).workflow_name == "from templating"
    del document["data"]["attributes"]["sourceForTemplating"]
    summary = summarize(document)
    assert summary.workflow_name is None
    assert summary.url is None
    assert summary.one_line().startswith(f"{WF} · Canceled · started ")
    document["data"]["relationships"] = None
    assert summarize(document).one_line().startswith("unnamed workflow · Canceled · started ")


# -- documents that are not what the schema says ----------------------------------------------

EMPTY = RunSummary(None, None, None, None, None, None, None, None)


@pytest.mark.parametrize(
    "document",
    [
        None,
        42,
        "a string",
        [],
        [{"data": {}}],
        {},
        {"data": None},
        {"data": "instances"},
        {"data": []},
        {"data": {"attributes": "a string"}},
        {"data": {"attributes": ["a", "list"]}},
        {"data": {"attributes": None, "relationships": 5}},
        {"data": {"relationships": {"workflow": "x"}}},
        {"data": {"relationships": {"workflow": {"data": ["x"]}}}},
        {"included": 7},
        {"included": True},
        {"included": 3.5},
        {"included": "workflows"},
        {"included": {"type": "workflows", "attributes": {"name": "not in a list"}}},
        {
            "included": [
                None,
                1,
                "x",
                [],
                {"type": "workflows"},
                {"type": "workflows", "attributes": 3},
            ]
        },
        {"included": [{"type": "workflows", "attributes": {"name": ""}}]},
        {"included": [{"type": "workflows", "attributes": {"name": 12}}]},
        {"data": {"attributes": {"instanceStatus": 3}}},
        {"data": {"attributes": {"instanceStatus": "SUCCEEDED"}}},
        {"data": {"attributes": {"instanceStatus": ["SUCCEEDED"]}}},
        {"data": {"attributes": {"instanceStatus": {"detailsKind": 1, "displayName": False}}}},
        {"data": {"attributes": {"startTimestamp": 1721846311, "endTimestamp": None}}},
        {"data": {"attributes": {"startTimestamp": "yesterday", "endTimestamp": ""}}},
        {"data": {"id": 12, "attributes": {"sourceForTemplating": "nope"}}},
        {"data": {"id": "", "attributes": {"sourceForTemplating": {"url": ["x"], "name": {}}}}},
    ],
)
def test_anything_malformed_gives_empty_fields(document):
    summary = summarize(document)
    assert summary == EMPTY
    assert summary.duration() is None
    assert summary.status_label == "unknown status"
    assert summary.one_line() == "unnamed workflow · unknown status · started —"


def test_included_workflow_name_found_among_junk():
    document = {
        "included": [
            None,
            {"type": "spec_versions", "attributes": {"name": "not this"}},
            {"type": "workflows", "attributes": "broken"},
            {"type": "workflows", "attributes": {"name": "the name"}},
        ]
    }
    assert summarize(document).workflow_name == "the name"


def test_partial_fields_are_kept():
    document = {
        "data": {
            "id": INST,
            "attributes": {"instanceStatus": {"detailsKind": "SUCCEEDED"}},
            "relationships": {"workflow": {"data": {"id": WF}}},
        }
    }
    summary = summarize(document)
    assert summary == RunSummary(WF, INST, None, "SUCCEEDED", None, None, None, None)
    assert summary.status_label == "SUCCEEDED"
    assert summary.one_line() == f"{WF} · SUCCEEDED · started —"


def instance(status: Any, start: Any = None, end: Any = None) -> dict[str, Any]:
    attributes: dict[str, Any] = {"instanceStatus": status}
    if start is not None:
        attributes["startTimestamp"] = start
    if end is not None:
        attributes["endTimestamp"] = end
    return {
        "data": {"id": INST, "attributes": attributes},
        "included": [{"type": "workflows", "attributes": {"name": "Nightly"}}],
    }


def test_running_instance_counts_up_to_now():
    document = instance(
        {"detailsKind": "IN_PROGRESS", "displayName": "Running"}, start="2024-07-24T18:38:31Z"
    )
    summary = summarize(document)
    assert summary.is_running is True
    assert summary.end is None
    now = datetime(2024, 7, 24, 18, 40, 1, 500000, tzinfo=UTC)
    assert summary.duration(now) == 90.5
    assert summary.duration(now + timedelta(hours=2)) == 7290.5
    assert summary.one_line(now) == (
        "Nightly · Running · started 2024-07-24 18:38:31 UTC · running for 1m 30s"
    )
    real = summary.duration()
    assert real is not None
    assert real > 0  # without `now`, the clock


def test_running_without_a_start_has_no_duration():
    summary = summarize(instance({"detailsKind": "IN_PROGRESS"}))
    assert summary.duration(datetime(2024, 1, 1, tzinfo=UTC)) is None
    assert summary.one_line() == "Nightly · IN_PROGRESS · started —"


def test_finished_instance_without_an_end_has_no_duration():
    summary = summarize(instance({"detailsKind": "SUCCEEDED"}, start="2024-07-24T18:38:31Z"))
    assert summary.is_running is False
    assert summary.duration(datetime(2024, 7, 24, 19, 0, tzinfo=UTC)) is None
    assert summary.one_line() == "Nightly · SUCCEEDED · started 2024-07-24 18:38:31 UTC"


def test_unknown_status_is_shown_as_it_comes():
    summary = summarize(instance({"detailsKind": "PAUSED_FOR_APPROVAL"}))
    assert summary.status_kind == "PAUSED_FOR_APPROVAL"
    assert summary.status_label == "PAUSED_FOR_APPROVAL"
    assert summary.is_running is False
    summary = summarize(instance({"detailsKind": "WEIRD", "displayName": "Weird state"}))
    assert summary.status_label == "Weird state"
    summary = summarize(instance({"displayName": "Only a display name"}))
    assert summary.status_kind is None
    assert summary.status_label == "Only a display name"


def test_server_text_is_escaped():
    document = instance({"detailsKind": "X\x1b[2J", "displayName": "\u202eLIVE"})
    document["included"][0]["attributes"]["name"] = "evil\x1b]52;c;aGk=\x07name"
    summary = summarize(document)
    assert summary.workflow_name == "evil\\x1b]52;c;aGk=\\x07name"
    assert summary.status_kind == "X\\x1b[2J"
    assert summary.status_name == "\\u202eLIVE"


def test_status_int_and_ended_run():
    document = instance(5, start="2024-07-24T18:38:31.5Z", end="2024-07-24T18:38:33.75Z")
    summary = summarize(document)
    assert summary.status_kind is None
    assert summary.status_label == "unknown status"
    assert summary.duration() == 2.25
    assert summary.one_line() == (
        "Nightly · unknown status · started 2024-07-24 18:38:31 UTC · took 2.2s"
    )


# -- timestamps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-24T18:39:58.219283Z", datetime(2024, 7, 24, 18, 39, 58, 219283, tzinfo=UTC)),
        ("2024-07-24T18:39:58.21928Z", datetime(2024, 7, 24, 18, 39, 58, 219280, tzinfo=UTC)),
        ("2024-07-24T18:39:58.2192Z", datetime(2024, 7, 24, 18, 39, 58, 219200, tzinfo=UTC)),
        ("2024-07-24T18:39:58.219Z", datetime(2024, 7, 24, 18, 39, 58, 219000, tzinfo=UTC)),
        ("2024-07-24T18:39:58.2Z", datetime(2024, 7, 24, 18, 39, 58, 200000, tzinfo=UTC)),
        ("2024-07-24T18:39:58Z", datetime(2024, 7, 24, 18, 39, 58, tzinfo=UTC)),
        ("2024-07-24T18:39:58z", datetime(2024, 7, 24, 18, 39, 58, tzinfo=UTC)),
        ("2024-07-24T18:39:58.123456789Z", datetime(2024, 7, 24, 18, 39, 58, 123456, tzinfo=UTC)),
        # Without a zone: taken as UTC, which is what the API always means.
        ("2024-07-24T18:39:58.21928", datetime(2024, 7, 24, 18, 39, 58, 219280, tzinfo=UTC)),
        ("2024-07-24T18:39:58", datetime(2024, 7, 24, 18, 39, 58, tzinfo=UTC)),
        ("2024-07-24T18:39:58+00:00", datetime(2024, 7, 24, 18, 39, 58, tzinfo=UTC)),
        ("  2024-07-24T18:39:58Z\n", datetime(2024, 7, 24, 18, 39, 58, tzinfo=UTC)),
        # An offset is honoured and the result is held in UTC; the offset's digits are not
        # taken for more fraction digits.
        ("2024-07-24T20:39:58.21928+02:00", datetime(2024, 7, 24, 18, 39, 58, 219280, tzinfo=UTC)),
        ("2024-07-24T20:39:58.219+02:00", datetime(2024, 7, 24, 18, 39, 58, 219000, tzinfo=UTC)),
        ("2024-07-24T13:09:58.1-05:30", datetime(2024, 7, 24, 18, 39, 58, 100000, tzinfo=UTC)),
        ("2024-07-24T20:39:58+02:00", datetime(2024, 7, 24, 18, 39, 58, tzinfo=UTC)),
        ("2024-07-24T20:39:58+0200", datetime(2024, 7, 24, 18, 39, 58, tzinfo=UTC)),
        ("2024-07-24T20:39:58+02", datetime(2024, 7, 24, 18, 39, 58, tzinfo=UTC)),
        ("2024-07-24t18:39:58.5z", datetime(2024, 7, 24, 18, 39, 58, 500000, tzinfo=UTC)),
        ("2024-07-24 18:39:58.5Z", datetime(2024, 7, 24, 18, 39, 58, 500000, tzinfo=UTC)),
        ("2024-07-25T00:09:58+05:30", datetime(2024, 7, 24, 18, 39, 58, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(text, expected):
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo is not None
    assert parsed.utcoffset() == timedelta(0)
    assert format_time(parsed) == expected.strftime("%Y-%m-%d %H:%M:%S UTC")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "garbage",
        "2024-13-01T00:00:00Z",
        "2024-07-24T25:00:00Z",
        "2024-07-24T18:39:58.12.34Z",  # Python 3.11's fromisoformat alone takes this one
        "2024-07-24T18:39:58.Z",
        "2024-07-24T18:39Z",
        "2024-07-24",
        "18:39:58Z",
        "2024-07-24T18:39:58+2:00",
        "2024-07-24T18:39:58 Z",
        "2024-07-24T18:39:58.5Z 2024-07-24T18:39:58.5Z",
        "2024-07-24T18:39:58.²Z",  # a digit to str.isdigit, not to RFC 3339
        "2024-07-24T18:39:58.\u0661\u0662Z",  # Arabic-Indic digits
        "2024-07-24T18:39:58.5Zjunk",
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-01:00",  # after year 9999 in UTC
        1721846311,
        1721846311.5,
        ["2024-07-24T18:39:58Z"],
        {"t": "2024-07-24T18:39:58Z"},
        b"2024-07-24T18:39:58Z",
    ],
)
def test_parse_timestamp_garbage(value):
    assert parse_timestamp(value) is None


def test_format_time():
    assert format_time(None) == "—"
    moment = datetime(2024, 7, 4, 8, 9, 5, 999999, tzinfo=UTC)
    assert format_time(moment) == "2024-07-04 08:09:05 UTC"


# -- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (-5, "0.0s"),
        (0, "0.0s"),
        (0.04, "0.0s"),
        (0.25, "0.2s"),
        (2.25, "2.2s"),
        (9.94, "9.9s"),
        (9.99, "9.9s"),  # never "10.0s"
        (10, "10s"),
        (10.9, "10s"),
        (42.5, "42s"),
        (59.4, "59s"),
        (59.99, "59s"),  # never "60s"
        (60, "1m 00s"),
        (86.892865, "1m 26s"),
        (90.5, "1m 30s"),
        (3599.9, "59m 59s"),
        (3600, "1h 00m"),
        (3600 * 5 + 60 * 7 + 59, "5h 07m"),
        (3600 * 47 + 60 * 59 + 59, "47h 59m"),
        (3600 * 48, "2d 00h"),
        (86400 * 3 + 3600 * 5 + 1, "3d 05h"),
        (86400 * 400, "400d 00h"),
    ],
)
def test_format_duration(seconds, expected):
    assert format_duration(seconds) == expected


# -- details: who, how, steps, errors, warnings ------------------------------------------------


def test_details_of_the_recorded_instance(recorded):
    run = details(recorded)
    assert run == RunDetails(
        summary=summarize(recorded),
        started_by="Max Gale",
        trigger_type="manual",
        steps=(StepInfo(0, "Sleep", "CANCELED", "com.datadoghq.core.sleep"),),
        error_detail=None,
        failed_step=None,
        too_big=(),
    )


def fetch_demo(server: Any, workflow_id: str, instance_id: str) -> Any:
    url = f"{server.url}/api/v2/workflows/{workflow_id}/instances/{instance_id}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


TRIAGE_ACTIONS = (
    "com.datadoghq.dd.monitor.getMonitor",
    "com.datadoghq.http.request",
    "com.datadoghq.datatransformation.func",
    "com.datadoghq.slack.send_simple_message",
)


def test_details_of_the_demo_runs(demo_server):
    wf = catalog.DEMO_WORKFLOW_ID
    succeeded = details(fetch_demo(demo_server, wf, catalog.SUCCEEDED_INSTANCE_ID))
    assert succeeded.summary.status_kind == "SUCCEEDED"
    assert succeeded.started_by == "Priya Raman"
    assert succeeded.trigger_type == "monitor"
    assert [step.state for step in succeeded.steps] == ["COMPLETED"] * 4
    assert tuple(step.action_id for step in succeeded.steps) == TRIAGE_ACTIONS
    assert [step.position for step in succeeded.steps] == [0, 1, 2, 3]
    assert (succeeded.error_detail, succeeded.failed_step, succeeded.too_big) == (None, None, ())

    failed = details(fetch_demo(demo_server, wf, catalog.FAILED_INSTANCE_ID))
    assert failed.summary.status_kind == "STEP_ERROR"
    assert failed.failed_step == "Fetch_recent_deploys"
    assert failed.error_detail is not None
    assert failed.error_detail.startswith(
        "Fetch_recent_deploys: Request failed with status code 503"
    )
    assert failed.steps[-1] == StepInfo(
        1, "Fetch_recent_deploys", "FAILED", "com.datadoghq.http.request"
    )

    canceled = details(fetch_demo(demo_server, wf, catalog.CANCELED_INSTANCE_ID))
    assert canceled.summary.status_kind == "CANCELED"
    assert canceled.started_by == "Tomás Herrera"
    assert canceled.trigger_type == "manual"
    assert [step.state for step in canceled.steps] == ["COMPLETED", "CANCELED"]
    assert canceled.failed_step is None

    running = details(fetch_demo(demo_server, wf, catalog.RUNNING_INSTANCE_ID))
    assert running.summary.is_running
    assert running.summary.end is None
    assert running.trigger_type == "api"
    start = running.summary.start
    assert start is not None
    assert running.summary.duration(start + timedelta(seconds=5)) == 5
    assert {step.state for step in running.steps} <= {"COMPLETED", "RUNNING", "PENDING"}
    assert all(step.action_id for step in running.steps)

    large = details(fetch_demo(demo_server, catalog.EXPORT_WORKFLOW_ID, catalog.LARGE_INSTANCE_ID))
    assert large.started_by == "ci-bot"
    assert large.trigger_type == "schedule"
    assert large.too_big == ()  # this one came whole
    assert [step.name for step in large.steps] == [
        "List_hosts",
        "Enrich_with_tags",
        "Upload_report",
    ]

    tricky = details(
        fetch_demo(demo_server, catalog.WEBHOOK_WORKFLOW_ID, catalog.TRICKY_INSTANCE_ID)
    )
    assert tricky.trigger_type == "api"
    assert tricky.summary.workflow_name == "Echo partner webhook"
    assert all(step.action_id for step in tricky.steps)


def test_every_demo_run_in_the_catalog_gives_details():
    """Every run the catalog holds, the generated history included (some too big)."""
    flags = set()
    for runs in catalog._all_static_runs().values():
        for run in runs.values():
            if run.instance_id == catalog.LARGE_INSTANCE_ID:
                continue  # 5 MB: fetched whole in the test above
            result = details(run.document())
            assert result.summary.status_kind == run.status
            assert len(result.steps) == len(run.step_states)
            assert all(step.action_id for step in result.steps)
            flags.update(result.too_big)
            if run.status == "STEP_ERROR":
                assert result.error_detail
                assert result.failed_step == run.step_states[-1][0]
    assert flags == {"outputs"}


# A document's interesting fields, each given in the wrong shape.
MISTYPED = [
    {"data": {"attributes": {"stepStateAssociations": "Sleep"}}},
    {"data": {"attributes": {"stepStateAssociations": {"stepName": "Sleep"}}}},
    {"data": {"attributes": {"sourceForTemplating": {"initiator": "Max", "type": 3}}}},
    {"data": {"attributes": {"sourceForTemplating": [], "source": "manual", "trigger": 5}}},
    {"data": {"attributes": {"source": {"manual": "x"}, "trigger": {"": {}}}}},
    {"data": {"attributes": {"source": {"manual": {"actingUser": {"userName": 7}}}}}},
    {"data": {"attributes": {"errorDetail": None}}},
    {"data": {"attributes": {"errorDetail": {}}}},
    {"included": [{"type": "spec_versions", "attributes": {"spec": {"steps": "x"}}}]},
    {"included": [{"type": "spec_versions", "attributes": {"spec": [1]}}]},
    {"meta": {"outputsTooBig": "true", "sourceTooBig": 1, "triggerTooBig": None}},
    {"meta": ["outputsTooBig"]},
]


@pytest.mark.parametrize("document", MISTYPED)
def test_mistyped_fields_give_empty_details(document):
    run = details(document)
    assert run.steps == ()
    assert run.error_detail is None
    assert run.failed_step is None
    assert run.too_big == ()


@pytest.mark.parametrize("document", [None, 3, "x", [], {}, {"data": []}])
def test_not_a_document_gives_empty_details(document):
    run = details(document)
    assert run == RunDetails(EMPTY, None, None, (), None, None, ())


def test_source_kind_is_the_fallback_for_who_and_how():
    attributes: dict[str, Any] = {"source": {"monitor": {"monitorId": 12}}}
    run = details({"data": {"attributes": attributes}})
    assert (run.started_by, run.trigger_type) == ("monitor", "monitor")
    attributes["source"] = {"api": {"actingUser": {"userEmail": "a@example.com"}}}
    run = details({"data": {"attributes": attributes}})
    assert (run.started_by, run.trigger_type) == ("a@example.com", "api")
    attributes["sourceForTemplating"] = {"initiator": {"email": "b@example.com"}, "type": "api"}
    assert details({"data": {"attributes": attributes}}).started_by == "b@example.com"
    run = details({"data": {"attributes": {"trigger": {"scheduleTrigger": {}}}}})
    assert (run.started_by, run.trigger_type) == (None, "scheduleTrigger")


def test_odd_steps_are_listed_as_they_come():
    document = {
        "data": {
            "attributes": {
                "stepStateAssociations": [
                    None,
                    "Bare",
                    {"stepName": 12, "stepState": ["FAILED"]},
                    {"stepName": "A\x1b[31m", "stepState": "STEP_ERROR"},
                    {"stepName": "B"},
                    {"stepName": "", "stepState": 5},
                ]
            },
            "relationships": {"specVersion": {"data": {"id": "right"}}},
        },
        "included": [
            {
                "type": "spec_versions",
                "id": "wrong",
                "attributes": {
                    "spec": {"steps": [{"name": "B", "actionId": "from.the.wrong.version"}]}
                },
            },
            {
                "type": "spec_versions",
                "id": "right",
                "attributes": {
                    "spec": {
                        "steps": [
                            None,
                            {"name": "A\x1b[31m", "actionId": "a\u202eb"},
                            {"name": "B", "actionId": 3},
                            {"name": "B", "actionId": "second.B.ignored"},
                        ]
                    }
                },
            },
        ],
    }
    run = details(document)
    assert run.steps == (
        StepInfo(0, "—", None, None),
        StepInfo(1, "Bare", None, None),
        StepInfo(2, "12", '["FAILED"]', None),
        StepInfo(3, "A\\x1b[31m", "STEP_ERROR", "a\\u202eb"),
        StepInfo(4, "B", None, "second.B.ignored"),
        StepInfo(5, '""', "5", None),
    )
    # No errorDetail: the first step whose state looks failed (a list is not a state name,
    # but its text still says FAILED).
    assert run.failed_step == "12"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("boom", "boom"),
        ("line one\nline two\x1b", "line one\\nline two\\x1b"),
        ({"message": "boom"}, "boom"),
        ({"stepName": "Fetch", "message": "boom"}, "Fetch: boom"),
        ({"stepName": 3, "message": "boom"}, "boom"),
        ({"code": 500, "why": ["a"]}, '{"code":500,"why":["a"]}'),
        ({"message": 5}, '{"message":5}'),
        (["a", 1], '["a",1]'),
        (42, "42"),
        (False, "false"),
    ],
)
def test_error_detail_on_one_line(error, expected):
    run = details({"data": {"attributes": {"errorDetail": error}}})
    assert run.error_detail == expected


def test_error_detail_names_the_failed_step_and_long_errors_are_cut():
    document = {
        "data": {
            "attributes": {
                "errorDetail": {"stepName": "Second", "message": "x" * 5000},
                "stepStateAssociations": [
                    {"stepName": "First", "stepState": "FAILED"},
                    {"stepName": "Second", "stepState": "CANCELED"},
                ],
            }
        }
    }
    run = details(document)
    assert run.failed_step == "Second"
    assert run.error_detail is not None
    assert len(run.error_detail) == 500
    assert run.error_detail.endswith("…")


def test_too_big_flags(recorded):
    document = json.loads(json.dumps(recorded))
    document["meta"] = {"outputsTooBig": True, "sourceTooBig": False, "triggerTooBig": True}
    assert details(document).too_big == ("outputs", "trigger")
    document["meta"]["sourceTooBig"] = True
    assert details(document).too_big == ("outputs", "source", "trigger")


def test_details_never_raise_on_arbitrary_json():
    hypothesis = pytest.importorskip("hypothesis")
    st = pytest.importorskip("hypothesis.strategies")
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    keys = st.sampled_from(
        [
            "data",
            "attributes",
            "included",
            "meta",
            "type",
            "id",
            "spec",
            "steps",
            "name",
            "actionId",
            "stepStateAssociations",
            "stepName",
            "stepState",
            "errorDetail",
            "message",
            "source",
            "sourceForTemplating",
            "initiator",
            "trigger",
            "spec_versions",
            "outputsTooBig",
            "relationships",
            "specVersion",
        ]
    ) | st.text(max_size=4)
    documents = st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5)
        ),
        max_leaves=40,
    )

    @hypothesis.settings(max_examples=300, deadline=None, database=None)
    @hypothesis.given(documents)
    def check(document: Any) -> None:
        run = details(document)
        assert isinstance(run.steps, tuple)
        for step in run.steps:
            assert isinstance(step.name, str)
            assert step.name.isprintable()
        for text in (run.started_by, run.trigger_type, run.error_detail, run.failed_step):
            assert text is None or (isinstance(text, str) and text.isprintable())

    check()
