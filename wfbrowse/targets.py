"""Turn what a user pastes (an ID, two IDs, a web UI link, an API URL) into the run to open.

Standard library only: this module is imported at start-up, before any UI is drawn.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

from wfbrowse.sites import SITES, Site, quote_for_message, site_for_host

__all__ = [
    "UUID_RE",
    "Target",
    "TargetError",
    "clean_pasted",
    "looks_like_link",
    "parse_field",
    "parse_target",
    "parse_uuid",
]

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# Anchored with \A and \Z so that match(), search() and fullmatch() all mean "is exactly a UUID"
# (a plain $ would also accept a trailing newline).
UUID_RE = re.compile(rf"\A{_UUID}\Z", re.IGNORECASE)

# Two IDs pasted together: "<wf> <inst>", "<wf>/<inst>", "<wf>, <inst>".
_PAIR_RE = re.compile(rf"\A({_UUID})(?:\s*[/,]\s*|\s+)({_UUID})\Z", re.IGNORECASE)

_EXAMPLE_UUID = "ccf73164-1998-4785-a7a3-8d06c7e5f558"
_ACCEPTED = "paste a workflow ID, an instance ID or a Datadog link"

# Invisible characters that chat tools and rich-text editors slip into copied text; they are
# never part of an ID or a URL, so they are dropped wherever they appear.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# Wrappers around pasted text: quotes from prose or markdown, <...> from Slack and email.
_WRAPPERS = frozenset("'\"`\u2018\u2019\u201c\u201d<>")


class TargetError(ValueError):
    """Pasted text that names no workflow run."""


class Target(NamedTuple):  # a NamedTuple: made at start-up (see `wfbrowse.sites.Site`)
    """The run to open. site is set only when the text was a link to a Datadog host."""

    workflow_id: str | None
    instance_id: str | None
    site: Site | None = None


def clean_pasted(text: str) -> str:
    """Strip whitespace, invisible characters, quotes and angle brackets around pasted text."""
    cleaned = _INVISIBLE_RE.sub("", text)
    previous = None
    # Repeat because wrappers nest: "<'uuid'>", "` uuid `", "```uuid```".
    while cleaned != previous:
        previous = cleaned
        cleaned = cleaned.strip()
        if cleaned[:1] in _WRAPPERS:
            cleaned = cleaned[1:]
        if cleaned[-1:] in _WRAPPERS:
            cleaned = cleaned[:-1]
    # Slack writes links as <url|label>; the label is not part of the URL.
    if "://" in cleaned and "|" in cleaned:
        cleaned = cleaned.split("|", 1)[0].strip()
    return cleaned


def parse_uuid(text: str, what: str = "workflow ID") -> str:
    """A pasted UUID, lower-cased; TargetError naming `what` otherwise."""
    cleaned = clean_pasted(text)
    if not cleaned:
        raise TargetError(f"{what}: empty (expected something like {_EXAMPLE_UUID})")
    if not UUID_RE.match(cleaned):
        raise TargetError(
            f"{what}: {quote_for_message(cleaned)} is not a UUID "
            f"(expected something like {_EXAMPLE_UUID}, or a Datadog link)"
        )
    return cleaned.lower()


def _known_domains() -> tuple[str, ...]:
    # Longest first so a regional domain wins over the one it is a subdomain of.
    return tuple(sorted({site.domain for site in SITES}, key=len, reverse=True))


_DOMAINS = _known_domains()


def _is_datadog_host(host: str) -> bool:
    """A site's own host, or any subdomain of a Datadog domain (custom org subdomains)."""
    if site_for_host(host) is not None:
        return True
    name = host.lower().rstrip(".")
    return any(name.endswith("." + domain) for domain in _DOMAINS)


def _leading_host(text: str) -> str:
    """The host-looking start of a scheme-less link such as "app.datadoghq.eu/workflow/..."."""
    head = re.split(r"[/?#]", text, maxsplit=1)[0]
    return head.rsplit(":", 1)[0] if head.count(":") == 1 else head


def looks_like_link(text: str) -> bool:
    """True when the text is meant as a link rather than a bare ID."""
    cleaned = clean_pasted(text)
    if "://" in cleaned or "/workflow" in cleaned.lower():
        return True
    host = _leading_host(cleaned)
    return bool(host) and _is_datadog_host(host)


def _instance_from_query(query: str) -> str | None:
    values = parse_qs(query).get("instance", [])
    value = values[0].strip() if values else ""
    return parse_uuid(value, "instance ID") if value else None


def _ids_from_path(segments: list[str], query: str) -> tuple[str, str | None] | None:
    """(workflow_id, instance_id) from a web UI path or an API path; None if neither."""
    lowered = [segment.lower() for segment in segments]
    # Web UI: /workflow/<wf>?instance=<inst>; the plural is accepted as people misremember it.
    if len(segments) >= 2 and lowered[0] in ("workflow", "workflows"):
        return parse_uuid(segments[1], "workflow ID"), _instance_from_query(query)
    # API: /api/v2/workflows/<wf>[/instances[/<inst>[/cancel]]]
    if len(segments) >= 4 and lowered[:3] == ["api", "v2", "workflows"]:
        workflow_id = parse_uuid(segments[3], "workflow ID")
        if len(segments) >= 6 and lowered[4] == "instances":
            return workflow_id, parse_uuid(segments[5], "instance ID")
        return workflow_id, None
    return None


def _parse_link(cleaned: str) -> Target:
    # A scheme-less paste ("app.datadoghq.eu/workflow/...") reads as a path without one.
    url = cleaned if "://" in cleaned else f"https://{cleaned}"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # raises on a malformed port
    except ValueError:
        raise TargetError(
            f"{quote_for_message(cleaned)} is not a valid link: {_ACCEPTED}"
        ) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise TargetError(f"not a web link ({parts.scheme}://): {_ACCEPTED}")
    if not host:
        raise TargetError(f"{quote_for_message(cleaned)} has no host: {_ACCEPTED}")
    if not _is_datadog_host(host):
        raise TargetError(f"not a Datadog link: host {quote_for_message(host, quotes=False)}")
    segments = [segment for segment in parts.path.split("/") if segment]
    ids = _ids_from_path(segments, parts.query)
    if ids is None:
        raise TargetError(
            "Datadog link without a workflow ID: expected .../workflow/<workflow ID>"
            "?instance=<instance ID> or .../api/v2/workflows/<workflow ID>/instances/<instance ID>"
        )
    # A custom org subdomain has no known site: the ids still hold, the site stays as set.
    return Target(ids[0], ids[1], site_for_host(host))


def parse_target(text: str) -> Target:
    """Read a bare UUID, two UUIDs, a web UI link or an API URL."""
    cleaned = clean_pasted(text)
    if not cleaned:
        raise TargetError(f"empty: {_ACCEPTED}")
    if UUID_RE.match(cleaned):
        return Target(cleaned.lower(), None)
    pair = _PAIR_RE.match(cleaned)
    if pair:
        return Target(pair.group(1).lower(), pair.group(2).lower())
    if looks_like_link(cleaned):
        return _parse_link(cleaned)
    raise TargetError(
        f"{quote_for_message(cleaned)} is not a UUID or a Datadog link "
        f"(expected something like {_EXAMPLE_UUID}, or a link to a workflow run)"
    )


_FIELDS = ("workflow ID", "instance ID")


def parse_field(text: str, what: str) -> Target:
    """Read one of the app's two input fields.

    A link or an ID pair fills both ids (and the site); a single ID fills only this field.
    """
    if what not in _FIELDS:
        raise ValueError(f"what must be one of {_FIELDS}, not {what!r}")
    cleaned = clean_pasted(text)
    if looks_like_link(cleaned) or _PAIR_RE.match(cleaned):
        return parse_target(cleaned)
    value = parse_uuid(cleaned, what)
    if what == "workflow ID":
        return Target(value, None)
    return Target(None, value)
