"""A Datadog-compatible HTTP server on loopback: the `--demo` backend and the tests' server."""

from wfbrowse.demo.catalog import (
    DEMO_RUNS,
    DEMO_WORKFLOW_ID,
    DemoCatalog,
    DemoRun,
    start_demo_server,
)
from wfbrowse.demo.server import Catalog, FakeDatadog, RecordedRequest, Reply

__all__ = [
    "DEMO_RUNS",
    "DEMO_WORKFLOW_ID",
    "Catalog",
    "DemoCatalog",
    "DemoRun",
    "FakeDatadog",
    "RecordedRequest",
    "Reply",
    "start_demo_server",
]
