"""Load the recorded Datadog responses (VCR.py YAML) and replay them on FakeDatadog.

    interactions = load_cassette("test_get_a_workflow_instance_returns_ok_response")
    serve(server, interactions[0])

Names may be given with or without ".yaml". The files are read-only test data shared with
other tools: nothing here writes to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

if TYPE_CHECKING:
    from wfbrowse.demo.server import FakeDatadog

# A copy of the recordings kept beside the tests, so that a clone of the repository alone
# runs every test (CI checks out nothing else).
CASSETTE_DIR = Path(__file__).resolve().parent / "fixtures" / "datadog-cassettes"

# The run most recordings are of (a finished run of a small workflow), as tests address it.
WF = "ccf73164-1998-4785-a7a3-8d06c7e5f558"
INST = "305a472b-71ab-4ce8-8f8d-75db635627b5"
INSTANCE_PATH = f"/api/v2/workflows/{WF}/instances/{INST}"

# FakeDatadog writes its own Content-Length; these would contradict the replayed bytes.
_HOP_BY_HOP = frozenset({"content-length", "transfer-encoding", "connection", "content-encoding"})


@dataclass(frozen=True)
class Interaction:
    """One recorded request and the response the real server gave."""

    method: str  # upper case
    uri: str  # the full recorded URI
    path: str  # the URI's path, as FakeDatadog matches it
    query: str  # the URI's query string, "" when none
    status: int
    reason: str
    headers: dict[str, str]  # response headers, names lower-cased, repeated values joined
    body: bytes  # exact response body bytes
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: bytes | None = None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def cassette_path(name: str) -> Path:
    return CASSETTE_DIR / (name if name.endswith(".yaml") else f"{name}.yaml")


def cassette_names() -> list[str]:
    """Every cassette's name (file stem), sorted."""
    return sorted(p.stem for p in CASSETTE_DIR.glob("*.yaml"))


def load_cassette(name: str) -> list[Interaction]:
    """All interactions of one cassette, in recorded order."""
    document = yaml.safe_load(cassette_path(name).read_text(encoding="utf-8"))
    return [_interaction(entry) for entry in document.get("interactions") or []]


def load_interaction(name: str, method: str = "GET") -> Interaction:
    """The single interaction of cassette `name` made with `method`."""
    found = [i for i in load_cassette(name) if i.method == method.upper()]
    if len(found) != 1:
        raise LookupError(f"{name}: {len(found)} {method.upper()} interactions, expected 1")
    return found[0]


def serve(server: FakeDatadog, interaction: Interaction, *, times: int | None = None) -> None:
    """Make `server` answer the interaction's method and path with the recorded response."""
    headers = {k: v for k, v in interaction.headers.items() if k not in _HOP_BY_HOP}
    server.add_response(
        interaction.method,
        interaction.path,
        status=interaction.status,
        body=interaction.body,
        headers=headers,
        times=times,
    )


def _interaction(entry: dict[str, Any]) -> Interaction:
    request = entry.get("request") or {}
    response = entry.get("response") or {}
    status = response.get("status") or {}
    uri = str(request.get("uri", ""))
    parts = urlsplit(uri)
    return Interaction(
        method=str(request.get("method", "GET")).upper(),
        uri=uri,
        path=parts.path,
        query=parts.query,
        status=int(status.get("code", 0)),
        reason=str(status.get("message", "")),
        headers=_headers(response.get("headers")),
        body=_body(response.get("body")) or b"",
        request_headers=_headers(request.get("headers")),
        request_body=_body(request.get("body")),
    )


def _headers(raw: Any) -> dict[str, str]:
    # VCR stores each header as a list of values.
    headers: dict[str, str] = {}
    for name, value in (raw or {}).items():
        values = value if isinstance(value, list) else [value]
        headers[str(name).lower()] = ", ".join(str(v) for v in values)
    return headers


def _body(raw: Any) -> bytes | None:
    # Either {"string": ...} or the value itself; `!!binary` bodies load as bytes already.
    if isinstance(raw, dict):
        raw = raw.get("string")
    if raw is None:
        return None
    if isinstance(raw, bytes):
        return raw
    return str(raw).encode("utf-8")
