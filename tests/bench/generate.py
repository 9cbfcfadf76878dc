"""Big, realistic workflow instances for benchmarks: deep and wide, of a chosen size."""

from __future__ import annotations

import json
import random
from typing import Any

WORKFLOW_ID = "ec5683e7-36c5-405c-9450-c8450e50b32d"
INSTANCE_ID = "6f05289a-266d-43c5-a67f-d519bd6593bb"


def _record(rng: random.Random, index: int) -> dict[str, Any]:
    return {
        "id": f"rec-{index:07d}",
        "host": f"i-{rng.getrandbits(40):010x}.ec2.internal",
        "latency_ms": round(rng.uniform(0.5, 900.0), 3),
        "ok": rng.random() > 0.1,
        "tags": [f"env:{rng.choice(['prod', 'staging'])}", f"team:{rng.choice('abcdef')}"],
        "detail": {"attempt": rng.randint(1, 5), "note": None if index % 7 else "retried"},
    }


def make_instance(target_bytes: int, *, seed: int = 7) -> dict[str, Any]:
    """An instance shaped like the real ones, whose JSON is about `target_bytes` long.

    Its outputs hold an array of samples (100k items per 10 MB), an object with many keys
    (50k per 10 MB), an array of nested records filling most of the rest, a 200-level deep
    chain and a long multi-line string.
    """
    rng = random.Random(seed)
    per_10mb = target_bytes / (10 * 1024 * 1024)
    samples = max(100, int(100_000 * per_10mb))
    keys = max(100, int(50_000 * per_10mb))
    # Measured on this generator: a sample takes about 9 bytes, an index key 29, a record 152.
    records = max(100, int((target_bytes * 0.93 - samples * 9 - keys * 29) / 152))
    deep: dict[str, Any] = {"leaf": "bottom"}
    for level in range(200):
        deep = {f"level{level}": deep, "n": level}
    outputs = {
        "records": [_record(rng, i) for i in range(records)],
        "samples": [round(rng.uniform(0, 1000), 3) for _ in range(samples)],
        "index": {f"key-{i:06d}": rng.randint(0, 10**9) for i in range(keys)},
        "deep": deep,
        "log": "\n".join(f"line {i}: " + "x" * 80 for i in range(max(10, target_bytes // 2000))),
    }
    return {
        "data": {
            "id": INSTANCE_ID,
            "type": "instances",
            "attributes": {
                "instanceStatus": {"detailsKind": "SUCCEEDED", "displayName": "Succeeded"},
                "startTimestamp": "2025-06-02T07:41:26.004517Z",
                "endTimestamp": "2025-06-02T07:49:58.663029Z",
                "outputs": outputs,
                "stepStateAssociations": [{"stepName": "Export", "stepState": "COMPLETED"}],
            },
            "relationships": {"workflow": {"data": {"id": WORKFLOW_ID, "type": "workflows"}}},
        },
        "included": [],
        "meta": {"outputsTooBig": False, "sourceTooBig": False, "triggerTooBig": False},
    }


def instance_bytes(target_bytes: int) -> bytes:
    return json.dumps(make_instance(target_bytes), separators=(",", ":")).encode()
