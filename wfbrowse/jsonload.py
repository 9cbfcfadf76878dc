"""Parse JSON fast, and exactly.

orjson is about half again as fast as `json` on a big instance, but it turns integers beyond
64 bits into floats (silently, in the versions seen here) and refuses what `json` reads
(lone surrogates, a byte-order mark) or explains better (broken JSON). So orjson goes first,
and `json` takes over for what orjson refuses, and whenever the bytes hold a run of 19 or
more digits, where a rounded integer could hide.
"""

from __future__ import annotations

import gc
import json
import re
from typing import Any

MAX_NESTING = 1024  # orjson's limit; `json` gives up (RecursionError) near the same depth

_LONG_DIGITS = re.compile(rb"[0-9]{19,}")


def loads_exact(data: bytes) -> Any:
    """Parse JSON bytes exactly, quickly when possible.

    orjson goes first; what it refuses (lone surrogates, a byte-order mark, nesting past
    MAX_NESTING levels, broken JSON) goes to `json`, which accepts the first ones and
    explains the rest (json.JSONDecodeError, RecursionError, UnicodeDecodeError).
    """
    import orjson

    was_enabled = gc.isenabled()
    gc.disable()  # JSON values form no cycles: the collector would only walk them again
    try:
        try:
            fast = orjson.loads(data)
        except orjson.JSONDecodeError:
            return json.loads(data.decode("utf-8").removeprefix("\ufeff"))
        if _LONG_DIGITS.search(data) is None:
            return fast
        try:
            return json.loads(data.decode("utf-8").removeprefix("\ufeff"))
        except RecursionError:  # deeper than `json` goes but within orjson's limit
            return fast
    finally:
        if was_enabled:
            gc.enable()


def json_kind(value: Any) -> str:
    """What a parsed JSON value is, for messages: "an array", "a string"..."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    return "a number"
