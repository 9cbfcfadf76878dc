"""Realistic demo workflows and runs for the fake Datadog server (`wfbrowse --demo`).

Every answer mirrors what Datadog really sends (see the recorded responses): the same key
names, nesting and `type` values, keys sorted the way Datadog's encoder sorts them on the
instance endpoints, RFC 3339 UTC timestamps with 6 fractional digits, and the error bodies in
each of the shapes the real server uses. All IDs are fixed module constants so the demo screen
and the tests can name them. Generated data comes from seeded `random.Random` instances, so two
catalogs answer byte for byte the same, except for the running run, whose times follow the
clock.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from wfbrowse.demo.server import FakeDatadog, RecordedRequest, Reply

JSONObject = dict[str, object]

# -- fixed IDs ---------------------------------------------------------------------------------
# The main workflow: monitor-triggered triage with ~130 historical runs (enough to need paging).
DEMO_WORKFLOW_ID = "ec5683e7-36c5-405c-9450-c8450e50b32d"
# A scheduled export: holds the multi-megabyte run.
EXPORT_WORKFLOW_ID = "d0278741-3d9c-43dc-b825-cb88a529d78c"
# An API-triggered webhook echo: holds the run with tricky keys and values.
WEBHOOK_WORKFLOW_ID = "b5ee069a-5143-4bca-a444-549dfbb3ea4a"
# A well-formed UUID that names no workflow: 404 WORKFLOW_NOT_FOUND.
MISSING_WORKFLOW_ID = "d8fd5aa7-529a-4694-8065-348da621cace"

TRIAGE_SPEC_VERSION_ID = "4bfd9cd2-d482-4ca8-a8bf-37cfca2198d2"
EXPORT_SPEC_VERSION_ID = "9657e9ed-89a4-4237-a741-2fe19e153e44"
WEBHOOK_SPEC_VERSION_ID = "cb59e26b-1598-453d-a366-4cb57c4a5b6b"

# Runs of DEMO_WORKFLOW_ID.
SUCCEEDED_INSTANCE_ID = "5691c244-27fd-4f39-a135-d3cc949ab601"
FAILED_INSTANCE_ID = "9b5f8544-d92d-48ec-b0a5-002b898396dc"
CANCELED_INSTANCE_ID = "1fd4265e-dcd0-4bf1-81fd-b2c771e797e1"
RUNNING_INSTANCE_ID = "710d65fb-0caa-498c-bda6-51e23969aab0"
FORBIDDEN_INSTANCE_ID = "898f6214-3cdb-4879-bf6d-a0cdb51988a0"  # always 403
NOT_FOUND_INSTANCE_ID = "adc86c8d-7471-4b31-9852-247a8f979030"  # always 404 INSTANCE_NOT_FOUND
RATE_LIMITED_INSTANCE_ID = "844d1097-8689-45ab-acbb-9695897dd1b2"  # always 429
# Run of EXPORT_WORKFLOW_ID.
LARGE_INSTANCE_ID = "6f05289a-266d-43c5-a67f-d519bd6593bb"
# Run of WEBHOOK_WORKFLOW_ID.
TRICKY_INSTANCE_ID = "31c93b97-c79a-48da-8469-4ca62df98950"

HISTORICAL_TRIAGE_RUNS = 130
RATE_LIMIT_PERIOD = 60
# The 429 demo run announces a short reset so that a client which honours it (and retries, as
# Datadog's own clients do) does not keep the demo waiting for most of a minute.
RATE_LIMITED_RESET_SECONDS = 4

_WEB_UI = "https://app.datadoghq.com"
_SEED = 20250602
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_DISPLAY_NAMES = {
    "IN_PROGRESS": "Running",
    "SUCCEEDED": "Succeeded",
    "CANCELED": "Canceled",
    "STEP_ERROR": "Failed",
    "INSTANCE_ERROR": "Failed",
}
_FAILED_KINDS = ("STEP_ERROR", "INSTANCE_ERROR")


# -- demo runs for the picker ------------------------------------------------------------------
@dataclass(frozen=True)
class DemoRun:
    """One run the demo screen offers."""

    label: str
    workflow_id: str
    instance_id: str
    description: str


DEMO_RUNS: tuple[DemoRun, ...] = (
    DemoRun(
        "succeeded",
        DEMO_WORKFLOW_ID,
        SUCCEEDED_INSTANCE_ID,
        "A monitor-triggered triage run: four completed steps, nested outputs.",
    ),
    DemoRun(
        "failed (step error)",
        DEMO_WORKFLOW_ID,
        FAILED_INSTANCE_ID,
        "The HTTP step got a 503: errorDetail names the step, later steps never ran.",
    ),
    DemoRun(
        "running (finishes in 20 s)",
        DEMO_WORKFLOW_ID,
        RUNNING_INSTANCE_ID,
        "Steps complete one by one while you watch; cancel it, or let it succeed.",
    ),
    DemoRun(
        "large (5 MB)",
        EXPORT_WORKFLOW_ID,
        LARGE_INSTANCE_ID,
        "A nightly export whose outputs are about 5 MB: thousands of records and keys.",
    ),
    DemoRun(
        "canceled",
        DEMO_WORKFLOW_ID,
        CANCELED_INSTANCE_ID,
        "Started by hand and canceled during its second step.",
    ),
    DemoRun(
        "tricky keys",
        WEBHOOK_WORKFLOW_ID,
        TRICKY_INSTANCE_ID,
        "Keys and values that look like markup, dots, unicode, empties, nulls, big numbers.",
    ),
    DemoRun(
        "403 forbidden",
        DEMO_WORKFLOW_ID,
        FORBIDDEN_INSTANCE_ID,
        "What an application key without Actions API access gets.",
    ),
    DemoRun(
        "404 not found",
        DEMO_WORKFLOW_ID,
        NOT_FOUND_INSTANCE_ID,
        "An instance ID this workflow does not know.",
    ),
    DemoRun(
        "429 rate limited",
        DEMO_WORKFLOW_ID,
        RATE_LIMITED_INSTANCE_ID,
        "Too many requests: rate-limit headers say 0 remaining and when to retry.",
    ),
)


# -- time --------------------------------------------------------------------------------------
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _us(stamp: str) -> int:
    """Microseconds since the epoch for an RFC 3339 `...Z` literal (exact, no float rounding)."""
    parsed = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    delta = parsed - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _stamp(micros: int) -> str:
    """Datadog's timestamp format: UTC, `Z`, 6 fractional digits."""
    return (_EPOCH + timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _seconds_us(seconds: float) -> int:
    return round(seconds * 1_000_000)


# -- workflows ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _User:
    name: str
    email: str
    uuid: str

    def acting_user(self) -> JSONObject:
        return {
            "actingUser": {"userEmail": self.email, "userName": self.name, "userUuid": self.uuid}
        }

    def initiator(self) -> JSONObject:
        return {"email": self.email, "id": self.uuid, "name": self.name}


_OWNER = _User("Priya Raman", "priya.raman@example.com", "3f6c1a2e-1f0b-11ee-8c21-5a1b2c3d4e5f")
_ONCALL = _User(
    "Tomás Herrera", "tomas.herrera@example.com", "8a2d4c10-4b7e-11ee-9a3f-b2c4d6e8f0a1"
)
_BOT = _User("ci-bot", "ci-bot@example.com", "c51e9b72-7d3a-11ee-b962-0242ac120002")


@dataclass(frozen=True)
class _Step:
    name: str
    action_id: str
    parameters: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class _Workflow:
    id: str
    name: str
    description: str
    spec_version_id: str
    created_us: int
    updated_us: int
    spec_created_us: int
    steps: tuple[_Step, ...]
    triggers: tuple[JSONObject, ...]  # without startStepNames, added from the first step
    tags: tuple[str, ...]
    owner: _User

    @property
    def step_names(self) -> tuple[str, ...]:
        return tuple(step.name for step in self.steps)


def _spec(workflow: _Workflow) -> JSONObject:
    """The `spec` object: steps chained in order by `main` edges, every trigger starting step 1."""
    steps: list[object] = []
    for index, step in enumerate(workflow.steps):
        entry: JSONObject = {
            "actionId": step.action_id,
            "display": {"bounds": {"x": 0, "y": 186 + 160 * index}},
            "name": step.name,
            "parameters": [{"name": name, "value": value} for name, value in step.parameters],
        }
        if index + 1 < len(workflow.steps):
            next_name = workflow.steps[index + 1].name
            entry["outboundEdges"] = [{"branchName": "main", "nextStepName": next_name}]
        steps.append(entry)
    first = workflow.steps[0].name
    triggers = [{**trigger, "startStepNames": [first]} for trigger in workflow.triggers]
    return {"steps": steps, "triggers": triggers}


_TRIAGE = _Workflow(
    id=DEMO_WORKFLOW_ID,
    name="Triage high error rate on checkout-api",
    description="Gathers context when the checkout-api 5xx monitor fires and posts it to Slack.",
    spec_version_id=TRIAGE_SPEC_VERSION_ID,
    created_us=_us("2024-11-18T10:02:41.118204Z"),
    updated_us=_us("2025-05-12T15:47:09.930551Z"),
    spec_created_us=_us("2025-05-12T15:47:09.702113Z"),
    steps=(
        _Step(
            "Get_monitor_details",
            "com.datadoghq.dd.monitor.getMonitor",
            (("monitorId", "{{ Source.monitor.id }}"),),
        ),
        _Step(
            "Fetch_recent_deploys",
            "com.datadoghq.http.request",
            (
                ("verb", "GET"),
                ("url", "https://deploys.example.com/api/v1/deploys?service=checkout-api&limit=5"),
                ("requestHeaders", [{"key": "Accept", "value": ["application/json"]}]),
            ),
        ),
        _Step(
            "Summarize_errors",
            "com.datadoghq.datatransformation.func",
            (
                (
                    "script",
                    "const deploys = $.Steps.Fetch_recent_deploys.body.deploys;\n"
                    "return { errorRate: $.Steps.Get_monitor_details.state.value, "
                    "suspectedDeploy: deploys[0] };",
                ),
            ),
        ),
        _Step(
            "Post_to_Slack",
            "com.datadoghq.slack.send_simple_message",
            (
                ("teamId", "T024EXAMPLE"),
                ("channel", "#payments-oncall"),
                ("mentionTargets", ["@payments-oncall"]),
                ("text", "{{ Steps.Summarize_errors.data.headline }}"),
            ),
        ),
    ),
    triggers=(
        {"monitorTrigger": {"rateLimit": {"count": 1, "interval": "600s"}}},
        {"apiTrigger": {}},
    ),
    tags=("team:payments", "service:checkout-api"),
    owner=_OWNER,
)

_EXPORT = _Workflow(
    id=EXPORT_WORKFLOW_ID,
    name="Nightly inventory export",
    description="Lists every host with its tags and metrics and uploads a report to S3.",
    spec_version_id=EXPORT_SPEC_VERSION_ID,
    created_us=_us("2024-09-03T08:30:00.412277Z"),
    updated_us=_us("2025-04-28T11:05:52.061938Z"),
    spec_created_us=_us("2025-04-28T11:05:51.874402Z"),
    steps=(
        _Step("List_hosts", "com.datadoghq.dd.hosts.listHosts", (("count", 1000),)),
        _Step(
            "Enrich_with_tags",
            "com.datadoghq.datatransformation.func",
            (("script", "return $.Steps.List_hosts.hostList.map(h => ({...h, owner: h.tags}));"),),
        ),
        _Step(
            "Upload_report",
            "com.datadoghq.aws.s3.putObject",
            (("bucket", "inventory-exports"), ("key", "{{ Source.date }}/hosts.json")),
        ),
    ),
    triggers=({"scheduleTrigger": {"rruleExpression": "FREQ=DAILY;BYHOUR=2;BYMINUTE=0"}},),
    tags=("team:platform",),
    owner=_BOT,
)

_WEBHOOK = _Workflow(
    id=WEBHOOK_WORKFLOW_ID,
    name="Echo partner webhook",
    description="Stores whatever a partner posts, untouched, for debugging their payloads.",
    spec_version_id=WEBHOOK_SPEC_VERSION_ID,
    created_us=_us("2025-02-14T13:13:13.131313Z"),
    updated_us=_us("2025-02-20T09:41:27.550871Z"),
    spec_created_us=_us("2025-02-20T09:41:27.338120Z"),
    steps=(
        _Step(
            "Parse_payload",
            "com.datadoghq.datatransformation.func",
            (("script", "return $.Trigger;"),),
        ),
        _Step(
            "Echo",
            "com.datadoghq.datatransformation.func",
            (("script", "return $.Steps.Parse_payload.data;"),),
        ),
    ),
    triggers=({"apiTrigger": {}},),
    tags=(),
    owner=_ONCALL,
)

_WORKFLOWS: Mapping[str, _Workflow] = {wf.id: wf for wf in (_TRIAGE, _EXPORT, _WEBHOOK)}


def _workflow_entry(workflow: _Workflow) -> JSONObject:
    """The `workflows` entry of an instance's `included`, as recorded."""
    return {
        "attributes": {
            "createdAt": _stamp(workflow.created_us),
            "creationSource": "workflows_ui",
            "name": workflow.name,
            "specVersionId": workflow.spec_version_id,
            "updatedAt": _stamp(workflow.updated_us),
        },
        "id": workflow.id,
        "type": "workflows",
    }


def _spec_version_entry(workflow: _Workflow) -> JSONObject:
    """The `spec_versions` entry of an instance's `included`: the spec that ran."""
    return {
        "attributes": {
            "createdAt": _stamp(workflow.spec_created_us),
            "spec": _spec(workflow),
            "workflowId": workflow.id,
        },
        "id": workflow.spec_version_id,
        "type": "spec_versions",
    }


def _workflow_document(workflow: _Workflow) -> JSONObject:
    """GET /api/v2/workflows/{id}: JSON:API, keys in the recorded (unsorted) order."""
    owner = {"data": {"id": workflow.owner.uuid, "type": "users"}}
    return {
        "data": {
            "id": workflow.id,
            "type": "workflows",
            "attributes": {
                "createdAt": _stamp(workflow.created_us),
                "description": workflow.description,
                "name": workflow.name,
                "published": True,
                "spec": _spec(workflow),
                "tags": list(workflow.tags),
                "updatedAt": _stamp(workflow.updated_us),
            },
            "relationships": {"creator": owner, "owner": owner},
        }
    }


# -- runs --------------------------------------------------------------------------------------
def _nothing() -> object:
    return {}


@dataclass(frozen=True)
class _Run:
    """One instance. `outputs` and `trigger` are built on demand: some are megabytes."""

    instance_id: str
    workflow: _Workflow
    status: str  # detailsKind
    start_us: int
    end_us: int | None
    source_kind: str  # manual, api, monitor, schedule
    user: _User
    step_states: tuple[tuple[str, str], ...]
    outputs: Callable[[], object] = _nothing
    trigger: Callable[[], object] = _nothing
    error_detail: Mapping[str, object] | None = None
    outputs_too_big: bool = False

    def source(self) -> JSONObject:
        return {self.source_kind: self.user.acting_user()}

    def _summary_attributes(self) -> JSONObject:
        """What a list item carries; endTimestamp only once the run has ended."""
        attributes: JSONObject = {
            "instanceStatus": _status(self.status),
            "source": self.source(),
            "startTimestamp": _stamp(self.start_us),
        }
        if self.end_us is not None:
            attributes["endTimestamp"] = _stamp(self.end_us)
        return attributes

    def list_item(self) -> JSONObject:
        return {
            "attributes": self._summary_attributes(),
            "id": self.instance_id,
            "type": "instances",
        }

    def document(self) -> JSONObject:
        """The whole GET-instance body, shaped like the recording."""
        wf = self.workflow
        attributes = self._summary_attributes()
        attributes["outputs"] = {} if self.outputs_too_big else self.outputs()
        attributes["trigger"] = self.trigger()
        attributes["sourceForTemplating"] = {
            "initiator": self.user.initiator(),
            "name": wf.name,
            "type": self.source_kind,
            "url": f"{_WEB_UI}/workflow/{wf.id}?instance={self.instance_id}",
        }
        attributes["stepStateAssociations"] = [
            {"stepName": name, "stepState": state} for name, state in self.step_states
        ]
        if self.error_detail is not None:
            attributes["errorDetail"] = dict(self.error_detail)
        relationships = {
            "specVersion": {"data": {"id": wf.spec_version_id, "type": "spec_versions"}},
            "workflow": {"data": {"id": wf.id, "type": "workflows"}},
        }
        return {
            "data": {
                "attributes": attributes,
                "id": self.instance_id,
                "relationships": relationships,
                "type": "instances",
            },
            "included": [_spec_version_entry(wf), _workflow_entry(wf)],
            "meta": {
                "outputsTooBig": self.outputs_too_big,
                "sourceTooBig": False,
                "triggerTooBig": False,
            },
        }


def _status(kind: str) -> JSONObject:
    return {"detailsKind": kind, "displayName": _DISPLAY_NAMES.get(kind, kind)}


def _all_completed(workflow: _Workflow) -> tuple[tuple[str, str], ...]:
    return tuple((name, "COMPLETED") for name in workflow.step_names)


def _stopped_at(workflow: _Workflow, index: int, state: str) -> tuple[tuple[str, str], ...]:
    """Steps before `index` completed, step `index` in `state`; later ones never started, so
    (as in the recording) they are not listed."""
    names = workflow.step_names
    return (*((name, "COMPLETED") for name in names[:index]), (names[index], state))


# -- payloads of the named runs ----------------------------------------------------------------
_MONITOR: JSONObject = {
    "id": 148213907,
    "name": "High 5xx rate on checkout-api",
    "overallState": "Alert",
    "priority": 2,
    "query": (
        "sum(last_5m):sum:trace.http.request.errors{service:checkout-api,env:prod}.as_count()"
        " / sum:trace.http.request.hits{service:checkout-api,env:prod}.as_count() > 0.05"
    ),
    "tags": ["service:checkout-api", "env:prod", "team:payments"],
    "thresholds": {"critical": 0.05, "warning": 0.02},
}


def _monitor_trigger() -> object:
    return {
        "monitor": {
            "alertStatus": "Alert",
            "alertTransition": "Triggered",
            "id": _MONITOR["id"],
            "name": _MONITOR["name"],
            "tags": _MONITOR["tags"],
            "url": f"{_WEB_UI}/monitors/{_MONITOR['id']}",
        }
    }


def _triage_outputs() -> object:
    return {
        "deploys": [
            {
                "author": "j.okafor",
                "finishedAt": "2025-06-02T09:06:41.208113Z",
                "service": "checkout-api",
                "sha": "4e1f9c2",
                "status": "success",
                "title": "Switch payment client to pooled connections",
            },
            {
                "author": "m.lindqvist",
                "finishedAt": "2025-06-01T17:22:09.551780Z",
                "service": "checkout-api",
                "sha": "b07d3aa",
                "status": "success",
                "title": "Bump tax-rules to 3.14.0",
            },
        ],
        "monitor": _MONITOR,
        "slack": {
            "channel": "#payments-oncall",
            "permalink": "https://example.slack.com/archives/C04PAYMENTS/p1717319651284519",
            "ts": "1717319651.284519",
        },
        "summary": {
            "errorRate": 0.0731,
            "headline": "checkout-api 5xx at 7.3% since 09:07 UTC, 7 min after deploy 4e1f9c2",
            "suspectedDeploy": {"minutesBeforeAlert": 7, "sha": "4e1f9c2"},
            "topErrors": [
                {
                    "count": 812,
                    "endpoints": ["/v2/cart/checkout", "/v2/cart/confirm"],
                    "message": "PoolTimeoutError: no connection available within 2000 ms",
                },
                {
                    "count": 97,
                    "endpoints": ["/v2/cart/checkout"],
                    "message": "upstream payments-gateway returned 502",
                },
            ],
        },
    }


def _api_trigger() -> object:
    return {"reason": "re-check after rollback", "service": "checkout-api"}


def _large_outputs() -> object:
    """About 5 MB of JSON: thousands of records, an object with thousands of keys, long text."""
    rng = random.Random(_SEED)
    hosts = [_host_record(rng, index) for index in range(5200)]
    by_cluster = {f"cluster-{index:04d}": _cluster_record(rng) for index in range(3000)}
    csv_lines = ["hostname,region,role,cpu_p95,memory_used_pct"]
    csv_lines += [_csv_line(rng, host) for host in hosts]
    return {
        "byCluster": by_cluster,
        "hosts": hosts,
        "logExcerpts": [_log_excerpt(rng, hosts) for _ in range(300)],
        "reportCsv": "\n".join(csv_lines),
        "summary": {"clusters": len(by_cluster), "hosts": len(hosts), "generatedBy": "List_hosts"},
        "uploadedTo": "s3://inventory-exports/2025-06-02/hosts.json",
    }


_LOG_LINES = (
    'level=info msg="inventory sync finished" duration_ms={n} items={m}',
    'level=warn msg="tag cardinality above budget" tag=pod_name values={m} budget={n}',
    'level=error msg="agent check failed" check=disk error="permission denied" retry={n}',
    'level=debug msg="resolved host aliases" aliases={m} cache_hits={n} cache_misses=0',
)


def _log_excerpt(rng: random.Random, hosts: list[JSONObject]) -> str:
    """A few KB of log text: long strings, cheap to make, so the run reaches megabytes fast."""
    lines = []
    for _ in range(40):
        host = hosts[rng.randrange(len(hosts))]["hostname"]
        text = rng.choice(_LOG_LINES).format(n=rng.randrange(10_000), m=rng.randrange(100_000))
        lines.append(f"2025-06-02T02:0{rng.randrange(4)}:{rng.randrange(60):02d}Z {host} {text}")
    return "\n".join(lines)


def _csv_line(rng: random.Random, host: JSONObject) -> str:
    cpu, memory = rng.uniform(1, 99), rng.uniform(5, 95)
    return f"{host['hostname']},{host['region']},{host['role']},{cpu:.2f},{memory:.1f}"


_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
_ROLES = ("web", "api", "worker", "db", "cache", "queue")
_SERVICES = ("checkout-api", "cart", "search", "payments", "inventory", "auth", "mailer")


def _host_record(rng: random.Random, index: int) -> JSONObject:
    region = rng.choice(_REGIONS)
    role = rng.choice(_ROLES)
    services = [
        {"name": name, "port": rng.randrange(3000, 9000), "version": f"1.{rng.randrange(40)}.0"}
        for name in rng.sample(_SERVICES, rng.randrange(1, 4))
    ]
    return {
        "agentVersion": f"7.{rng.randrange(50, 66)}.{rng.randrange(4)}",
        "hostname": f"{role}-{index:05d}.{region}.internal",
        "id": rng.getrandbits(40),
        "metrics": {
            "cpu": {"p50": round(rng.uniform(1, 60), 2), "p95": round(rng.uniform(20, 99), 2)},
            "disk": [
                {"mount": "/", "usedPct": round(rng.uniform(10, 90), 1)},
                {"mount": "/data", "usedPct": round(rng.uniform(0, 99), 1)},
            ],
            "memory": {"totalBytes": 17_179_869_184, "usedBytes": rng.randrange(10**9, 16 * 10**9)},
        },
        "region": region,
        "role": role,
        "services": services,
        "tags": ["env:prod", f"region:{region}", f"role:{role}", f"az:{region}{'abc'[index % 3]}"],
        "up": rng.random() > 0.02,
    }


def _cluster_record(rng: random.Random) -> JSONObject:
    return {
        "hosts": rng.randrange(1, 40),
        "owner": f"team-{rng.choice(_SERVICES)}",
        "region": rng.choice(_REGIONS),
        "spendUsd": round(rng.uniform(10, 25_000), 2),
    }


def _tricky_payload() -> object:
    """Keys and values that trip naive renderers: markup, dots, unicode, empties, big numbers."""
    deep: JSONObject = {"bottom": "twelve levels down"}
    for level in range(11, 0, -1):
        deep = {f"level{level}": deep}
    return {
        "": "a key that is the empty string",
        " padded key ": "leading and trailing spaces",
        "[0]": "a key that looks like an array index",
        "[b]x[/b]": "this key looks like console markup",
        "[red]": "[/]",
        "closing": "a value containing [/] and [bold]unclosed",
        "weird.key": {"a.b.c": "dots are not paths", "x[0]": "brackets are not indexes"},
        "unicode": "héllo wörld · 日本語 · עברית · 🚀🔥 · e\u0301 · zero\u200bwidth",
        "emoji 🔑": "key with an emoji",
        "controls": "bell\u0007 escape\u001b[31mred tab\tnew\nline",
        'quote"and\\backslash': 'value with "quotes" and \\ backslashes',
        "html": "<script>alert('hi')</script> &amp;",
        "emptyObject": {},
        "emptyArray": [],
        "nothing": None,
        "yes": True,
        "no": False,
        "zero": 0,
        "negativeZero": -0.0,
        "bigInt": 123456789012345678901234567890,
        "beyondDoublePrecision": 9007199254740993,
        "negative": -42,
        "float": 3.141592653589793,
        "tiny": 5e-324,
        "huge": 1.7976931348623157e308,
        "exponent": 6.02214076e23,
        "numericKeys": {"0": "zero", "10": "ten", "2": "two", "-1": "minus one"},
        "mixedArray": [1, "two", None, True, {"k": []}, [[]], 2.5, {}],
        "deep": deep,
        "longString": "lorem ipsum dolor sit amet " * 400,
        "multiline": "first line\nsecond line\n\n  indented fourth\n",
        "url": "https://example.com/search?q=[a]&page=2#frag",
    }


def _tricky_outputs() -> object:
    return {"echoed": _tricky_payload(), "Parse_payload": {"data": {"received": True}}}


def _named_runs() -> list[_Run]:
    failed_detail = {
        "message": (
            "Request failed with status code 503: upstream connect error or disconnect/reset"
            " before headers. reset reason: connection termination"
        ),
        "stepName": "Fetch_recent_deploys",
    }
    return [
        _Run(
            SUCCEEDED_INSTANCE_ID,
            _TRIAGE,
            "SUCCEEDED",
            _us("2025-06-02T09:14:03.512884Z"),
            _us("2025-06-02T09:14:11.947301Z"),
            "monitor",
            _OWNER,
            _all_completed(_TRIAGE),
            outputs=_triage_outputs,
            trigger=_monitor_trigger,
        ),
        _Run(
            FAILED_INSTANCE_ID,
            _TRIAGE,
            "STEP_ERROR",
            _us("2025-06-02T07:41:26.004517Z"),
            _us("2025-06-02T07:41:58.663029Z"),
            "monitor",
            _OWNER,
            _stopped_at(_TRIAGE, 1, "FAILED"),
            trigger=_monitor_trigger,
            error_detail=failed_detail,
        ),
        _Run(
            CANCELED_INSTANCE_ID,
            _TRIAGE,
            "CANCELED",
            _us("2025-06-01T22:05:17.380942Z"),
            _us("2025-06-01T22:06:40.219283Z"),
            "manual",
            _ONCALL,
            _stopped_at(_TRIAGE, 1, "CANCELED"),
        ),
        _Run(
            LARGE_INSTANCE_ID,
            _EXPORT,
            "SUCCEEDED",
            _us("2025-06-02T02:00:04.118420Z"),
            _us("2025-06-02T02:03:51.870335Z"),
            "schedule",
            _BOT,
            _all_completed(_EXPORT),
            outputs=_large_outputs,
        ),
        _Run(
            TRICKY_INSTANCE_ID,
            _WEBHOOK,
            "SUCCEEDED",
            _us("2025-06-01T16:22:48.907716Z"),
            _us("2025-06-01T16:22:49.301554Z"),
            "api",
            _ONCALL,
            _all_completed(_WEBHOOK),
            outputs=_tricky_outputs,
            trigger=_tricky_payload,
        ),
    ]


# -- generated history -------------------------------------------------------------------------
def _random_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _history(workflow: _Workflow, count: int, newest_us: int, spacing_s: float) -> list[_Run]:
    """`count` older runs, newest first, spaced about `spacing_s` apart, mostly successful."""
    rng = random.Random(f"{_SEED}:{workflow.id}")
    runs = []
    start_us = newest_us
    for _ in range(count):
        start_us -= _seconds_us(spacing_s * rng.uniform(0.5, 1.5))
        runs.append(_historical_run(rng, workflow, start_us))
    return runs


def _historical_run(rng: random.Random, workflow: _Workflow, start_us: int) -> _Run:
    roll = rng.random()
    end_us = start_us + _seconds_us(rng.uniform(3, 45))
    source_kind = _source_kind(workflow)
    run = _Run(
        _random_uuid(rng),
        workflow,
        "SUCCEEDED",
        start_us,
        end_us,
        source_kind,
        workflow.owner,
        _all_completed(workflow),
        outputs=_small_outputs_for(rng.getrandbits(32)),
        trigger=_monitor_trigger if source_kind == "monitor" else _nothing,
        outputs_too_big=workflow is _EXPORT,  # a real nightly export is too big to return
    )
    if roll < 0.12:
        failing = rng.randrange(len(workflow.steps))
        step = workflow.step_names[failing]
        detail = {"message": rng.choice(_STEP_ERRORS), "stepName": step}
        steps = _stopped_at(workflow, failing, "FAILED")
        return replace(run, status="STEP_ERROR", step_states=steps, error_detail=detail)
    if roll < 0.15:
        detail = {"message": "Instance exceeded the maximum run time of 3600 seconds"}
        steps = _stopped_at(workflow, 0, "CANCELED")
        return replace(run, status="INSTANCE_ERROR", step_states=steps, error_detail=detail)
    if roll < 0.19:
        steps = _stopped_at(workflow, rng.randrange(len(workflow.steps)), "CANCELED")
        return replace(
            run, status="CANCELED", source_kind="manual", step_states=steps, trigger=_nothing
        )
    return run


def _source_kind(workflow: _Workflow) -> str:
    """How the workflow's usual runs start: its first trigger."""
    first = workflow.triggers[0]
    if "monitorTrigger" in first:
        return "monitor"
    if "scheduleTrigger" in first:
        return "schedule"
    return "api"


_STEP_ERRORS = (
    "Request failed with status code 503",
    "Request failed with status code 429: rate limit exceeded on deploys.example.com",
    "TypeError: Cannot read properties of undefined (reading 'deploys')",
    "channel_not_found: the bot is not a member of #payments-oncall",
    "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
)


def _small_outputs_for(seed: int) -> Callable[[], object]:
    """Outputs of a historical run: small, built only when someone opens that run."""

    def build() -> object:
        rng = random.Random(seed)
        return {
            "summary": {
                "errorRate": round(rng.uniform(0.05, 0.2), 4),
                "suspectedDeploy": None if rng.random() < 0.5 else f"{rng.getrandbits(28):07x}",
                "topErrors": [
                    {"count": rng.randrange(5, 900), "message": rng.choice(_STEP_ERRORS)}
                    for _ in range(rng.randrange(1, 4))
                ],
            }
        }

    return build


def _all_static_runs() -> dict[str, dict[str, _Run]]:
    """workflow id -> instance id -> run, for every run whose content never changes."""
    runs = _named_runs()
    runs += _history(_TRIAGE, HISTORICAL_TRIAGE_RUNS, _us("2025-06-01T21:30:00.000000Z"), 5 * 3600)
    runs += _history(_EXPORT, 6, _us("2025-06-01T02:00:00.000000Z"), 86_400)
    runs += _history(_WEBHOOK, 3, _us("2025-06-01T11:00:00.000000Z"), 7 * 3600)
    by_workflow: dict[str, dict[str, _Run]] = {wf: {} for wf in _WORKFLOWS}
    for run in runs:
        by_workflow[run.workflow.id][run.instance_id] = run
    return by_workflow


# -- rate limits -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Quota:
    name: str
    limit: int
    remaining: int
    reset: int
    exhausted: bool

    def headers(self, *, lower: bool = False) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Period": str(RATE_LIMIT_PERIOD),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
            "X-RateLimit-Name": self.name,
        }
        return {k.lower(): v for k, v in headers.items()} if lower else headers


@dataclass
class _RateLimiter:
    """Per-bucket counters over calendar-aligned windows, as Datadog counts."""

    limit: int
    clock: Callable[[], float]
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _used: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (window, used)

    def take(self, name: str) -> _Quota:
        now = self.clock()
        window = int(now // RATE_LIMIT_PERIOD)
        with self._lock:
            seen_window, used = self._used.get(name, (window, 0))
            used = used + 1 if seen_window == window else 1
            self._used[name] = (window, used)
        reset = RATE_LIMIT_PERIOD - int(now) % RATE_LIMIT_PERIOD
        remaining = max(self.limit - used, 0)
        return _Quota(name, self.limit, remaining, reset, used > self.limit)


# -- replies -----------------------------------------------------------------------------------
def _encode(payload: object) -> bytes:
    # The instance endpoints come from an encoder that sorts keys and ends with a newline.
    # Non-ASCII goes out as raw UTF-8, as Datadog sends it, not as \u escapes.
    text = json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.encode() + b"\n"


def _json(status: int, payload: object) -> Reply:
    return Reply(status, _encode(payload), {"Content-Type": "application/json"})


def _api_json(status: int, payload: object) -> Reply:
    # The workflow endpoints speak JSON:API: unsorted keys, no trailing newline.
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return Reply(status, body, {"Content-Type": "application/vnd.api+json"})


def _invalid(field_name: str) -> Reply:
    detail = f"value <no value> is invalid for field {field_name}"
    return _json(400, {"errors": [{"code": "INVALID_FIELD_VALUE", "detail": detail}]})


def _workflow_not_found() -> Reply:
    return _json(404, {"errors": [{"code": "WORKFLOW_NOT_FOUND", "detail": "workflow not found"}]})


def _instance_not_found(instance_id: str) -> Reply:
    detail = f"instance {instance_id} not found"
    return _json(404, {"errors": [{"code": "INSTANCE_NOT_FOUND", "detail": detail}]})


def _forbidden() -> Reply:
    return _json(403, {"errors": ["Forbidden"]})


def _too_many(quota: _Quota, *, lower: bool) -> Reply:
    reply = _json(429, {"errors": ["Too many requests"]})
    if lower:
        reply.headers = {"content-type": "application/json"}
    reply.headers.update(quota.headers(lower=lower))
    return reply


def _is_uuid(value: str) -> bool:
    return bool(_UUID_RE.match(value))


# -- the catalog -------------------------------------------------------------------------------
@dataclass
class _RunningState:
    started_us: int | None = None
    canceled_us: int | None = None


@dataclass(frozen=True)
class _Route:
    bucket: str
    handle: Callable[[RecordedRequest], Reply]


class DemoCatalog:
    """The demo's workflows and runs, answering like Datadog (see the module docstring)."""

    def __init__(
        self,
        *,
        running_seconds: float = 20.0,
        rate_limit: int = 1000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if running_seconds < 0:
            raise ValueError("running_seconds must not be negative")
        self.running_seconds = running_seconds
        self._clock = clock
        self._limiter = _RateLimiter(rate_limit, clock)
        self._runs = _all_static_runs()
        self._running = _RunningState()
        self._lock = threading.Lock()
        self._bodies: dict[str, bytes] = {}  # encoded static instances, the large one included

    # -- entry point ---------------------------------------------------------------------------
    def answer(self, request: RecordedRequest) -> Reply | None:
        route = self._route(request)
        if route is None:
            return None
        quota = self._limiter.take(route.bucket)
        if quota.exhausted:
            return _too_many(quota, lower=False)
        reply = route.handle(request)
        if not any(name.lower().startswith("x-ratelimit-") for name in reply.headers):
            reply.headers.update(quota.headers())
        return reply

    def _route(self, request: RecordedRequest) -> _Route | None:
        parts = request.path.strip("/").split("/")
        method = request.method
        if parts == ["api", "v1", "validate"] and method == "GET":
            return _Route("validate", lambda _: _json(200, {"valid": True}))
        if parts[:3] != ["api", "v2", "workflows"] or len(parts) < 4:
            return None
        rest = parts[4:]
        wf = parts[3]
        if not rest and method == "GET":
            return _Route("workflows", lambda _: self._get_workflow(wf))
        if rest == ["instances"] and method == "GET":
            return _Route("workflows_instances", lambda req: self._list(wf, req))
        if len(rest) == 2 and rest[0] == "instances" and method == "GET":
            return _Route("workflows_instances", lambda _: self._get_instance(wf, rest[1]))
        if len(rest) == 3 and rest[0] == "instances" and rest[2] == "cancel" and method == "PUT":
            return _Route("workflows_instances_cancel", lambda _: self._cancel(wf, rest[1]))
        return None

    # -- GET /api/v2/workflows/{wf} ------------------------------------------------------------
    def _get_workflow(self, workflow_id: str) -> Reply:
        if not _is_uuid(workflow_id):
            detail = 'invalid parameter "workflowId" in "path"; expected type "uuid"'
            error = {"status": "400", "title": "Invalid Parameter", "detail": detail}
            return _api_json(400, {"errors": [error]})
        workflow = _WORKFLOWS.get(workflow_id.lower())
        if workflow is None:
            return _api_json(404, {"errors": [{"detail": "workflow not found"}]})
        return _api_json(200, _workflow_document(workflow))

    # -- GET /api/v2/workflows/{wf}/instances/{inst} -------------------------------------------
    def _check_ids(self, workflow_id: str, instance_id: str) -> Reply | None:
        """The errors every instance endpoint shares, in the order the server checks them."""
        if not _is_uuid(workflow_id):
            return _invalid("workflow_id")
        if not _is_uuid(instance_id):
            return _invalid("instance_id")
        if workflow_id.lower() not in _WORKFLOWS:
            return _workflow_not_found()
        instance = instance_id.lower()
        if instance == FORBIDDEN_INSTANCE_ID:
            return _forbidden()
        if instance == RATE_LIMITED_INSTANCE_ID:
            # Reports 0 remaining whatever the real count, with lower-case header names, which
            # Datadog also sends.
            limit = self._limiter.limit
            quota = _Quota("workflows_instances", limit, 0, RATE_LIMITED_RESET_SECONDS, True)
            return _too_many(quota, lower=True)
        return None

    def _get_instance(self, workflow_id: str, instance_id: str) -> Reply:
        error = self._check_ids(workflow_id, instance_id)
        if error is not None:
            return error
        wf, instance = workflow_id.lower(), instance_id.lower()
        if wf == DEMO_WORKFLOW_ID and instance == RUNNING_INSTANCE_ID:
            return _json(200, self._running_run(start=True).document())
        run = self._runs[wf].get(instance)
        if run is None:
            return _instance_not_found(instance_id)
        return Reply(200, self._static_body(run), {"Content-Type": "application/json"})

    def _static_body(self, run: _Run) -> bytes:
        # Built once, under the lock, so the large run is generated a single time even when
        # several requests for it arrive together.
        with self._lock:
            body = self._bodies.get(run.instance_id)
            if body is None:
                body = _encode(run.document())
                self._bodies[run.instance_id] = body
            return body

    # -- the running run -----------------------------------------------------------------------
    def _now_us(self) -> int:
        return _seconds_us(self._clock())

    def _running_run(self, *, start: bool) -> _Run:
        """The running run as of now. Its clock starts the first time it is fetched (or
        canceled), so the demo shows the whole progression however long the user browsed
        before; until then a list shows it as just started."""
        now = self._now_us()
        with self._lock:
            if start and self._running.started_us is None:
                self._running.started_us = now
            started = self._running.started_us
            canceled = self._running.canceled_us
        return self._running_view(started if started is not None else now, canceled, now)

    def _running_view(self, started_us: int, canceled_us: int | None, now_us: int) -> _Run:
        duration_us = _seconds_us(self.running_seconds)
        run = _Run(
            RUNNING_INSTANCE_ID,
            _TRIAGE,
            "IN_PROGRESS",
            started_us,
            None,
            "api",
            _ONCALL,
            (),
            trigger=_api_trigger,
        )
        if canceled_us is not None and canceled_us - started_us < duration_us:
            current = self._current_step(canceled_us - started_us)
            steps = _stopped_at(_TRIAGE, current, "CANCELED")
            return replace(run, status="CANCELED", end_us=canceled_us, step_states=steps)
        if now_us - started_us >= duration_us:
            end_us = started_us + duration_us
            steps = _all_completed(_TRIAGE)
            return replace(
                run, status="SUCCEEDED", end_us=end_us, step_states=steps, outputs=_triage_outputs
            )
        current = self._current_step(now_us - started_us)
        names = _TRIAGE.step_names
        steps = tuple(
            (name, "COMPLETED" if i < current else "RUNNING" if i == current else "PENDING")
            for i, name in enumerate(names)
        )
        return replace(run, step_states=steps)

    def _current_step(self, elapsed_us: int) -> int:
        """Index of the step running after `elapsed_us`: the steps share the time equally."""
        count = len(_TRIAGE.steps)
        duration_us = max(_seconds_us(self.running_seconds), 1)
        return min(int(elapsed_us * count // duration_us), count - 1)

    # -- PUT .../cancel ------------------------------------------------------------------------
    def _cancel(self, workflow_id: str, instance_id: str) -> Reply:
        error = self._check_ids(workflow_id, instance_id)
        if error is not None:
            return error
        wf, instance = workflow_id.lower(), instance_id.lower()
        if wf == DEMO_WORKFLOW_ID and instance == RUNNING_INSTANCE_ID:
            self._cancel_running()
            return _json(200, {})
        if instance not in self._runs[wf]:
            return _instance_not_found(instance_id)
        # Canceling a run that has already ended changes nothing and still answers `{}`.
        return _json(200, {})

    def _cancel_running(self) -> None:
        now = self._now_us()
        with self._lock:
            if self._running.started_us is None:
                self._running.started_us = now
            finished = now - self._running.started_us >= _seconds_us(self.running_seconds)
            if self._running.canceled_us is None and not finished:
                self._running.canceled_us = now

    # -- GET /api/v2/workflows/{wf}/instances --------------------------------------------------
    def _list(self, workflow_id: str, request: RecordedRequest) -> Reply:
        if not _is_uuid(workflow_id):
            return _invalid("workflow_id")
        wf = workflow_id.lower()
        if wf not in _WORKFLOWS:
            return _workflow_not_found()
        size = _page_param(request, "page[size]", default=10, minimum=1)
        number = _page_param(request, "page[number]", default=0, minimum=0)
        if size is None:
            return _invalid("page[size]")
        if number is None:
            return _invalid("page[number]")
        size = min(size, 100)  # the documented maximum
        runs = list(self._runs[wf].values())
        if wf == DEMO_WORKFLOW_ID:
            runs.append(self._running_run(start=False))
        runs.sort(key=lambda run: (run.start_us, run.instance_id), reverse=True)
        page = runs[number * size : (number + 1) * size]
        return _json(200, {"data": [run.list_item() for run in page], "meta": _list_meta(runs)})


def _page_param(request: RecordedRequest, name: str, *, default: int, minimum: int) -> int | None:
    """The integer query parameter `name`, or None when it is not a valid one."""
    values = request.query.get(name)
    if not values:
        return default
    try:
        value = int(values[0])
    except ValueError:
        return None
    return value if value >= minimum else None


def _list_meta(runs: list[_Run]) -> JSONObject:
    statuses = [run.status for run in runs]
    return {
        "canceledCount": statuses.count("CANCELED"),
        "failedCount": sum(statuses.count(kind) for kind in _FAILED_KINDS),
        "page": {"totalCount": len(runs), "totalFilteredCount": len(runs)},
        "succeededCount": statuses.count("SUCCEEDED"),
    }


def start_demo_server(*, running_seconds: float = 20.0) -> FakeDatadog:
    """A started fake Datadog serving the demo catalog on 127.0.0.1, on an ephemeral port."""
    return FakeDatadog(DemoCatalog(running_seconds=running_seconds)).start()
