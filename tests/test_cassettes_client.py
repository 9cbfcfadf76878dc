"""Datadog's recorded responses, replayed over loopback and read by the real client."""

from __future__ import annotations

import re

import pytest

from tests.cassettes import Interaction, cassette_names, load_cassette, load_interaction, serve
from wfbrowse.api import ApiResult, DatadogClient
from wfbrowse.errors import BadRequest, WfError, WorkflowNotFound

GET_INSTANCE = re.compile(r"^/api/v2/workflows/([^/]+)/instances/([^/]+)$")
LIST_INSTANCES = re.compile(r"^/api/v2/workflows/([^/]+)/instances$")
GET_WORKFLOW = re.compile(r"^/api/v2/workflows/([^/]+)$")
VALIDATE = "/api/v1/validate"


def client_call(client: DatadogClient, interaction: Interaction):
    """The client method that makes the recorded request, or None when it has none."""
    if interaction.method != "GET":
        return None  # cancel, execute, create and delete are not the client's business yet
    path = interaction.path
    if match := GET_INSTANCE.match(path):
        return client.get_instance(match[1], match[2])
    if match := LIST_INSTANCES.match(path):
        return client.list_instances(match[1])
    if match := GET_WORKFLOW.match(path):
        return client.get_workflow(match[1])
    if path == VALIDATE:
        return client.validate()
    return None


REPLAYABLE = [
    (name, interaction)
    for name in cassette_names()
    for interaction in load_cassette(name)
    if interaction.method == "GET"
]


@pytest.fixture
async def client(fake_datadog, test_credentials):
    c = DatadogClient(fake_datadog.url, test_credentials, connect_timeout=2.0, read_timeout=5.0)
    yield c
    await c.aclose()


async def replay(server, client, name: str) -> ApiResult:
    interaction = load_interaction(name, "GET")
    serve(server, interaction)
    call = client_call(client, interaction)
    assert call is not None
    result: ApiResult = await call
    assert server.requests[-1].path == interaction.path
    return result


async def replay_error(server, client, name: str) -> WfError:
    with pytest.raises(WfError) as caught:
        await replay(server, client, name)
    return caught.value


def test_the_cassettes_are_there():
    assert len(cassette_names()) >= 13
    assert len(REPLAYABLE) == 8


@pytest.mark.parametrize(("name", "interaction"), REPLAYABLE, ids=[n for n, _ in REPLAYABLE])
async def test_every_recorded_get_round_trips(fake_datadog, client, name, interaction):
    serve(fake_datadog, interaction)
    call = client_call(client, interaction)
    assert call is not None, f"no client method for {interaction.method} {interaction.path}"
    if 200 <= interaction.status <= 299:
        result = await call
        assert result.status == interaction.status
        assert result.raw == interaction.body
        assert result.size == len(interaction.body)
        assert result.data
    else:
        with pytest.raises(WfError) as caught:
            await call
        assert caught.value.status == interaction.status
        assert "\n" not in caught.value.one_line()
    request = fake_datadog.requests[-1]
    assert request.path == interaction.path
    assert request.header("accept") == "application/json"


# -- get an instance -----------------------------------------------------------------------------
async def test_instance_ok(fake_datadog, client):
    result = await replay(fake_datadog, client, "test_get_a_workflow_instance_returns_ok_response")
    data = result.data["data"]
    attributes = data["attributes"]
    assert data["id"] == "305a472b-71ab-4ce8-8f8d-75db635627b5"
    assert attributes["instanceStatus"] == {"detailsKind": "CANCELED", "displayName": "Canceled"}
    assert attributes["stepStateAssociations"] == [{"stepName": "Sleep", "stepState": "CANCELED"}]
    assert attributes["sourceForTemplating"]["url"].endswith(
        "?instance=305a472b-71ab-4ce8-8f8d-75db635627b5"
    )
    spec_version = next(i for i in result.data["included"] if i["type"] == "spec_versions")
    assert spec_version["attributes"]["spec"]["steps"][0]["name"] == "Sleep"
    assert result.data["meta"] == {
        "outputsTooBig": False,
        "sourceTooBig": False,
        "triggerTooBig": False,
    }


async def test_instance_bad_request(fake_datadog, client):
    error = await replay_error(
        fake_datadog, client, "test_get_a_workflow_instance_returns_bad_request_response"
    )
    assert type(error) is BadRequest
    assert error.code == "INVALID_FIELD_VALUE"
    assert error.message == "value <no value> is invalid for field workflow_id"
    assert "UUID" in error.hint


async def test_instance_not_found_is_workflow_not_found(fake_datadog, client):
    error = await replay_error(
        fake_datadog, client, "test_get_a_workflow_instance_returns_not_found_response"
    )
    assert type(error) is WorkflowNotFound
    assert error.code == "WORKFLOW_NOT_FOUND"
    assert error.message == "workflow not found"


# -- list instances ------------------------------------------------------------------------------
async def test_list_ok(fake_datadog, client):
    result = await replay(fake_datadog, client, "test_list_workflow_instances_returns_ok_response")
    items = result.data["data"]
    assert [i["attributes"]["instanceStatus"]["detailsKind"] for i in items] == [
        "IN_PROGRESS",
        "CANCELED",
    ]
    assert "endTimestamp" not in items[0]["attributes"]
    assert result.data["meta"]["page"] == {"totalCount": 2, "totalFilteredCount": 2}
    assert fake_datadog.requests[-1].query == {"page[size]": ["50"], "page[number]": ["0"]}


async def test_list_bad_request(fake_datadog, client):
    error = await replay_error(
        fake_datadog, client, "test_list_workflow_instances_returns_bad_request_response"
    )
    assert type(error) is BadRequest
    assert error.message == "value <no value> is invalid for field workflow_id"


# -- get a workflow ------------------------------------------------------------------------------
async def test_workflow_ok_with_json_api_content_type(fake_datadog, client):
    name = "test_get_an_existing_workflow_returns_successfully_got_a_workflow_response"
    assert load_interaction(name).content_type == "application/vnd.api+json"
    result = await replay(fake_datadog, client, name)
    attributes = result.data["data"]["attributes"]
    assert attributes["name"] == "Cassette Workflow x-given"
    assert attributes["published"] is True
    assert attributes["spec"]["steps"] == [{"name": "No_op", "actionId": "com.datadoghq.core.noop"}]


async def test_workflow_bad_request_json_api_shape(fake_datadog, client):
    error = await replay_error(
        fake_datadog, client, "test_get_an_existing_workflow_returns_bad_request_response"
    )
    assert type(error) is BadRequest
    assert error.message == 'invalid parameter "workflowId" in "path"; expected type "uuid"'
    assert error.code is None


async def test_workflow_not_found_detail_only_shape(fake_datadog, client):
    error = await replay_error(
        fake_datadog, client, "test_get_an_existing_workflow_returns_not_found_response"
    )
    assert type(error) is WorkflowNotFound
    assert error.message == "workflow not found"
    assert "workflow ID" in error.hint


# -- the loader itself ---------------------------------------------------------------------------
def test_loader_reads_bodies_exactly():
    interaction = load_interaction("test_cancel_a_workflow_instance_returns_ok_response", "PUT")
    assert interaction.body == b"{}\n"
    assert interaction.status == 200
    assert interaction.reason == "OK"
    assert interaction.headers == {"content-type": "application/json"}
    assert interaction.request_headers == {"accept": "application/json"}
    no_newline = load_interaction("test_get_an_existing_workflow_returns_not_found_response")
    assert no_newline.body == b'{"errors":[{"detail":"workflow not found"}]}'


def test_loader_multi_interaction_cassette():
    name = "test_get_an_existing_workflow_returns_successfully_got_a_workflow_response"
    methods = [i.method for i in load_cassette(name)]
    assert methods == ["POST", "GET", "DELETE"]
    deleted = load_interaction(name, "DELETE")
    assert (deleted.status, deleted.body) == (204, b"")
    created = load_interaction(name, "POST")
    assert created.request_body is not None
    assert created.request_body.startswith(b'{"data":')
    with pytest.raises(LookupError):
        load_interaction(name, "PATCH")
