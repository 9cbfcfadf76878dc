"""Datadog sites: what each one is called, where its API and web UI live, and which URLs may
receive keys.

Standard library only: this module is imported at start-up, before any UI is drawn.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_SITE_DOMAIN",
    "SITES",
    "ApiUrlError",
    "Site",
    "SiteError",
    "UnsupportedSiteError",
    "check_api_url",
    "default_site",
    "is_loopback_url",
    "parse_site",
    "quote_for_message",
    "require_supported",
    "site_for_host",
]

# Datadog's docs show this exact sentence on the Workflow Automation pages for government sites.
_GOV_REASON = (
    "Workflow Automation is not available on this site (Datadog's docs: "
    '"This product is not supported for your selected Datadog site")'
)

# Width of the longest site name ("US1-FED"), so picker labels line up in a monospaced list.
_NAME_WIDTH = 7

# Messages echo at most this many characters of what the user typed.
_ECHO_LIMIT = 40


def quote_for_message(text: str, limit: int = _ECHO_LIMIT, *, quotes: bool = True) -> str:
    """Render user input safely inside a one-line message.

    repr() escapes control characters, newlines and invisible code points, so a pasted escape
    sequence cannot repaint the terminal and the message stays on one line.
    """
    short = text[:limit]
    shown = repr(short)
    if not quotes:
        shown = shown[1:-1]
    return shown + ("..." if len(text) > limit else "")


# Records made while the app starts are NamedTuples: a frozen dataclass's methods are compiled
# from generated source when its class is made, which took 2.1 ms a class on a slow 2-core
# machine, against 0.25 ms for a NamedTuple (nine of them load before the first frame).
class Site(NamedTuple):
    """One Datadog site (region)."""

    name: str
    domain: str
    api_url: str
    web_url: str
    unsupported_reason: str | None = None

    @property
    def supported(self) -> bool:
        return self.unsupported_reason is None

    @property
    def label(self) -> str:
        text = f"{self.name:<{_NAME_WIDTH}}  {self.domain}"
        return text if self.supported else f"{text} (not supported)"

    @property
    def api_host(self) -> str:
        return _host_of(self.api_url)

    @property
    def web_host(self) -> str:
        return _host_of(self.web_url)


def _host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def _site(name: str, domain: str, web_host: str, reason: str | None = None) -> Site:
    return Site(name, domain, f"https://api.{domain}", f"https://{web_host}", reason)


SITES: tuple[Site, ...] = (
    _site("US1", "datadoghq.com", "app.datadoghq.com"),
    _site("US3", "us3.datadoghq.com", "us3.datadoghq.com"),
    _site("US5", "us5.datadoghq.com", "us5.datadoghq.com"),
    _site("EU1", "datadoghq.eu", "app.datadoghq.eu"),
    _site("AP1", "ap1.datadoghq.com", "ap1.datadoghq.com"),
    _site("AP2", "ap2.datadoghq.com", "ap2.datadoghq.com"),
    _site("UK1", "uk1.datadoghq.com", "uk1.datadoghq.com"),
    _site("US1-FED", "ddog-gov.com", "app.ddog-gov.com", _GOV_REASON),
    _site("US2-FED", "us2.ddog-gov.com", "us2.ddog-gov.com", _GOV_REASON),
)

DEFAULT_SITE_DOMAIN = "datadoghq.com"

_BY_NAME: dict[str, Site] = {site.name: site for site in SITES}


def _build_host_index() -> dict[str, Site]:
    """Every host name that unambiguously identifies a site: the DD_SITE domain, the API host
    and the web UI host. app.<domain> is accepted for every site because people type it by
    analogy with US1/EU1 even where the real web host is the bare domain."""
    index: dict[str, Site] = {}
    for site in SITES:
        for host in (site.domain, site.api_host, site.web_host, f"app.{site.domain}"):
            index[host] = site
    return index


_BY_HOST = _build_host_index()
_API_HOSTS = frozenset(site.api_host for site in SITES)
_NAMES_HINT = ", ".join(site.name for site in SITES)


class SiteError(ValueError):
    """A site name, domain or URL that is not one of Datadog's sites."""


class UnsupportedSiteError(SiteError):
    """The site exists but Workflow Automation is not offered there."""

    def __init__(self, site: Site) -> None:
        self.site = site
        reason = site.unsupported_reason or "Workflow Automation is not available on this site"
        super().__init__(
            f"cannot use {site.name} ({site.domain}): {reason}; "
            f"choose another site, e.g. US1 ({DEFAULT_SITE_DOMAIN})"
        )


def site_for_host(host: str) -> Site | None:
    """The site a host name belongs to (any letter case, optional :port), or None."""
    name = host.strip().lower()
    if name.startswith("["):  # an IPv6 literal is never a Datadog host
        return None
    head, sep, tail = name.rpartition(":")
    if sep and tail.isdigit():
        name = head
    # A fully qualified name may end with a dot; it is still the same host.
    return _BY_HOST.get(name.rstrip("."))


def _host_from_text(text: str) -> str | None:
    """The host part of a URL or of a bare "host/path" string; None if it cannot be read."""
    if "://" in text:
        try:
            parts = urlsplit(text)
            host = parts.hostname
            _ = parts.port  # raises on a malformed port
        except ValueError:
            return None
        if parts.scheme.lower() not in ("http", "https"):
            return None
        return host
    for stop in "/?#":
        text = text.split(stop, 1)[0]
    return text


def parse_site(text: str) -> Site:
    """Read a site given as a region name, a DD_SITE domain, a host or a URL."""
    cleaned = text.strip()
    if not cleaned:
        raise SiteError(f"empty Datadog site: give a site name ({_NAMES_HINT}) or a domain")
    site = _BY_NAME.get(cleaned.upper().replace("_", "-"))
    if site is not None:
        return site
    host = _host_from_text(cleaned)
    site = site_for_host(host) if host else None
    if site is None:
        raise SiteError(
            f"unknown Datadog site {quote_for_message(cleaned)}: "
            f"use a site name ({_NAMES_HINT}) or a domain such as datadoghq.eu"
        )
    return site


def require_supported(site: Site) -> Site:
    """Return the site if Workflow Automation runs there; refuse before any request is sent."""
    if not site.supported:
        raise UnsupportedSiteError(site)
    return site


def default_site(environ: Mapping[str, str] | None = None) -> Site:
    """$DD_SITE when set, else US1. An empty DD_SITE counts as unset, as in Datadog's tools."""
    env = os.environ if environ is None else environ
    value = env.get("DD_SITE", "").strip()
    if not value:
        return parse_site(DEFAULT_SITE_DOMAIN)
    try:
        return parse_site(value)
    except SiteError:
        raise SiteError(
            f"DD_SITE={quote_for_message(value)} is not a Datadog site: set it to a domain "
            f"such as datadoghq.eu or a site name ({_NAMES_HINT}), or unset it"
        ) from None


class ApiUrlError(ValueError):
    """An --api-url that keys must not be sent to."""


_DEFAULT_PORTS = {"http": 80, "https": 443}
_API_URL_RULE = "keys are only ever sent to loopback or to an https Datadog API host"


def _is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    if "%" in host:  # IPv6 zone ids: not needed for loopback, and HTTP clients differ on them
        return False
    import ipaddress  # only --api-url needs it: kept off start-up

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse(url: str, why: str) -> ApiUrlError:
    return ApiUrlError(f"refusing --api-url {quote_for_message(url, quotes=False)}: {why}")


def _has_userinfo(text: str) -> bool:
    """True when the authority part (between "//" and the path) contains an "@"."""
    authority = text.split("//", 1)[1] if "//" in text else text
    for stop in "/?#":
        authority = authority.split(stop, 1)[0]
    return "@" in authority


def _format_base(scheme: str, host: str, port: int | None, path: str) -> str:
    shown_host = f"[{host}]" if ":" in host else host
    port_part = "" if port is None or port == _DEFAULT_PORTS[scheme] else f":{port}"
    return f"{scheme}://{shown_host}{port_part}{path.rstrip('/')}"


def check_api_url(url: str) -> str:
    """Validate an --api-url and return it normalised (scheme://host[:port][/prefix]).

    The API and application keys go to this URL, so only two kinds of target are allowed:
    a local test server on loopback, or a real Datadog API host over https.
    """
    text = url.strip()
    if not text:
        raise ApiUrlError(
            "empty --api-url: give a base URL such as http://127.0.0.1:8080 "
            "or https://api.datadoghq.eu"
        )
    # urlsplit silently drops tabs and newlines; refuse them instead of guessing.
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise _refuse(text, "it contains spaces or control characters")
    if _has_userinfo(text):
        # Checked before anything echoes the URL: the part before @ may be a password.
        raise ApiUrlError(
            "refusing --api-url with user:password@ in it: remove that part "
            "(keys are sent in headers, never in the URL)"
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise _refuse(text, f"not a valid URL; {_API_URL_RULE}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc:
        hint = "use http:// or https:// (e.g. http://127.0.0.1:8080)"
        raise _refuse(text, f"{hint}; {_API_URL_RULE}")
    host = parts.hostname or ""
    if not _is_loopback_host(host):
        if host not in _API_HOSTS:
            raise _refuse(text, _API_URL_RULE)
        if scheme != "https":
            raise _refuse(text, f"a Datadog API host needs https; {_API_URL_RULE}")
    return _format_base(scheme, host, port, parts.path)


def is_loopback_url(url: str) -> bool:
    """True for an http(s) URL whose host is localhost, 127.0.0.0/8 or ::1."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        return False
    return _is_loopback_host(parts.hostname or "")
