from __future__ import annotations

import pytest

from wfbrowse.sites import (
    DEFAULT_SITE_DOMAIN,
    SITES,
    ApiUrlError,
    Site,
    SiteError,
    UnsupportedSiteError,
    check_api_url,
    default_site,
    is_loopback_url,
    parse_site,
    quote_for_message,
    require_supported,
    site_for_host,
)

# The site table from Datadog's docs, in its order: name, DD_SITE, API base, web UI, supported.
EXPECTED = [
    ("US1", "datadoghq.com", "https://api.datadoghq.com", "https://app.datadoghq.com", True),
    (
        "US3",
        "us3.datadoghq.com",
        "https://api.us3.datadoghq.com",
        "https://us3.datadoghq.com",
        True,
    ),
    (
        "US5",
        "us5.datadoghq.com",
        "https://api.us5.datadoghq.com",
        "https://us5.datadoghq.com",
        True,
    ),
    ("EU1", "datadoghq.eu", "https://api.datadoghq.eu", "https://app.datadoghq.eu", True),
    (
        "AP1",
        "ap1.datadoghq.com",
        "https://api.ap1.datadoghq.com",
        "https://ap1.datadoghq.com",
        True,
    ),
    (
        "AP2",
        "ap2.datadoghq.com",
        "https://api.ap2.datadoghq.com",
        "https://ap2.datadoghq.com",
        True,
    ),
    (
        "UK1",
        "uk1.datadoghq.com",
        "https://api.uk1.datadoghq.com",
        "https://uk1.datadoghq.com",
        True,
    ),
    ("US1-FED", "ddog-gov.com", "https://api.ddog-gov.com", "https://app.ddog-gov.com", False),
    (
        "US2-FED",
        "us2.ddog-gov.com",
        "https://api.us2.ddog-gov.com",
        "https://us2.ddog-gov.com",
        False,
    ),
]
NAMES = [row[0] for row in EXPECTED]
BY_NAME = {site.name: site for site in SITES}


def site(name: str) -> Site:
    return BY_NAME[name]


# ---------------------------------------------------------------- the table


def test_sites_match_the_docs_table_in_order():
    got = [(s.name, s.domain, s.api_url, s.web_url, s.supported) for s in SITES]
    assert got == EXPECTED


def test_default_domain_is_us1():
    assert DEFAULT_SITE_DOMAIN == "datadoghq.com"
    assert parse_site(DEFAULT_SITE_DOMAIN).name == "US1"


@pytest.mark.parametrize("s", SITES, ids=NAMES)
def test_urls_have_no_trailing_slash(s: Site):
    assert not s.api_url.endswith("/")
    assert not s.web_url.endswith("/")


@pytest.mark.parametrize("name", ["US1-FED", "US2-FED"])
def test_gov_sites_carry_a_reason(name: str):
    reason = site(name).unsupported_reason
    assert reason is not None
    assert "not supported for your selected Datadog site" in reason
    assert site(name).supported is False


@pytest.mark.parametrize("name", NAMES[:7])
def test_commercial_sites_are_supported(name: str):
    assert site(name).unsupported_reason is None
    assert site(name).supported is True


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("EU1", "EU1      datadoghq.eu"),
        ("US3", "US3      us3.datadoghq.com"),
        ("US1-FED", "US1-FED  ddog-gov.com (not supported)"),
        ("US2-FED", "US2-FED  us2.ddog-gov.com (not supported)"),
    ],
)
def test_label(name: str, label: str):
    assert site(name).label == label


def test_labels_line_up():
    columns = {s.label.index(s.domain) for s in SITES}
    assert columns == {9}


def test_api_and_web_host():
    assert site("EU1").api_host == "api.datadoghq.eu"
    assert site("EU1").web_host == "app.datadoghq.eu"
    assert site("US5").web_host == "us5.datadoghq.com"


def test_site_is_frozen():
    with pytest.raises(AttributeError):
        site("US1").name = "X"  # type: ignore[misc]


# ---------------------------------------------------------------- parse_site


def _spellings(name: str, domain: str, api_url: str, web_url: str) -> list[str]:
    web_host = web_url.removeprefix("https://")
    api_host = api_url.removeprefix("https://")
    return [
        name,
        name.lower(),
        name.title(),
        f"  {name}  ",
        domain,
        domain.upper(),
        f"{domain}/",
        f" {domain}\n",
        web_host,
        f"{web_host}/",
        web_url,
        f"{web_url}/",
        f"{web_url}/workflow/x?instance=y#frag",
        f"http://{web_host}",
        api_host,
        api_url,
        f"{api_url}/",
        f"{api_url}/api/v2/workflows",
        api_url.upper(),
        f"https://{domain}",
        f"app.{domain}",
        f"{domain}.",
        f"{api_host}:443",
        f"https://{api_host}:443/",
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [(text, row[0]) for row in EXPECTED for text in _spellings(row[0], row[1], row[2], row[3])],
)
def test_parse_site_accepts_every_spelling(text: str, name: str):
    assert parse_site(text) is site(name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("us1_fed", "US1-FED"),
        ("Us2-Fed", "US2-FED"),
        ("eu1", "EU1"),
        ("https://app.datadoghq.eu/some/path", "EU1"),
        ("api.us3.datadoghq.com", "US3"),
        ("us3.datadoghq.com", "US3"),
        ("HTTPS://API.DATADOGHQ.EU", "EU1"),
    ],
)
def test_parse_site_examples(text: str, name: str):
    assert parse_site(text).name == name


def test_parse_site_does_not_refuse_gov_sites():
    assert parse_site("ddog-gov.com").name == "US1-FED"
    assert parse_site("us2-fed").name == "US2-FED"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "EU2",
        "US4",
        "datadog.com",
        "datadoghq",
        "example.com",
        "us4.datadoghq.com",
        "acme.datadoghq.com",
        "api.datadoghq.com.evil.com",
        "datadoghq.com.evil.com",
        "evil.com/datadoghq.com",
        "ftp://datadoghq.eu",
        "https://datadoghq.eu:notaport",
        "https://",
        "://datadoghq.eu",
        "US1 EU1",
    ],
)
def test_parse_site_rejects(text: str):
    with pytest.raises(SiteError) as info:
        parse_site(text)
    message = str(info.value)
    assert "\n" not in message
    assert "US1, US3, US5, EU1, AP1, AP2, UK1, US1-FED, US2-FED" in message


def test_parse_site_error_quotes_input():
    with pytest.raises(SiteError) as info:
        parse_site("nowhere.example")
    assert str(info.value) == (
        "unknown Datadog site 'nowhere.example': use a site name "
        "(US1, US3, US5, EU1, AP1, AP2, UK1, US1-FED, US2-FED) or a domain such as datadoghq.eu"
    )


def test_parse_site_error_escapes_control_characters():
    with pytest.raises(SiteError) as info:
        parse_site("\x1b[31mred")
    message = str(info.value)
    assert "\x1b" not in message
    assert "\\x1b[31mred" in message


def test_parse_site_error_is_a_value_error():
    with pytest.raises(ValueError, match="unknown Datadog site"):
        parse_site("mars")


# ---------------------------------------------------------------- require_supported


@pytest.mark.parametrize("name", NAMES[:7])
def test_require_supported_returns_the_site(name: str):
    assert require_supported(site(name)) is site(name)


@pytest.mark.parametrize("name", ["US1-FED", "US2-FED"])
def test_require_supported_refuses_gov_sites(name: str):
    with pytest.raises(UnsupportedSiteError) as info:
        require_supported(site(name))
    assert info.value.site is site(name)
    message = str(info.value)
    assert message.startswith(f"cannot use {name} ({site(name).domain}): ")
    assert "Workflow Automation is not available" in message
    assert "choose another site" in message
    assert "\n" not in message


def test_unsupported_site_error_is_a_site_error():
    with pytest.raises(SiteError):
        require_supported(parse_site("US1-FED"))


# ---------------------------------------------------------------- site_for_host


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("app.datadoghq.eu", "EU1"),
        ("APP.DATADOGHQ.EU", "EU1"),
        ("api.us5.datadoghq.com", "US5"),
        ("us5.datadoghq.com", "US5"),
        ("us5.datadoghq.com:443", "US5"),
        ("app.datadoghq.com:8443", "US1"),
        ("datadoghq.com", "US1"),
        ("api.datadoghq.com", "US1"),
        ("app.ddog-gov.com", "US1-FED"),
        ("us2.ddog-gov.com", "US2-FED"),
        ("api.us2.ddog-gov.com", "US2-FED"),
        ("ap2.datadoghq.com", "AP2"),
        ("uk1.datadoghq.com.", "UK1"),
        (" api.ap1.datadoghq.com ", "AP1"),
    ],
)
def test_site_for_host(host: str, name: str):
    found = site_for_host(host)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize(
    "host",
    [
        "",
        "example.com",
        "api.datadoghq.com.evil.com",
        "evil-datadoghq.com",
        "acme.datadoghq.com",
        "us4.datadoghq.com",
        "[::1]:443",
        "127.0.0.1",
        "datadoghq.com:abc",
        "EU1",
    ],
)
def test_site_for_host_unknown(host: str):
    assert site_for_host(host) is None


# ---------------------------------------------------------------- default_site


def test_default_site_without_dd_site():
    assert default_site({}) is site("US1")


@pytest.mark.parametrize("value", ["", "   "])
def test_default_site_empty_dd_site_counts_as_unset(value: str):
    assert default_site({"DD_SITE": value}) is site("US1")


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("datadoghq.eu", "EU1"),
        ("us3.datadoghq.com", "US3"),
        ("EU1", "EU1"),
        (" ap1.datadoghq.com\n", "AP1"),
        ("https://api.datadoghq.eu/", "EU1"),
        ("ddog-gov.com", "US1-FED"),
    ],
)
def test_default_site_from_dd_site(value: str, name: str):
    assert default_site({"DD_SITE": value, "OTHER": "x"}).name == name


def test_default_site_invalid_dd_site_names_the_variable():
    with pytest.raises(SiteError) as info:
        default_site({"DD_SITE": "datadoghq.org"})
    assert str(info.value) == (
        "DD_SITE='datadoghq.org' is not a Datadog site: set it to a domain such as datadoghq.eu "
        "or a site name (US1, US3, US5, EU1, AP1, AP2, UK1, US1-FED, US2-FED), or unset it"
    )
    assert info.value.__cause__ is None


def test_default_site_reads_os_environ(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DD_SITE", "us5.datadoghq.com")
    assert default_site().name == "US5"
    monkeypatch.delenv("DD_SITE")
    assert default_site().name == "US1"


# ---------------------------------------------------------------- check_api_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
        ("http://127.1.2.3:9", "http://127.1.2.3:9"),
        ("http://[::1]:9", "http://[::1]:9"),
        ("http://[::1]", "http://[::1]"),
        ("http://localhost:1234/prefix/", "http://localhost:1234/prefix"),
        ("http://LOCALHOST:1234/Prefix", "http://localhost:1234/Prefix"),
        ("HTTP://localhost", "http://localhost"),
        ("http://localhost:80", "http://localhost"),
        ("http://localhost:1234/a/b//", "http://localhost:1234/a/b"),
        ("http://localhost:1234?x=1#frag", "http://localhost:1234"),
        ("  http://127.0.0.1:8080  ", "http://127.0.0.1:8080"),
        ("https://api.datadoghq.com", "https://api.datadoghq.com"),
        ("https://api.datadoghq.com/", "https://api.datadoghq.com"),
        ("https://API.DATADOGHQ.EU", "https://api.datadoghq.eu"),
        ("https://api.datadoghq.eu:443", "https://api.datadoghq.eu"),
        ("https://api.us3.datadoghq.com/", "https://api.us3.datadoghq.com"),
        ("https://api.us5.datadoghq.com", "https://api.us5.datadoghq.com"),
        ("https://api.ap1.datadoghq.com", "https://api.ap1.datadoghq.com"),
        ("https://api.ap2.datadoghq.com", "https://api.ap2.datadoghq.com"),
        ("https://api.uk1.datadoghq.com", "https://api.uk1.datadoghq.com"),
        ("https://api.ddog-gov.com", "https://api.ddog-gov.com"),
        ("https://api.us2.ddog-gov.com", "https://api.us2.ddog-gov.com"),
        ("https://api.datadoghq.com:8443/proxy/", "https://api.datadoghq.com:8443/proxy"),
    ],
)
def test_check_api_url_accepts(url: str, expected: str):
    assert check_api_url(url) == expected


REFUSAL_RULE = "keys are only ever sent to loopback or to an https Datadog API host"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "https://evil.com",
        "https://api.datadoghq.com.evil.com",
        "https://evil.com/api.datadoghq.com",
        "https://app.datadoghq.com",
        "https://datadoghq.com",
        "https://us3.datadoghq.com",
        "https://api.datadoghq.com.",
        "http://localhost.evil.com",
        "http://0.0.0.0:8080",
        "http://10.0.0.1",
        "http://[::2]:9",
        "http://127.0.0.1:notaport",
        "http://127.0.0.1:99999",
        "https://",
        "ftp://127.0.0.1",
        "127.0.0.1:8080",
        "localhost:8080",
        "api.datadoghq.com",
        "file:///etc/passwd",
        "http://[::1",
        "http://evil.com#@127.0.0.1",
    ],
)
def test_check_api_url_refuses(url: str):
    with pytest.raises(ApiUrlError) as info:
        check_api_url(url)
    message = str(info.value)
    assert message.startswith("refusing --api-url ")
    assert REFUSAL_RULE in message
    assert "\n" not in message


def test_check_api_url_refusal_message():
    with pytest.raises(ApiUrlError) as info:
        check_api_url("http://example.com")
    assert str(info.value) == f"refusing --api-url http://example.com: {REFUSAL_RULE}"


@pytest.mark.parametrize("url", ["http://api.datadoghq.com", "http://api.datadoghq.eu/"])
def test_check_api_url_refuses_plain_http_to_datadog(url: str):
    with pytest.raises(ApiUrlError) as info:
        check_api_url(url)
    assert str(info.value) == (
        f"refusing --api-url {url}: a Datadog API host needs https; {REFUSAL_RULE}"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://user:secret@127.0.0.1:8080",
        "https://user:secret@api.datadoghq.com",
        "http://secret@localhost",
        "http://127.0.0.1\\@evil.com",
        "user:secret@localhost:8080",
        "http://user:secret@127.0.0.1:notaport",
    ],
)
def test_check_api_url_refuses_userinfo_without_echoing_it(url: str):
    with pytest.raises(ApiUrlError) as info:
        check_api_url(url)
    message = str(info.value)
    assert "secret" not in message
    assert "user:password@" in message


@pytest.mark.parametrize("url", ["", "   "])
def test_check_api_url_refuses_empty(url: str):
    with pytest.raises(ApiUrlError, match=r"^empty --api-url"):
        check_api_url(url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:80\n80", "http://local\thost", "http://127.0.0.1/a b"]
)
def test_check_api_url_refuses_embedded_whitespace(url: str):
    with pytest.raises(ApiUrlError, match="spaces or control characters"):
        check_api_url(url)


def test_check_api_url_escapes_what_it_echoes():
    with pytest.raises(ApiUrlError) as info:
        check_api_url("https://evil.com/\x1b]0;x\x07")
    assert "\x1b" not in str(info.value)


def test_api_url_error_is_a_value_error():
    with pytest.raises(ValueError):
        check_api_url("https://evil.com")


# ---------------------------------------------------------------- is_loopback_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080", True),
        ("https://127.0.0.1", True),
        ("http://127.255.0.9/x", True),
        ("http://[::1]:9", True),
        ("http://localhost:1234/prefix/", True),
        ("http://LOCALHOST", True),
        ("https://api.datadoghq.com", False),
        ("http://example.com", False),
        ("http://localhost.evil.com", False),
        ("http://0.0.0.0", False),
        ("ftp://127.0.0.1", False),
        ("127.0.0.1:8080", False),
        ("", False),
        ("http://[::1", False),
    ],
)
def test_is_loopback_url(url: str, expected: bool):
    assert is_loopback_url(url) is expected


# ---------------------------------------------------------------- quote_for_message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", "'abc'"),
        ("a\nb", "'a\\nb'"),
        ("x" * 41, "'" + "x" * 40 + "'..."),
        ("x" * 40, "'" + "x" * 40 + "'"),
        ("\u200b", "'\\u200b'"),
    ],
)
def test_quote_for_message(text: str, expected: str):
    assert quote_for_message(text) == expected


def test_quote_for_message_without_quotes():
    assert quote_for_message("a\tb", quotes=False) == "a\\tb"
