"""Big, realistic workflow instances for benchmarks: deep and wide, of a chosen size.

Every instance, whatever its size, holds (under `data.attributes.outputs`):

- `records`: an array of nested records (id, host, latency, tags, detail), filling most of it;
- `samples`: an array of at least 100,000 numbers (100k per 10 MB above that);
- `index`: an object of at least 50,000 keys (50k per 10 MB above that);
- `deep`: a chain of 200 nested objects (so 201 levels below `deep`, about 206 from the root);
- `log`: a long multi-line string.

At 1 MB, 100,000 items and 50,000 keys only fit when small: the samples are then one-digit
integers and the keys four hex digits; from about 4 MB up they are realistic (floats with
three decimals, `key-000123` names with large integer values). The record count is worked
out from measured sizes so that the JSON comes out within about 1% of the size asked for.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORKFLOW_ID = "ec5683e7-36c5-405c-9450-c8450e50b32d"
INSTANCE_ID = "6f05289a-266d-43c5-a67f-d519bd6593bb"

MB = 1024 * 1024
MIN_ARRAY = 100_000
MIN_KEYS = 50_000
DEEP_LEVELS = 200
GENERATOR_VERSION = 2  # bump when the shape changes: cached files are named after it


def _record(rng: random.Random, index: int) -> dict[str, Any]:
    return {
        "id": f"rec-{index:07d}",
        "host": f"i-{rng.getrandbits(40):010x}.ec2.internal",
        "latency_ms": round(rng.uniform(0.5, 900.0), 3),
        "ok": rng.random() > 0.1,
        "tags": [f"env:{rng.choice(['prod', 'staging'])}", f"team:{rng.choice('abcdef')}"],
        "detail": {"attempt": rng.randint(1, 5), "note": None if index % 7 else "retried"},
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True)
class Shape:
    """How many of each part an instance of a given size holds."""

    records: int
    samples: int
    keys: int
    compact: bool  # one-digit samples and four-hex-digit keys (small sizes)
    log_lines: int


def _deep_chain() -> dict[str, Any]:
    deep: dict[str, Any] = {"leaf": "bottom"}
    for level in range(DEEP_LEVELS):
        deep = {f"level{level}": deep, "n": level}
    return deep


def _samples(rng: random.Random, count: int, compact: bool) -> list[Any]:
    if compact:
        return [rng.randrange(10) for _ in range(count)]
    return [round(rng.uniform(0, 1000), 3) for _ in range(count)]


def _index(rng: random.Random, count: int, compact: bool) -> dict[str, int]:
    if compact:
        width = len(f"{count - 1:x}")
        return {f"{i:0{width}x}": rng.randrange(10) for i in range(count)}
    return {f"key-{i:06d}": rng.randint(0, 10**9) for i in range(count)}


def _log(lines: int) -> str:
    return "\n".join(f"line {i}: " + "x" * 80 for i in range(lines))


def shape_for(target_bytes: int) -> Shape:
    per_10mb = target_bytes / (10 * MB)
    samples = max(MIN_ARRAY, int(MIN_ARRAY * per_10mb))
    keys = max(MIN_KEYS, int(MIN_KEYS * per_10mb))
    # Realistic samples (~9 bytes) and keys (~29 bytes) take 2.35 MB at the minimum counts:
    # below about 4 MB they would leave no room for records, so they are made small instead.
    compact = samples * 9 + keys * 29 > target_bytes * 0.5
    log_lines = max(10, target_bytes // 2000)
    # Measure the fixed parts and an average record, then fill the rest with records.
    rng = random.Random(1)
    fixed = len(_dumps(_samples(rng, samples, compact))) + len(_dumps(_index(rng, keys, compact)))
    fixed += len(_dumps(_deep_chain())) + len(_dumps(_log(log_lines))) + 1200
    probe = [_record(rng, i) for i in range(2000)]
    per_record = (len(_dumps(probe)) - 2) / len(probe) + 1
    records = max(100, int((target_bytes - fixed) / per_record))
    return Shape(records, samples, keys, compact, log_lines)


def make_instance(target_bytes: int, *, seed: int = 7, status: str = "SUCCEEDED") -> dict[str, Any]:
    """An instance shaped like the real ones, whose JSON is about `target_bytes` long."""
    rng = random.Random(seed)
    shape = shape_for(target_bytes)
    outputs = {
        "records": [_record(rng, i) for i in range(shape.records)],
        "samples": _samples(rng, shape.samples, shape.compact),
        "index": _index(rng, shape.keys, shape.compact),
        "deep": _deep_chain(),
        "log": _log(shape.log_lines),
    }
    running = status == "IN_PROGRESS"
    attributes: dict[str, Any] = {
        "instanceStatus": {
            "detailsKind": status,
            "displayName": "Running" if running else status.title(),
        },
        "startTimestamp": "2025-06-02T07:41:26.004517Z",
        "outputs": outputs,
        "stepStateAssociations": [{"stepName": "Export", "stepState": "COMPLETED"}],
    }
    if not running:
        attributes["endTimestamp"] = "2025-06-02T07:49:58.663029Z"
    return {
        "data": {
            "id": INSTANCE_ID,
            "type": "instances",
            "attributes": attributes,
            "relationships": {"workflow": {"data": {"id": WORKFLOW_ID, "type": "workflows"}}},
        },
        "included": [],
        "meta": {"outputsTooBig": False, "sourceTooBig": False, "triggerTooBig": False},
    }


def instance_bytes(target_bytes: int, *, seed: int = 7) -> bytes:
    return _dumps(make_instance(target_bytes, seed=seed)).encode()


def late_record_id(target_bytes: int, fraction: float = 0.6) -> str:
    """The id of a record `fraction` of the way through `records` (a late first match)."""
    return f"rec-{int(shape_for(target_bytes).records * fraction):07d}"


def cache_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / "wfbrowse-bench"
    folder.mkdir(exist_ok=True)
    return folder


def instance_file(target_bytes: int, *, seed: int = 7) -> Path:
    """The instance saved as a file (what `wfbrowse open` and `vd` read), made once and kept
    in the temporary folder (named after its size, seed and this generator's version)."""
    stamp = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]
    name = f"instance-{target_bytes}-{seed}-v{GENERATOR_VERSION}-{stamp}.json"
    path = cache_dir() / name
    if not path.exists():
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_bytes(instance_bytes(target_bytes, seed=seed))
        temp.replace(path)
    return path


# -- a running run for the soak ----------------------------------------------------------------
STEPS = [f"Step{n:02d}" for n in range(12)]


RUNNING_RECORDS = 300  # records in a running run by default: about 50 KB of JSON


def running_instance(tick: int, *, records: int = RUNNING_RECORDS) -> dict[str, Any]:
    """A running run as the live watch sees it on its `tick`th refresh: its steps advance,
    counters and a progress log grow a little (bounded), some record values change."""
    rng = random.Random(tick)
    done = (tick // 5) % len(STEPS)
    steps = [
        {
            "stepName": name,
            "stepState": "COMPLETED" if i < done else ("RUNNING" if i == done else "PENDING"),
            "attempts": 1 + (tick + i) % 3 if i <= done else 0,
        }
        for i, name in enumerate(STEPS)
    ]
    base = random.Random(99)
    rows = [_record(base, i) for i in range(records)]
    for row in rng.sample(rows, 10):  # ten records change on every refresh
        row["latency_ms"] = round(rng.uniform(0.5, 900.0), 3)
        row["detail"]["attempt"] = rng.randint(1, 5)
    return {
        "data": {
            "id": INSTANCE_ID,
            "type": "instances",
            "attributes": {
                "instanceStatus": {"detailsKind": "IN_PROGRESS", "displayName": "Running"},
                "startTimestamp": "2025-06-02T07:41:26.004517Z",
                "outputs": {
                    "tick": tick,
                    "processed": tick * 17,
                    "progress": [f"tick {t}: ok" for t in range(max(0, tick - 20), tick + 1)],
                    "records": rows,
                },
                "stepStateAssociations": steps,
            },
            "relationships": {"workflow": {"data": {"id": WORKFLOW_ID, "type": "workflows"}}},
        },
        "included": [],
        "meta": {"outputsTooBig": False, "sourceTooBig": False, "triggerTooBig": False},
    }
