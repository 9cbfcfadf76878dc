"""The demo catalog, over real HTTP on loopback: shapes, paging, errors, rate limits, timing."""

from __future__ import annotations

import http.client
import json
import re
import time
import uuid
from collections.abc import Iterator

import pytest

from wfbrowse.demo import DEMO_RUNS, DEMO_WORKFLOW_ID, DemoCatalog, FakeDatadog, start_demo_server
from wfbrowse.demo.catalog import (
    CANCELED_INSTANCE_ID,
    EXPORT_WORKFLOW_ID,
    FAILED_INSTANCE_ID,
    FORBIDDEN_INSTANCE_ID,
    HISTORICAL_TRIAGE_RUNS,
    LARGE_INSTANCE_ID,
    MISSING_WORKFLOW_ID,
    NOT_FOUND_INSTANCE_ID,
    RATE_LIMITED_INSTANCE_ID,
    RUNNING_INSTANCE_ID,
    SUCCEEDED_INSTANCE_ID,
    TRICKY_INSTANCE_ID,
    WEBHOOK_WORKFLOW_ID,
)
from wfbrowse.demo.server import RecordedRequest

# Bodies Datadog really sent (recorded), trimmed to what the comparisons need.
RECORDED_INSTANCE = json.loads(
    '{"data":{"attributes":{"endTimestamp":"2024-07-24T18:39:58.219283Z","instanceStatus":'
    '{"detailsKind":"CANCELED","displayName":"Canceled"},"outputs":{},"source":{"manual":'
    '{"actingUser":{"userEmail":"u@example.com","userName":"U","userUuid":"e39535f4-306b-11ee-'
    '9383-6ac9a4415a29"}}},"sourceForTemplating":{"initiator":{"email":"u@example.com","id":'
    '"e39535f4-306b-11ee-9383-6ac9a4415a29","name":"U"},"name":"W","type":"manual","url":'
    '"https://app.datadoghq.com/workflow/ccf73164-1998-4785-a7a3-8d06c7e5f558?instance=305a472b-'
    '71ab-4ce8-8f8d-75db635627b5"},"startTimestamp":"2024-07-24T18:38:31.326418Z",'
    '"stepStateAssociations":[{"stepName":"Sleep","stepState":"CANCELED"}],"trigger":{}},'
    '"id":"305a472b-71ab-4ce8-8f8d-75db635627b5","relationships":{"specVersion":{"data":{"id":'
    '"37d9abeb-2ac1-4185-91f8-86d92d5cbf7f","type":"spec_versions"}},"workflow":{"data":{"id":'
    '"ccf73164-1998-4785-a7a3-8d06c7e5f558","type":"workflows"}}},"type":"instances"},'
    '"included":[{"attributes":{"createdAt":"2024-07-24T18:38:29.839739Z","spec":{"steps":'
    '[{"actionId":"com.datadoghq.core.sleep","display":{"bounds":{"y":186}},"name":"Sleep",'
    '"parameters":[{"name":"durationSeconds","value":300}]}],"triggers":[{"apiTrigger":{},'
    '"startStepNames":["Sleep"]}]},"workflowId":"ccf73164-1998-4785-a7a3-8d06c7e5f558"},"id":'
    '"37d9abeb-2ac1-4185-91f8-86d92d5cbf7f","type":"spec_versions"},{"attributes":{"createdAt":'
    '"2024-07-24T18:38:05.701669Z","creationSource":"workflows_ui","name":"W","specVersionId":'
    '"3d660f9c-7dfe-4fbd-bea5-f61eccea0600","updatedAt":"2024-07-24T18:38:59.939929Z"},"id":'
    '"ccf73164-1998-4785-a7a3-8d06c7e5f558","type":"workflows"}],"meta":{"outputsTooBig":false,'
    '"sourceTooBig":false,"triggerTooBig":false}}'
)
RECORDED_WORKFLOW = json.loads(
    '{"data":{"id":"dec8dfd0-2031-480a-90ce-4e9179b22793","type":"workflows","attributes":'
    '{"createdAt":"2025-05-26T17:23:44.222906Z","description":"","name":"W","published":true,'
    '"spec":{"triggers":[{"startStepNames":["No_op"],"workflowTrigger":{}}],"steps":[{"name":'
    '"No_op","actionId":"com.datadoghq.core.noop"}]},"tags":[],"updatedAt":'
    '"2025-05-26T17:23:44.222906Z"},"relationships":{"creator":{"data":{"id":'
    '"3ad549bf-eba0-11e9-a77a-0705486660d0","type":"users"}},"owner":{"data":{"id":'
    '"3ad549bf-eba0-11e9-a77a-0705486660d0","type":"users"}}}}}'
)
RECORDED_LIST_META_KEYS = {"canceledCount", "failedCount", "page", "succeededCount"}
RECORDED_BAD_REQUEST = (
    b'{"errors":[{"code":"INVALID_FIELD_VALUE","detail":"value <no value> is invalid for field'
    b' workflow_id"}]}\n'
)
RECORDED_WORKFLOW_NOT_FOUND = (
    b'{"errors":[{"code":"WORKFLOW_NOT_FOUND","detail":"workflow not found"}]}\n'
)
RECORDED_GET_WORKFLOW_404 = b'{"errors":[{"detail":"workflow not found"}]}'
RECORDED_GET_WORKFLOW_400 = (
    b'{"errors":[{"status":"400","title":"Invalid Parameter","detail":"invalid parameter'
    b' \\"workflowId\\" in \\"path\\"; expected type \\"uuid\\""}]}'
)

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
RATE_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Period",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Name",
)
TRIAGE_RUNS = HISTORICAL_TRIAGE_RUNS + 4  # + succeeded, failed, canceled, running


class Answer:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.raw_headers = headers  # names exactly as sent
        self.body = body

    def header(self, name: str) -> str | None:
        for key, value in self.raw_headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> dict:
        return json.loads(self.body)


def fetch(server: FakeDatadog, path: str, method: str = "GET") -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return Answer(response.status, response.getheaders(), response.read())
    finally:
        conn.close()


def instance_path(workflow_id: str, instance_id: str) -> str:
    return f"/api/v2/workflows/{workflow_id}/instances/{instance_id}"


def list_path(workflow_id: str = DEMO_WORKFLOW_ID, **params: int | str) -> str:
    query = "&".join(f"page%5B{name}%5D={value}" for name, value in params.items())
    return f"/api/v2/workflows/{workflow_id}/instances" + (f"?{query}" if query else "")


def get_instance(server: FakeDatadog, workflow_id: str, instance_id: str) -> dict:
    answer = fetch(server, instance_path(workflow_id, instance_id))
    assert answer.status == 200, answer.body
    return answer.json()


def timestamps(value: object, key: str = "") -> Iterator[str]:
    """Every string under a key ending in Timestamp or At, anywhere in the document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from timestamps(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from timestamps(item, key)
    elif isinstance(value, str) and (key.endswith("Timestamp") or key.endswith("At")):
        yield value


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def server() -> Iterator[FakeDatadog]:
    srv = start_demo_server(running_seconds=0.3)
    yield srv
    srv.stop()


# -- shapes ------------------------------------------------------------------------------------
def assert_shaped_like_recording(doc: dict) -> None:
    recorded = RECORDED_INSTANCE
    assert doc.keys() == recorded.keys()
    assert set(doc["data"]) == set(recorded["data"])
    assert set(recorded["data"]["attributes"]) - {"endTimestamp"} <= set(doc["data"]["attributes"])
    assert doc["data"]["type"] == "instances"
    assert doc["data"]["relationships"]["specVersion"]["data"]["type"] == "spec_versions"
    assert doc["data"]["relationships"]["workflow"]["data"]["type"] == "workflows"
    assert [entry["type"] for entry in doc["included"]] == ["spec_versions", "workflows"]
    for ours, theirs in zip(doc["included"], recorded["included"], strict=True):
        assert set(ours) == set(theirs)
        assert set(ours["attributes"]) == set(theirs["attributes"])
    assert doc["included"][0]["id"] == doc["data"]["relationships"]["specVersion"]["data"]["id"]
    assert set(doc["meta"]) == set(recorded["meta"])
    # Outputs are left out of the walk: the large run's would take most of a second.
    outer = {k: v for k, v in doc["data"]["attributes"].items() if k != "outputs"}
    for stamp in timestamps([outer, doc["included"]]):
        assert STAMP.match(stamp), stamp


def test_succeeded_run_is_shaped_like_the_recording(server: FakeDatadog) -> None:
    answer = fetch(server, instance_path(DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID))
    assert answer.status == 200
    assert answer.header("Content-Type") == "application/json"
    doc = answer.json()
    assert_shaped_like_recording(doc)
    attrs = doc["data"]["attributes"]
    assert attrs["instanceStatus"] == {"detailsKind": "SUCCEEDED", "displayName": "Succeeded"}
    assert "endTimestamp" in attrs and "errorDetail" not in attrs
    assert [s["stepState"] for s in attrs["stepStateAssociations"]] == ["COMPLETED"] * 4
    assert "monitor" in attrs["source"] and "actingUser" in attrs["source"]["monitor"]
    assert attrs["sourceForTemplating"]["url"] == (
        f"https://app.datadoghq.com/workflow/{DEMO_WORKFLOW_ID}?instance={SUCCEEDED_INSTANCE_ID}"
    )
    assert isinstance(attrs["outputs"]["summary"]["topErrors"][0]["endpoints"], list)
    assert doc["meta"] == {"outputsTooBig": False, "sourceTooBig": False, "triggerTooBig": False}
    steps = doc["included"][0]["attributes"]["spec"]["steps"]
    names = [s["stepName"] for s in attrs["stepStateAssociations"]]
    assert [step["name"] for step in steps] == names
    assert steps[0]["outboundEdges"] == [{"branchName": "main", "nextStepName": names[1]}]


def test_instance_keys_are_sorted_like_datadogs_encoder(server: FakeDatadog) -> None:
    body = fetch(server, instance_path(DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID)).body
    assert body.endswith(b"}\n")
    assert list(json.loads(body)["data"]) == ["attributes", "id", "relationships", "type"]


def test_failed_run_has_error_detail_and_a_failed_step(server: FakeDatadog) -> None:
    doc = get_instance(server, DEMO_WORKFLOW_ID, FAILED_INSTANCE_ID)
    assert_shaped_like_recording(doc)
    attrs = doc["data"]["attributes"]
    assert attrs["instanceStatus"] == {"detailsKind": "STEP_ERROR", "displayName": "Failed"}
    states = {s["stepName"]: s["stepState"] for s in attrs["stepStateAssociations"]}
    assert list(states.values()).count("FAILED") == 1
    assert states[attrs["errorDetail"]["stepName"]] == "FAILED"
    assert "503" in attrs["errorDetail"]["message"]


def test_canceled_run_is_like_the_recording(server: FakeDatadog) -> None:
    doc = get_instance(server, DEMO_WORKFLOW_ID, CANCELED_INSTANCE_ID)
    assert_shaped_like_recording(doc)
    attrs = doc["data"]["attributes"]
    assert attrs["instanceStatus"] == {"detailsKind": "CANCELED", "displayName": "Canceled"}
    assert attrs["stepStateAssociations"][-1]["stepState"] == "CANCELED"
    assert attrs["trigger"] == {} and "manual" in attrs["source"]


def test_tricky_run_keeps_its_tricky_keys(server: FakeDatadog) -> None:
    answer = fetch(server, instance_path(WEBHOOK_WORKFLOW_ID, TRICKY_INSTANCE_ID))
    assert "日本語".encode() in answer.body  # raw UTF-8, as Datadog sends it
    echoed = answer.json()["data"]["attributes"]["outputs"]["echoed"]
    assert echoed["[b]x[/b]"]
    assert any("[/]" in v for v in echoed.values() if isinstance(v, str))
    assert "weird.key" in echoed
    assert echoed["emptyObject"] == {} and echoed["emptyArray"] == []
    assert echoed["nothing"] is None and echoed["yes"] is True and echoed["no"] is False
    assert echoed["bigInt"] > 2**64 and isinstance(echoed["float"], float)
    assert answer.json()["data"]["attributes"]["trigger"]["[b]x[/b]"]


def test_large_run_is_megabytes_of_valid_json_and_deterministic(server: FakeDatadog) -> None:
    answer = fetch(server, instance_path(EXPORT_WORKFLOW_ID, LARGE_INSTANCE_ID))
    assert answer.status == 200
    assert len(answer.body) > 3_000_000
    doc = answer.json()
    assert_shaped_like_recording(doc)
    assert doc["meta"]["outputsTooBig"] is False
    outputs = doc["data"]["attributes"]["outputs"]
    assert len(outputs["hosts"]) > 1000 and len(outputs["byCluster"]) > 1000
    request = RecordedRequest("GET", instance_path(EXPORT_WORKFLOW_ID, LARGE_INSTANCE_ID), {}, {})
    other = DemoCatalog().answer(request)
    assert other is not None and other.body == answer.body


def test_every_timestamp_has_six_fraction_digits_and_z(server: FakeDatadog) -> None:
    first_page = fetch(server, list_path(size=100)).json()
    stamps = list(timestamps(first_page))
    assert len(stamps) > 150
    assert all(STAMP.match(stamp) for stamp in stamps)


# -- the running run ---------------------------------------------------------------------------
def test_running_run_succeeds_on_its_own() -> None:
    with FakeDatadog(DemoCatalog(running_seconds=0.3)) as srv:
        attrs = get_instance(srv, DEMO_WORKFLOW_ID, RUNNING_INSTANCE_ID)["data"]["attributes"]
        assert attrs["instanceStatus"] == {"detailsKind": "IN_PROGRESS", "displayName": "Running"}
        assert "endTimestamp" not in attrs
        deadline = time.monotonic() + 2.5
        while attrs["instanceStatus"]["detailsKind"] == "IN_PROGRESS":
            assert time.monotonic() < deadline, "the running run never finished"
            time.sleep(0.05)
            attrs = get_instance(srv, DEMO_WORKFLOW_ID, RUNNING_INSTANCE_ID)["data"]["attributes"]
        assert attrs["instanceStatus"]["detailsKind"] == "SUCCEEDED"
        assert STAMP.match(attrs["endTimestamp"])
        assert attrs["endTimestamp"] > attrs["startTimestamp"]
        assert {s["stepState"] for s in attrs["stepStateAssociations"]} == {"COMPLETED"}
        assert attrs["outputs"]


def running_states(catalog: DemoCatalog) -> list[str]:
    reply = catalog.answer(
        RecordedRequest("GET", instance_path(DEMO_WORKFLOW_ID, RUNNING_INSTANCE_ID), {}, {})
    )
    assert reply is not None
    attrs = json.loads(reply.body)["data"]["attributes"]
    return [s["stepState"] for s in attrs["stepStateAssociations"]]


def test_running_steps_progress_with_elapsed_time() -> None:
    clock = FakeClock(1_750_000_000.0)
    catalog = DemoCatalog(running_seconds=20.0, clock=clock)
    assert running_states(catalog) == ["RUNNING", "PENDING", "PENDING", "PENDING"]
    clock.now += 6
    assert running_states(catalog) == ["COMPLETED", "RUNNING", "PENDING", "PENDING"]
    clock.now += 10
    assert running_states(catalog) == ["COMPLETED", "COMPLETED", "COMPLETED", "RUNNING"]
    clock.now += 4
    assert running_states(catalog) == ["COMPLETED"] * 4


def test_cancel_stops_the_running_run() -> None:
    with FakeDatadog(DemoCatalog(running_seconds=30)) as srv:
        path = instance_path(DEMO_WORKFLOW_ID, RUNNING_INSTANCE_ID)
        assert get_instance(srv, DEMO_WORKFLOW_ID, RUNNING_INSTANCE_ID)
        answer = fetch(srv, path + "/cancel", "PUT")
        assert (answer.status, answer.body) == (200, b"{}\n")
        attrs = get_instance(srv, DEMO_WORKFLOW_ID, RUNNING_INSTANCE_ID)["data"]["attributes"]
        assert attrs["instanceStatus"] == {"detailsKind": "CANCELED", "displayName": "Canceled"}
        assert STAMP.match(attrs["endTimestamp"])
        assert attrs["stepStateAssociations"] == [
            {"stepName": "Get_monitor_details", "stepState": "CANCELED"}
        ]
        listed = fetch(srv, list_path(size=1)).json()["data"][0]
        assert listed["attributes"]["instanceStatus"]["detailsKind"] == "CANCELED"


def test_cancel_unknown_or_malformed(server: FakeDatadog) -> None:
    unknown = str(uuid.uuid4())
    answer = fetch(server, instance_path(DEMO_WORKFLOW_ID, unknown) + "/cancel", "PUT")
    assert answer.status == 404
    assert answer.json() == {
        "errors": [{"code": "INSTANCE_NOT_FOUND", "detail": f"instance {unknown} not found"}]
    }
    answer = fetch(server, "/api/v2/workflows/malformed/instances/malformed/cancel", "PUT")
    assert (answer.status, answer.body) == (400, RECORDED_BAD_REQUEST)


# -- the list ----------------------------------------------------------------------------------
def test_list_defaults_to_ten_newest_first_with_counts(server: FakeDatadog) -> None:
    answer = fetch(server, list_path())
    assert answer.status == 200 and answer.header("Content-Type") == "application/json"
    doc = answer.json()
    assert len(doc["data"]) == 10
    item = doc["data"][1]
    assert set(item) == {"attributes", "id", "type"} and item["type"] == "instances"
    assert set(item["attributes"]) == {
        "endTimestamp",
        "instanceStatus",
        "source",
        "startTimestamp",
    }
    meta = doc["meta"]
    assert set(meta) == RECORDED_LIST_META_KEYS
    assert meta["page"] == {"totalCount": TRIAGE_RUNS, "totalFilteredCount": TRIAGE_RUNS}
    finished = meta["succeededCount"] + meta["failedCount"] + meta["canceledCount"]
    assert finished >= TRIAGE_RUNS - 1  # the running run counts once it has finished
    assert meta["failedCount"] > 0 and meta["canceledCount"] > 0


def test_list_pages_cover_every_run_once_newest_first(server: FakeDatadog) -> None:
    seen: list[dict] = []
    for number in range(4):
        page = fetch(server, list_path(size=50, number=number)).json()["data"]
        assert len(page) == [50, 50, TRIAGE_RUNS - 100, 0][number]
        seen += page
    ids = [item["id"] for item in seen]
    assert len(set(ids)) == TRIAGE_RUNS
    starts = [item["attributes"]["startTimestamp"] for item in seen]
    assert starts == sorted(starts, reverse=True)
    for named in (SUCCEEDED_INSTANCE_ID, FAILED_INSTANCE_ID, CANCELED_INSTANCE_ID):
        assert named in ids
    # Every listed run can be opened.
    assert get_instance(server, DEMO_WORKFLOW_ID, ids[-1])["data"]["id"] == ids[-1]


def test_list_page_size_is_capped_at_100(server: FakeDatadog) -> None:
    assert len(fetch(server, list_path(size=100)).json()["data"]) == 100
    assert len(fetch(server, list_path(size=500)).json()["data"]) == 100
    assert fetch(server, list_path(size="ten")).status == 400


def test_list_of_unknown_or_malformed_workflow(server: FakeDatadog) -> None:
    answer = fetch(server, list_path(MISSING_WORKFLOW_ID))
    assert (answer.status, answer.body) == (404, RECORDED_WORKFLOW_NOT_FOUND)
    answer = fetch(server, "/api/v2/workflows/malformed/instances")
    assert (answer.status, answer.body) == (400, RECORDED_BAD_REQUEST)


# -- the workflow ------------------------------------------------------------------------------
def test_get_workflow_is_json_api(server: FakeDatadog) -> None:
    answer = fetch(server, f"/api/v2/workflows/{DEMO_WORKFLOW_ID}")
    assert answer.status == 200
    assert answer.header("Content-Type") == "application/vnd.api+json"
    doc = answer.json()
    assert list(doc["data"]) == list(RECORDED_WORKFLOW["data"])
    assert set(doc["data"]["attributes"]) == set(RECORDED_WORKFLOW["data"]["attributes"])
    assert doc["data"]["id"] == DEMO_WORKFLOW_ID and doc["data"]["type"] == "workflows"
    assert doc["data"]["relationships"]["owner"]["data"]["type"] == "users"


def test_get_workflow_errors_match_the_recordings(server: FakeDatadog) -> None:
    answer = fetch(server, f"/api/v2/workflows/{MISSING_WORKFLOW_ID}")
    assert (answer.status, answer.body) == (404, RECORDED_GET_WORKFLOW_404)
    assert answer.header("Content-Type") == "application/vnd.api+json"
    answer = fetch(server, "/api/v2/workflows/bad-format")
    assert (answer.status, answer.body) == (400, RECORDED_GET_WORKFLOW_400)


# -- instance errors ---------------------------------------------------------------------------
def test_instance_errors_in_datadogs_shapes(server: FakeDatadog) -> None:
    answer = fetch(server, instance_path(DEMO_WORKFLOW_ID, FORBIDDEN_INSTANCE_ID))
    assert (answer.status, answer.json()) == (403, {"errors": ["Forbidden"]})
    answer = fetch(server, instance_path(DEMO_WORKFLOW_ID, NOT_FOUND_INSTANCE_ID))
    assert answer.status == 404
    detail = f"instance {NOT_FOUND_INSTANCE_ID} not found"
    assert answer.json() == {"errors": [{"code": "INSTANCE_NOT_FOUND", "detail": detail}]}
    answer = fetch(server, instance_path(MISSING_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID))
    assert (answer.status, answer.body) == (404, RECORDED_WORKFLOW_NOT_FOUND)
    answer = fetch(server, instance_path("malformed", "malformed"))
    assert (answer.status, answer.body) == (400, RECORDED_BAD_REQUEST)
    # A run of another workflow is not found under this one.
    answer = fetch(server, instance_path(DEMO_WORKFLOW_ID, LARGE_INSTANCE_ID))
    assert answer.status == 404


def test_rate_limited_run_answers_429_with_lower_case_headers(server: FakeDatadog) -> None:
    answer = fetch(server, instance_path(DEMO_WORKFLOW_ID, RATE_LIMITED_INSTANCE_ID))
    assert answer.status == 429
    assert answer.json() == {"errors": ["Too many requests"]}
    names = {name for name, _ in answer.raw_headers}
    assert {h.lower() for h in RATE_HEADERS} <= names
    assert not any(name.startswith("X-RateLimit") for name in names)
    assert answer.header("x-ratelimit-remaining") == "0"
    assert int(answer.header("x-ratelimit-reset") or 0) > 0


def test_demo_runs_answer_as_labelled(server: FakeDatadog) -> None:
    assert DEMO_RUNS[0].label == "succeeded"
    assert len({run.label for run in DEMO_RUNS}) == len(DEMO_RUNS)
    expected = {"403 forbidden": 403, "404 not found": 404, "429 rate limited": 429}
    for run in DEMO_RUNS:
        if run.instance_id == LARGE_INSTANCE_ID:
            continue  # fetched (and measured) above; no need to move 5 MB again
        answer = fetch(server, instance_path(run.workflow_id, run.instance_id))
        assert answer.status == expected.get(run.label, 200), run.label
        assert run.description


# -- rate limits -------------------------------------------------------------------------------
def test_every_response_carries_title_case_rate_limit_headers(server: FakeDatadog) -> None:
    requests = [
        ("GET", instance_path(DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID)),
        ("GET", instance_path(DEMO_WORKFLOW_ID, FORBIDDEN_INSTANCE_ID)),
        ("GET", instance_path(DEMO_WORKFLOW_ID, NOT_FOUND_INSTANCE_ID)),
        ("GET", instance_path("malformed", "malformed")),
        ("GET", list_path()),
        ("GET", f"/api/v2/workflows/{DEMO_WORKFLOW_ID}"),
        ("GET", f"/api/v2/workflows/{MISSING_WORKFLOW_ID}"),
        ("PUT", instance_path(DEMO_WORKFLOW_ID, NOT_FOUND_INSTANCE_ID) + "/cancel"),
        ("GET", "/api/v1/validate"),
    ]
    for method, path in requests:
        answer = fetch(server, path, method)
        names = {name for name, _ in answer.raw_headers}
        assert set(RATE_HEADERS) <= names, (method, path)
        assert answer.header("X-RateLimit-Period") == "60"
        assert 1 <= int(answer.header("X-RateLimit-Reset") or 0) <= 60
    validate = fetch(server, "/api/v1/validate")
    assert (validate.status, validate.json()) == (200, {"valid": True})


def test_remaining_decreases_within_a_window_and_resets_on_the_next() -> None:
    clock = FakeClock(1_750_000_000.0 - 1_750_000_000.0 % 60 + 15)  # 15 s into a minute
    with FakeDatadog(DemoCatalog(rate_limit=3, clock=clock)) as srv:
        path = instance_path(DEMO_WORKFLOW_ID, SUCCEEDED_INSTANCE_ID)
        answers = [fetch(srv, path) for _ in range(4)]
        remaining = [a.header("X-RateLimit-Remaining") for a in answers]
        assert remaining == ["2", "1", "0", "0"]
        assert [a.status for a in answers] == [200, 200, 200, 429]
        assert answers[0].header("X-RateLimit-Reset") == "45"
        assert answers[0].header("X-RateLimit-Name") == "workflows_instances"
        assert answers[0].header("X-RateLimit-Limit") == "3"
        clock.now += 45  # the next calendar minute
        again = fetch(srv, path)
        assert (again.status, again.header("X-RateLimit-Remaining")) == (200, "2")
        assert again.header("X-RateLimit-Reset") == "60"


def test_unknown_routes_are_left_to_the_server(server: FakeDatadog) -> None:
    request = RecordedRequest("GET", "/api/v2/monitors", {}, {})
    assert DemoCatalog().answer(request) is None
    assert fetch(server, "/api/v2/monitors").status == 404
