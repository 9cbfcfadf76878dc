"""The loader's checks worked out in a child process (`loads_exact(data, meanwhile)`): the same
answers as in one process, for every way a big document can turn out, and the caller's work
done while the child checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wfbrowse.jsonload import CHECK_ASIDE_FROM, MAX_NESTING

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the checks go aside on Linux")

BIG_INTEGER = 123456789012345678901234567890  # orjson alone would round it to a float


# Run in a process of its own: the checks go aside only from a process running one thread,
# and a test run has others (loopback servers, executors) that earlier tests left.
_LOAD = """
import json, os, sys
from wfbrowse.jsonload import loads_exact

def children():
    with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as file:
        return len(file.read().split())

calls, seen = [], []
def meanwhile():
    calls.append(1)
    seen.append(children())
    if sys.argv[2] == "interrupt":
        raise KeyboardInterrupt

data = open(sys.argv[1], "rb").read()
report = {}
try:
    value = loads_exact(data, meanwhile)
    report["exact"] = value == json.loads(data)
    report["big"] = repr(value.get("big"))
except BaseException as error:
    report["error"] = f"{type(error).__name__}: {error}"
report.update(calls=len(calls), children_meanwhile=seen, children_after=children())
print(json.dumps(report))
"""


def load(tmp_path: Path, data: bytes, how: str = "") -> dict[str, Any]:
    """What `loads_exact(data, meanwhile)` did in a new process."""
    path = tmp_path / "document.json"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(path), how],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def big(document: dict[str, Any]) -> bytes:
    """`document` with a padding string that takes it past CHECK_ASIDE_FROM bytes."""
    padded = {"padding": "x" * CHECK_ASIDE_FROM, **document}
    return json.dumps(padded).encode()


def nested(levels: int) -> dict[str, Any]:
    value: Any = "bottom"
    for _ in range(levels - 1):
        value = [value]
    return {"deep": value}


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"plain": [1, 2.5, True, None, {"a": "b"}]}, id="plain"),
        # A rounded integer: `json` reads the bytes again.
        pytest.param({"big": BIG_INTEGER, "negative": -BIG_INTEGER}, id="big-integers"),
        # "e+" in what orjson writes back, but no long number: orjson's value stands.
        pytest.param({"text": "one+two, the+end", "float": 1.5e300}, id="e-plus-without-numbers"),
        # Deeper than orjson writes (254 levels), within MAX_NESTING: walked, and kept.
        pytest.param(nested(300), id="300-levels"),
        pytest.param(nested(MAX_NESTING), id="max-levels"),
    ],
)
def test_a_big_document_is_read_exactly_while_the_caller_works(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    report = load(tmp_path, big(document))
    assert report["exact"] is True, report
    assert report["calls"] == 1
    assert report["children_meanwhile"] == [1]  # the checks ran in a child meanwhile
    assert report["children_after"] == 0  # and it was waited for
    if "big" in document:
        assert report["big"] == repr(BIG_INTEGER)  # an int, not orjson's rounded float


def test_a_big_document_nested_too_deep_is_refused_after_the_caller_worked(
    tmp_path: Path,
) -> None:
    report = load(tmp_path, big(nested(MAX_NESTING + 1)))
    assert report["error"] == f"RecursionError: JSON nested deeper than {MAX_NESTING} levels"
    assert report["calls"] == 1
    assert report["children_meanwhile"] == [1]
    assert report["children_after"] == 0


def test_a_small_document_is_checked_here_and_the_caller_still_works(tmp_path: Path) -> None:
    report = load(tmp_path, json.dumps({"big": BIG_INTEGER}).encode())
    assert report["exact"] is True
    assert report["big"] == repr(BIG_INTEGER)
    assert report["calls"] == 1
    assert report["children_meanwhile"] == [0]


def test_the_callers_failure_ends_the_child(tmp_path: Path) -> None:
    report = load(tmp_path, big({"plain": 1}), "interrupt")
    assert report["error"] == "KeyboardInterrupt: "
    assert report["children_meanwhile"] == [1]
    assert report["children_after"] == 0


def test_broken_json_is_refused_before_the_callers_work(tmp_path: Path) -> None:
    report = load(tmp_path, big({"a": 1})[:-2])
    assert report["error"].startswith("JSONDecodeError: ")
    assert report["calls"] == 0
