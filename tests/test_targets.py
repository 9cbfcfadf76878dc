from __future__ import annotations

import pytest

from wfbrowse.sites import SITES, Site
from wfbrowse.targets import (
    UUID_RE,
    Target,
    TargetError,
    clean_pasted,
    looks_like_link,
    parse_field,
    parse_target,
    parse_uuid,
)

WF = "ccf73164-1998-4785-a7a3-8d06c7e5f558"
INST = "0f8e5a3c-4b2d-4e6f-9a1b-7c3d5e7f9a1b"
WF_UPPER = WF.upper()
INST_UPPER = INST.upper()
BY_NAME = {site.name: site for site in SITES}
NAMES = [site.name for site in SITES]


def site(name: str) -> Site:
    return BY_NAME[name]


# ---------------------------------------------------------------- UUID_RE


@pytest.mark.parametrize("text", [WF, WF_UPPER, "00000000-0000-0000-0000-000000000000"])
def test_uuid_re_matches(text: str):
    assert UUID_RE.match(text)
    assert UUID_RE.fullmatch(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        WF[:-1],
        WF + "0",
        WF + "\n",
        " " + WF,
        WF.replace("-", ""),
        "gcf73164-1998-4785-a7a3-8d06c7e5f558",
        "{" + WF + "}",
        f"{WF} {INST}",
    ],
)
def test_uuid_re_is_anchored(text: str):
    assert UUID_RE.match(text) is None
    assert UUID_RE.search(text) is None


# ---------------------------------------------------------------- clean_pasted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (WF, WF),
        (f"  {WF}  ", WF),
        (f"\n{WF}\r\n", WF),
        (f"\t{WF}\u00a0", WF),
        (f"\u200b{WF}\u200b", WF),
        (f"\ufeff{WF}", WF),
        ("ccf73164-1998\u200d-4785-a7a3-8d06c7e5f558\u2060", WF),
        (f"'{WF}'", WF),
        (f'"{WF}"', WF),
        (f"`{WF}`", WF),
        (f"```{WF}```", WF),
        (f"\u2018{WF}\u2019", WF),
        (f"\u201c{WF}\u201d", WF),
        (f"<{WF}>", WF),
        (f"<'{WF}'>", WF),
        (f" < ' \"{WF}\" ' > ", WF),
        (f"` {WF} `", WF),
        ("<https://app.datadoghq.eu/workflow/x>", "https://app.datadoghq.eu/workflow/x"),
        ("<https://app.datadoghq.eu/workflow/x|the run>", "https://app.datadoghq.eu/workflow/x"),
        ("", ""),
        ("  \u200b '' <> ", ""),
        ("a b", "a b"),
    ],
)
def test_clean_pasted(text: str, expected: str):
    assert clean_pasted(text) == expected


# ---------------------------------------------------------------- parse_uuid


@pytest.mark.parametrize(
    "text",
    [WF, WF_UPPER, f" {WF}\n", f"<{WF_UPPER}>", f"\u201c{WF}\u201d", f"\u200b'{WF}'"],
)
def test_parse_uuid_accepts(text: str):
    assert parse_uuid(text) == WF


def test_parse_uuid_error_message():
    with pytest.raises(TargetError) as info:
        parse_uuid("abc")
    assert str(info.value) == (
        "workflow ID: 'abc' is not a UUID "
        "(expected something like ccf73164-1998-4785-a7a3-8d06c7e5f558, or a Datadog link)"
    )


def test_parse_uuid_names_the_field():
    with pytest.raises(TargetError, match=r"^instance ID: 'nope' is not a UUID"):
        parse_uuid("nope", "instance ID")


@pytest.mark.parametrize("text", ["", "   ", "''", "<>"])
def test_parse_uuid_empty(text: str):
    with pytest.raises(TargetError, match=r"^workflow ID: empty"):
        parse_uuid(text)


@pytest.mark.parametrize(
    "text",
    [
        WF[:-1],
        WF + "a",
        WF[:8],
        WF.replace("-", ""),
        "zzf73164-1998-4785-a7a3-8d06c7e5f558",
        "ccf73164_1998_4785_a7a3_8d06c7e5f558",
        "ccf731641-998-4785-a7a3-8d06c7e5f558",
        f"{WF} x",
        "{" + WF + "}",
    ],
)
def test_parse_uuid_rejects_near_misses(text: str):
    with pytest.raises(TargetError, match="is not a UUID"):
        parse_uuid(text)


def test_parse_uuid_truncates_long_input():
    with pytest.raises(TargetError) as info:
        parse_uuid("x" * 500)
    message = str(info.value)
    assert "'" + "x" * 40 + "'..." in message
    assert "x" * 41 not in message


def test_parse_uuid_escapes_control_characters():
    with pytest.raises(TargetError) as info:
        parse_uuid("a\x1b[2Jb\nc")
    message = str(info.value)
    assert "\x1b" not in message
    assert "\n" not in message
    assert "'a\\x1b[2Jb\\nc'" in message


# ---------------------------------------------------------------- parse_target: bare ids


@pytest.mark.parametrize("text", [WF, WF_UPPER, f"  {WF}\n", f"'{WF}'", f"<`{WF}`>"])
def test_parse_target_bare_uuid(text: str):
    assert parse_target(text) == Target(WF, None)
    assert parse_target(text).site is None


@pytest.mark.parametrize(
    "text",
    [
        f"{WF} {INST}",
        f"{WF}   {INST}",
        f"{WF}\t{INST}",
        f"{WF}\n{INST}",
        f"{WF}/{INST}",
        f"{WF} / {INST}",
        f"{WF},{INST}",
        f"{WF}, {INST}",
        f"{WF_UPPER} {INST_UPPER}",
        f"  '{WF} {INST}'  ",
    ],
)
def test_parse_target_two_uuids(text: str):
    assert parse_target(text) == Target(WF, INST, None)


# ---------------------------------------------------------------- parse_target: web UI links


@pytest.mark.parametrize("s", SITES, ids=NAMES)
def test_parse_target_web_link_every_site(s: Site):
    assert parse_target(f"{s.web_url}/workflow/{WF}?instance={INST}") == Target(WF, INST, s)


@pytest.mark.parametrize("s", SITES, ids=NAMES)
def test_parse_target_web_link_without_instance(s: Site):
    assert parse_target(f"{s.web_url}/workflow/{WF}") == Target(WF, None, s)


@pytest.mark.parametrize(
    "text",
    [
        f"https://app.datadoghq.eu/workflow/{WF}?instance={INST}",
        f"https://app.datadoghq.eu/workflow/{WF}/?instance={INST}",
        f"https://app.datadoghq.eu/workflow/{WF}?instance={INST}#steps",
        f"https://app.datadoghq.eu/workflow/{WF}?from_ts=1&instance={INST}&live=true",
        f"https://app.datadoghq.eu/workflow/{WF}?instance={INST}&instance={WF}",
        f"http://app.datadoghq.eu/workflow/{WF}?instance={INST}",
        f"app.datadoghq.eu/workflow/{WF}?instance={INST}",
        f"APP.DATADOGHQ.EU/workflow/{WF}?instance={INST}",
        f"HTTPS://APP.DATADOGHQ.EU/WORKFLOW/{WF_UPPER}?instance={INST_UPPER}",
        f"https://app.datadoghq.eu:443/workflow/{WF}?instance={INST}",
        f"https://app.datadoghq.eu/workflows/{WF}?instance={INST}",
        f"https://app.datadoghq.eu/workflow/{WF}/edit?instance={INST}",
        f"<https://app.datadoghq.eu/workflow/{WF}?instance={INST}>",
        f"<https://app.datadoghq.eu/workflow/{WF}?instance={INST}|failed run>",
        f"  '\u200bhttps://app.datadoghq.eu/workflow/{WF}?instance={INST}'\n",
        f"https://app.datadoghq.eu/workflow/{WF}?instance=%20{INST}",
    ],
)
def test_parse_target_web_link_forms(text: str):
    assert parse_target(text) == Target(WF, INST, site("EU1"))


@pytest.mark.parametrize(
    "text",
    [
        f"https://us3.datadoghq.com/workflow/{WF}",
        f"https://us3.datadoghq.com/workflow/{WF}/",
        f"https://us3.datadoghq.com/workflow/{WF}#x",
        f"https://us3.datadoghq.com/workflow/{WF}?instance=",
        f"https://us3.datadoghq.com/workflow/{WF}?other={INST}",
        f"us3.datadoghq.com/workflow/{WF}",
    ],
)
def test_parse_target_web_link_no_instance(text: str):
    assert parse_target(text) == Target(WF, None, site("US3"))


def test_parse_target_custom_subdomain_keeps_ids_without_a_site():
    text = f"https://acme.datadoghq.com/workflow/{WF}?instance={INST}"
    assert parse_target(text) == Target(WF, INST, None)


def test_parse_target_regional_custom_subdomain():
    text = f"https://acme.us5.datadoghq.com/workflow/{WF}"
    assert parse_target(text) == Target(WF, None, None)


# ---------------------------------------------------------------- parse_target: API URLs


@pytest.mark.parametrize("s", SITES, ids=NAMES)
def test_parse_target_api_instance_url_every_site(s: Site):
    text = f"{s.api_url}/api/v2/workflows/{WF}/instances/{INST}"
    assert parse_target(text) == Target(WF, INST, s)


@pytest.mark.parametrize(
    "suffix",
    [
        f"/api/v2/workflows/{WF}/instances/{INST}",
        f"/api/v2/workflows/{WF}/instances/{INST}/",
        f"/api/v2/workflows/{WF}/instances/{INST}/cancel",
        f"/api/v2/workflows/{WF}/instances/{INST}?x=1#y",
        f"/API/V2/Workflows/{WF_UPPER}/Instances/{INST_UPPER}",
    ],
)
def test_parse_target_api_instance_url_forms(suffix: str):
    assert parse_target("https://api.datadoghq.eu" + suffix) == Target(WF, INST, site("EU1"))


@pytest.mark.parametrize(
    "suffix",
    [
        f"/api/v2/workflows/{WF}",
        f"/api/v2/workflows/{WF}/",
        f"/api/v2/workflows/{WF}/instances",
        f"/api/v2/workflows/{WF}/instances/",
        f"/api/v2/workflows/{WF}/instances?page[size]=10",
    ],
)
def test_parse_target_api_workflow_url(suffix: str):
    assert parse_target("https://api.us5.datadoghq.com" + suffix) == Target(WF, None, site("US5"))


def test_parse_target_api_url_without_scheme():
    text = f"api.datadoghq.com/api/v2/workflows/{WF}/instances/{INST}"
    assert parse_target(text) == Target(WF, INST, site("US1"))


# ---------------------------------------------------------------- parse_target: refusals


def test_parse_target_empty():
    with pytest.raises(TargetError) as info:
        parse_target("  \n\u200b")
    assert str(info.value) == "empty: paste a workflow ID, an instance ID or a Datadog link"


@pytest.mark.parametrize(
    ("text", "host"),
    [
        (f"https://example.com/workflow/{WF}?instance={INST}", "example.com"),
        (f"http://evil.com/api/v2/workflows/{WF}", "evil.com"),
        (f"https://app.datadoghq.com.evil.com/workflow/{WF}", "app.datadoghq.com.evil.com"),
        (f"https://datadoghq.co/workflow/{WF}", "datadoghq.co"),
        (f"example.com/workflow/{WF}", "example.com"),
        (f"https://127.0.0.1:8080/workflow/{WF}", "127.0.0.1"),
    ],
)
def test_parse_target_not_a_datadog_host(text: str, host: str):
    with pytest.raises(TargetError) as info:
        parse_target(text)
    assert str(info.value) == f"not a Datadog link: host {host}"


@pytest.mark.parametrize(
    "text",
    [
        "https://app.datadoghq.eu/",
        "https://app.datadoghq.eu",
        "app.datadoghq.eu",
        "datadoghq.eu",
        "https://app.datadoghq.eu/dashboard/abc-def",
        "https://app.datadoghq.eu/workflow",
        "https://app.datadoghq.eu/workflow/",
        f"https://app.datadoghq.eu/dashboard?instance={INST}",
        "https://api.datadoghq.eu/api/v2/workflows",
        f"https://api.datadoghq.eu/api/v1/workflows/{WF}",
        f"https://api.datadoghq.eu/{WF}",
    ],
)
def test_parse_target_datadog_link_without_workflow(text: str):
    with pytest.raises(TargetError, match=r"^Datadog link without a workflow ID: expected "):
        parse_target(text)


@pytest.mark.parametrize(
    ("text", "message_start"),
    [
        ("https://app.datadoghq.eu/workflow/abc", "workflow ID: 'abc' is not a UUID"),
        (f"https://app.datadoghq.eu/workflow/{WF[:-1]}", "workflow ID: "),
        (f"https://app.datadoghq.eu/workflow/{WF}?instance=xyz", "instance ID: 'xyz' is not"),
        (f"https://app.datadoghq.eu/workflow/{WF}?instance={INST}0", "instance ID: "),
        (f"https://api.datadoghq.eu/api/v2/workflows/{WF}/instances/nope", "instance ID: 'nope'"),
        ("https://api.datadoghq.eu/api/v2/workflows/nope/instances", "workflow ID: 'nope'"),
    ],
)
def test_parse_target_link_with_bad_ids(text: str, message_start: str):
    with pytest.raises(TargetError) as info:
        parse_target(text)
    assert str(info.value).startswith(message_start)


@pytest.mark.parametrize(
    "text",
    [
        "garbage",
        "hello world",
        WF[:-1],
        WF[:30],
        WF + "0",
        "zzf73164-1998-4785-a7a3-8d06c7e5f558",
        f"{WF} {INST} {WF}",
        f"{WF};{INST}",
        f"{WF}-{INST}",
        "12345",
    ],
)
def test_parse_target_rejects_garbage(text: str):
    with pytest.raises(TargetError) as info:
        parse_target(text)
    message = str(info.value)
    assert "is not a UUID or a Datadog link" in message
    assert "ccf73164-1998-4785-a7a3-8d06c7e5f558" in message


def test_parse_target_garbage_message():
    with pytest.raises(TargetError) as info:
        parse_target("abc")
    assert str(info.value) == (
        "'abc' is not a UUID or a Datadog link (expected something like "
        "ccf73164-1998-4785-a7a3-8d06c7e5f558, or a link to a workflow run)"
    )


@pytest.mark.parametrize(
    "text",
    [
        f"ftp://app.datadoghq.eu/workflow/{WF}",
        f"javascript://app.datadoghq.eu/workflow/{WF}",
    ],
)
def test_parse_target_rejects_other_schemes(text: str):
    with pytest.raises(TargetError, match=r"^not a web link"):
        parse_target(text)


@pytest.mark.parametrize(
    "text",
    [
        f"https://app.datadoghq.eu:notaport/workflow/{WF}",
        f"https://[::1/workflow/{WF}",
    ],
)
def test_parse_target_rejects_malformed_urls(text: str):
    with pytest.raises(TargetError, match="is not a valid link"):
        parse_target(text)


def test_parse_target_rejects_link_without_host():
    with pytest.raises(TargetError, match="has no host"):
        parse_target(f"https:///workflow/{WF}")


def test_parse_target_error_is_one_line_and_escaped():
    with pytest.raises(TargetError) as info:
        parse_target("https://exa\x1bmple.com/\nworkflow")
    message = str(info.value)
    assert "\n" not in message
    assert "\x1b" not in message


def test_target_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_target("nope")


# ---------------------------------------------------------------- looks_like_link


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com", True),
        ("http://x", True),
        (f"<https://app.datadoghq.eu/workflow/{WF}>", True),
        ("app.datadoghq.eu", True),
        ("app.datadoghq.eu/workflow", True),
        ("api.us3.datadoghq.com:443/api/v2", True),
        ("us3.datadoghq.com", True),
        ("acme.datadoghq.com/x", True),
        (f"/workflow/{WF}", True),
        (f"example.com/Workflow/{WF}", True),
        (WF, False),
        (f"{WF} {INST}", False),
        (f"{WF}/{INST}", False),
        ("example.com", False),
        ("datadoghq.com.evil.com", False),
        ("", False),
        ("EU1", False),
    ],
)
def test_looks_like_link(text: str, expected: bool):
    assert looks_like_link(text) is expected


# ---------------------------------------------------------------- parse_field


@pytest.mark.parametrize(
    ("text", "what", "expected"),
    [
        (WF, "workflow ID", Target(WF, None)),
        (WF_UPPER, "workflow ID", Target(WF, None)),
        (INST, "instance ID", Target(None, INST)),
        (f" '{INST_UPPER}' ", "instance ID", Target(None, INST)),
        (f"{WF} {INST}", "workflow ID", Target(WF, INST)),
        (f"{WF}/{INST}", "instance ID", Target(WF, INST)),
        (
            f"https://app.datadoghq.eu/workflow/{WF}?instance={INST}",
            "instance ID",
            Target(WF, INST, BY_NAME["EU1"]),
        ),
        (
            f"https://us5.datadoghq.com/workflow/{WF}",
            "workflow ID",
            Target(WF, None, BY_NAME["US5"]),
        ),
        (
            f"https://api.datadoghq.com/api/v2/workflows/{WF}/instances/{INST}",
            "workflow ID",
            Target(WF, INST, BY_NAME["US1"]),
        ),
    ],
)
def test_parse_field(text: str, what: str, expected: Target):
    assert parse_field(text, what) == expected


@pytest.mark.parametrize(
    ("text", "what", "message_start"),
    [
        ("abc", "workflow ID", "workflow ID: 'abc' is not a UUID"),
        ("abc", "instance ID", "instance ID: 'abc' is not a UUID"),
        ("", "instance ID", "instance ID: empty"),
        (WF[:-2], "instance ID", "instance ID: "),
        (f"https://example.com/workflow/{WF}", "workflow ID", "not a Datadog link: host"),
        ("https://app.datadoghq.eu/", "workflow ID", "Datadog link without a workflow ID"),
    ],
)
def test_parse_field_rejects(text: str, what: str, message_start: str):
    with pytest.raises(TargetError) as info:
        parse_field(text, what)
    assert str(info.value).startswith(message_start)


def test_parse_field_unknown_field_name_is_a_programming_error():
    with pytest.raises(ValueError, match="what must be one of"):
        parse_field(WF, "run ID")
