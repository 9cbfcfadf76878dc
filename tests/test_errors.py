from __future__ import annotations

import json

import pytest

from tests.cassettes import cassette_names, load_cassette
from wfbrowse import errors
from wfbrowse.errors import (
    BadRequest,
    Forbidden,
    HttpError,
    InstanceNotFound,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    WfError,
    WorkflowNotFound,
    error_from_response,
    parse_error_body,
)
from wfbrowse.ratelimit import RateLimit
from wfbrowse.textsafe import KEY_HIDDEN


def make(status, body=b"", *, reason="", endpoint="instance", rate_limit=None):
    if isinstance(body, str):
        body = body.encode()
    return error_from_response(status, reason, body, endpoint=endpoint, rate_limit=rate_limit)


def assert_one_line(error: WfError) -> None:
    line = error.one_line()
    assert "\n" not in line
    assert "\r" not in line
    assert len(line.splitlines()) == 1
    assert all(ch.isprintable() for ch in line), line
    assert str(error) == line


# -- every body shape ----------------------------------------------------------------------------
def test_code_and_detail_shape():
    body = '{"errors":[{"code":"WORKFLOW_NOT_FOUND","detail":"workflow not found"}]}\n'
    err = make(404, body, reason="Not Found")
    assert isinstance(err, WorkflowNotFound)
    assert err.code == "WORKFLOW_NOT_FOUND"
    assert err.message == "workflow not found"
    assert err.status == 404


def test_instance_not_found_code_has_retry_hint():
    body = '{"errors":[{"code":"INSTANCE_NOT_FOUND","detail":"instance abc not found"}]}'
    err = make(404, body)
    assert isinstance(err, InstanceNotFound)
    assert err.message == "instance abc not found"
    assert "briefly" in err.hint
    assert "try again in a few seconds" in err.hint


def test_json_api_shape_uses_detail():
    body = json.dumps(
        {"errors": [{"status": "400", "title": "Invalid Parameter", "detail": "bad workflowId"}]}
    )
    err = make(400, body, endpoint="workflow")
    assert isinstance(err, BadRequest)
    assert err.message == "bad workflowId"
    assert err.code is None


def test_json_api_title_alone():
    err = make(400, '{"errors":[{"status":"400","title":"Invalid Parameter"}]}')
    assert err.message == "Invalid Parameter"


def test_detail_only_shape_on_workflow_endpoint():
    err = make(404, '{"errors":[{"detail":"workflow not found"}]}', endpoint="workflow")
    assert isinstance(err, WorkflowNotFound)
    assert err.message == "workflow not found"


def test_string_list_shape_forbidden():
    err = make(403, '{"errors":["Forbidden"]}', reason="Forbidden")
    assert isinstance(err, Forbidden)
    # "Forbidden" only repeats the status: the message says what it means instead.
    assert err.message == "access denied (HTTP 403)"
    assert "Actions API access" in err.hint
    assert "workflows_read" in err.hint


def test_string_list_shape_with_information():
    err = make(403, '{"errors":["Failed permission authorization checks"]}')
    assert err.message == "access denied (HTTP 403): Failed permission authorization checks"


def test_several_errors_are_joined():
    err = make(
        400, '{"errors":[{"detail":"a is bad"},{"detail":"b is bad"},{"detail":"a is bad"}]}'
    )
    assert err.message == "a is bad; b is bad"


def test_json_sent_as_text_plain_is_still_parsed():
    # The content-type is never looked at: the same bytes give the same error.
    err = make(400, '{"errors":[{"code":"INVALID_FIELD_VALUE","detail":"value x is invalid"}]}')
    assert err.code == "INVALID_FIELD_VALUE"
    assert err.message == "value x is invalid"


def test_other_json_envelopes():
    assert make(418, '{"error":"teapot here"}').message == "HTTP 418 I'm a Teapot: teapot here"
    assert make(418, '{"message":"short and stout"}').message.endswith("short and stout")
    assert make(418, '"just a string"').message.endswith("just a string")
    assert make(418, '{"errors":"one string"}').message.endswith("one string")


def test_unrecognised_json_is_quoted():
    err = make(409, '{"foo": 1}')
    assert isinstance(err, HttpError)
    assert err.message == 'HTTP 409 Conflict: {"foo": 1}'


def test_empty_errors_list_falls_back_to_status_line():
    err = make(400, '{"errors":[]}', reason="Bad Request")
    assert err.message == "HTTP 400 Bad Request"


def test_html_from_a_proxy_uses_title():
    body = (
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    err = make(502, body, reason="Bad Gateway")
    assert isinstance(err, ServerError)
    # The title only repeats the status line: not said twice.
    assert err.message == "Datadog server error (HTTP 502 Bad Gateway)"
    assert "try again" in err.hint
    assert_one_line(err)


def test_html_title_with_information_and_entities():
    body = "<!DOCTYPE html><html><head><title>\n  Access &amp; Denied\n</title></head></html>"
    err = make(503, body, reason="Service Unavailable")
    assert err.message == "Datadog server error (HTTP 503 Service Unavailable): Access & Denied"


def test_html_without_title_uses_status_line():
    err = make(504, "<html><body><h1>Gateway Timeout</h1>\n<p>upstream</p></body></html>")
    assert err.message == "Datadog server error (HTTP 504 Gateway Timeout)"


def test_plain_text_first_non_empty_line():
    err = make(500, "\n\n   upstream connect error or disconnect/reset  \nsecond line\n")
    assert err.message == (
        "Datadog server error (HTTP 500 Internal Server Error): "
        "upstream connect error or disconnect/reset"
    )


def test_empty_body_uses_status_line():
    assert make(400, b"", reason="Bad Request").message == "HTTP 400 Bad Request"
    assert make(418, b"").message == "HTTP 418 I'm a Teapot"
    assert make(599, b"").message == "Datadog server error (HTTP 599)"
    assert make(404, b"   \n").message == "not found (HTTP 404)"


def test_server_reason_phrase_wins_over_standard_one():
    assert make(400, b"", reason="Nope").message == "HTTP 400 Nope"


def test_invalid_utf8_body():
    err = make(500, b'{"errors":["bad \xff\xfe byte"]}')
    assert "bad" in err.message
    assert "\ufffd" in err.message
    assert_one_line(err)
    err = make(500, b"\xff\xfe\xfd garbage")
    assert_one_line(err)


def test_huge_line_is_shortened():
    err = make(500, "x" * 100_000)
    detail = err.message.split(": ", 1)[1]
    assert len(detail) <= errors.MAX_DETAIL
    assert detail.endswith("…")


def test_huge_json_detail_is_shortened():
    err = make(400, json.dumps({"errors": [{"detail": "y" * 5000}]}))
    assert len(err.message) <= errors.MAX_DETAIL


def test_control_characters_escaped():
    body = json.dumps({"errors": [{"detail": "evil\x1b[2J\x07 text\u202e\u2028end\x00"}]})
    err = make(400, body)
    assert "\x1b" not in err.message
    assert "\\x1b[2J" in err.message
    assert "\\x07" in err.message
    assert "\\u202e" in err.message
    assert "\\u2028" in err.message
    assert "\\x00" in err.message
    assert_one_line(err)


def test_newlines_in_detail_become_one_line():
    err = make(400, json.dumps({"errors": [{"detail": "line one\nline two\r\nline three"}]}))
    assert err.message == "line one line two line three"
    assert_one_line(err)


def test_code_is_sanitised():
    err = make(400, json.dumps({"errors": [{"code": "X\nY" + "z" * 200, "detail": "d"}]}))
    assert err.code is not None
    assert "\n" not in err.code
    assert len(err.code) <= 64


# -- status mapping ------------------------------------------------------------------------------
def test_unauthorized():
    err = make(401, '{"errors":["Unauthorized"]}', reason="Unauthorized")
    assert isinstance(err, Unauthorized)
    assert err.message == "API key rejected (HTTP 401)"
    assert "DD_API_KEY" in err.hint
    assert "keys screen" in err.hint


def test_bare_404_per_endpoint():
    assert type(make(404, b"", endpoint="workflow")) is WorkflowNotFound
    assert type(make(404, b"", endpoint="instance")) is NotFound
    assert type(make(404, b"", endpoint="instances")) is NotFound
    assert type(make(404, '{"errors":["Not found"]}', endpoint="validate")) is NotFound


def test_404_detail_text_without_code():
    assert type(make(404, '{"errors":["workflow not found"]}')) is WorkflowNotFound
    assert type(make(404, '{"errors":["instance 123 not found"]}')) is InstanceNotFound


def test_not_found_family():
    assert issubclass(WorkflowNotFound, NotFound)
    assert issubclass(InstanceNotFound, NotFound)


def test_rate_limited_message_from_reset():
    rl = RateLimit.from_headers(
        {"X-RateLimit-Reset": "12", "X-RateLimit-Name": "workflows", "X-RateLimit-Remaining": "0"}
    )
    err = make(429, '{"errors":["Too many requests"]}', rate_limit=rl)
    assert isinstance(err, RateLimited)
    assert err.message == "rate limited (bucket workflows): resets in 12 s"
    assert err.rate_limit is rl
    assert err.retry_after is not None
    assert 11 < err.retry_after <= 12


def test_rate_limited_without_headers():
    err = make(429, b"")
    assert isinstance(err, RateLimited)
    assert err.message == "rate limited (HTTP 429)"
    assert err.retry_after is None
    assert err.hint


def test_rate_limit_is_kept_on_every_error():
    rl = RateLimit.from_headers({"x-ratelimit-remaining": "3"})
    assert make(500, b"", rate_limit=rl).rate_limit is rl


def test_redirect_is_an_http_error():
    err = make(302, b"", reason="Found")
    assert isinstance(err, HttpError)
    assert err.message == "HTTP 302 Found"
    assert "redirect" in err.hint


# -- the error objects ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls", [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, WfError)]
)
def test_every_class_has_message_and_one_line(cls):
    err = cls()
    assert err.message
    assert_one_line(err)
    if cls is not WfError and cls is not errors.HttpError:
        assert err.hint, cls


def test_one_line_format():
    assert WfError("boom", "do this").one_line() == "boom — do this"
    assert WfError("boom", "").one_line() == "boom"


def test_one_line_escapes_even_after_mutation():
    err = WfError("a")
    err.message = "x\ny\x1b"
    err.hint = "h\r\n"
    assert err.one_line() == "x\\ny\\x1b — h\\r\\n"


def test_caller_message_is_escaped():
    err = errors.UnsafeApiUrl("refused http://evil\n.example")
    assert err.message == "refused http://evil\\n.example"


def test_redact():
    err = WfError("echo: abcdef0123456789 x", "key abcdef0123456789")
    err.redact(["abcdef0123456789", ""])
    assert "abcdef0123456789" not in str(err)
    assert "abcdef0123456789" not in repr(err)


def test_redact_hides_a_key_cut_short_by_the_message():
    """A server's detail is cut to a length: an echoed key can end the message part-way."""
    key = "0123456789abcdef0123456789abcdef"
    err = WfError(f"denied: key={key[:24]}…", "hint")
    err.redact([key])
    assert err.message == f"denied: key={KEY_HIDDEN}…"
    assert key[:16] not in str(err) + repr(err)


# -- recorded error bodies -----------------------------------------------------------------------
RECORDED_ERRORS = [
    (name, i) for name in cassette_names() for i in load_cassette(name) if i.status >= 400
]

ENDPOINTS = {
    "cancel": "cancel",
    "execute": "instances",
    "get_a_workflow_instance": "instance",
    "get_an_existing_workflow": "workflow",
    "list_workflow_instances": "instances",
}

EXPECTED = {
    "test_cancel_a_workflow_instance_returns_bad_request_response": (
        BadRequest,
        "value <no value> is invalid for field workflow_id",
    ),
    "test_cancel_a_workflow_instance_returns_not_found_response": (
        InstanceNotFound,
        "instance e0c64dc8-f946-4ae8-8d79-54569031ce67 not found",
    ),
    "test_execute_a_workflow_returns_bad_request_response": (
        BadRequest,
        "value <no value> is invalid for field workflow_id",
    ),
    "test_get_a_workflow_instance_returns_bad_request_response": (
        BadRequest,
        "value <no value> is invalid for field workflow_id",
    ),
    "test_get_a_workflow_instance_returns_not_found_response": (
        WorkflowNotFound,
        "workflow not found",
    ),
    "test_get_an_existing_workflow_returns_bad_request_response": (
        BadRequest,
        'invalid parameter "workflowId" in "path"; expected type "uuid"',
    ),
    "test_get_an_existing_workflow_returns_not_found_response": (
        WorkflowNotFound,
        "workflow not found",
    ),
    "test_list_workflow_instances_returns_bad_request_response": (
        BadRequest,
        "value <no value> is invalid for field workflow_id",
    ),
}


def test_every_recorded_error_is_expected():
    assert {name for name, _ in RECORDED_ERRORS} == set(EXPECTED)


@pytest.mark.parametrize(
    ("name", "interaction"), RECORDED_ERRORS, ids=[name for name, _ in RECORDED_ERRORS]
)
def test_recorded_error_bodies(name, interaction):
    endpoint = next(v for k, v in ENDPOINTS.items() if k in name)
    err = error_from_response(
        interaction.status,
        interaction.reason,
        interaction.body,
        endpoint=endpoint,
        rate_limit=None,
    )
    cls, message = EXPECTED[name]
    assert type(err) is cls
    assert err.message == message
    assert err.status == interaction.status
    assert_one_line(err)


def test_parse_error_body_returns_code_and_detail():
    code, detail = parse_error_body(b'{"errors":[{"code":"C","detail":"D"}]}\n')
    assert (code, detail) == ("C", "D")
    assert parse_error_body(b"") == (None, None)
