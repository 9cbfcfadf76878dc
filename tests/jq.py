"""The real jq, run on a document: what the copied paths are checked against."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

JQ = shutil.which("jq")
needs_jq = pytest.mark.skipif(JQ is None, reason="the jq binary is not installed")


def jq_outputs(program: str, data: Any) -> list[Any]:
    """Every value `jq -c PROGRAM` prints for the data, parsed back."""
    assert JQ is not None
    done = subprocess.run(
        [JQ, "-c", program],
        input=json.dumps(data, ensure_ascii=False).encode("utf-8"),
        capture_output=True,
        timeout=30,
        check=False,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, f"jq rejected {program[:500]!r}: {stderr}"
    # split("\n"), not splitlines(): jq writes U+2028 and friends raw inside strings.
    lines = done.stdout.decode("utf-8").split("\n")
    return [json.loads(line) for line in lines if line]
