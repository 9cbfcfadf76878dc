"""The benchmark's generated instances have the shape the targets are measured on."""

from __future__ import annotations

import json
from typing import Any

from tests.bench.generate import (
    DEEP_LEVELS,
    MB,
    MIN_ARRAY,
    MIN_KEYS,
    instance_bytes,
    running_instance,
    shape_for,
)


def depth(value: Any) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
    return deepest


def test_a_1_mb_instance_holds_a_100k_array_a_50k_key_object_a_deep_chain_and_a_long_text() -> None:
    data = instance_bytes(MB)
    assert abs(len(data) - MB) < MB * 0.02
    outputs = json.loads(data)["data"]["attributes"]["outputs"]
    assert len(outputs["samples"]) >= MIN_ARRAY
    assert len(outputs["index"]) >= MIN_KEYS
    assert len(outputs["records"]) >= 1000
    assert depth(outputs["deep"]) >= DEEP_LEVELS
    assert outputs["log"].count("\n") >= 500


def test_bigger_instances_scale_their_big_containers_and_use_realistic_values() -> None:
    ten, fifty = shape_for(10 * MB), shape_for(50 * MB)
    assert (ten.samples, ten.keys) == (MIN_ARRAY, MIN_KEYS)
    assert (fifty.samples, fifty.keys) == (5 * MIN_ARRAY, 5 * MIN_KEYS)
    assert not ten.compact and not fifty.compact
    assert shape_for(MB).compact


def test_the_soak_run_is_running_and_changes_on_every_tick() -> None:
    first, second = running_instance(1), running_instance(2)
    status = first["data"]["attributes"]["instanceStatus"]["detailsKind"]
    assert status == "IN_PROGRESS"
    assert first != second
    assert len(json.dumps(running_instance(1000))) < 2 * len(json.dumps(first))
