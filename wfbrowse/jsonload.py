"""Parse JSON fast, and exactly.

orjson is about half again as fast as `json` on a big instance, but it turns integers beyond
64 bits into floats (silently, in the versions seen here) and refuses what `json` reads
(lone surrogates, a byte-order mark) or explains better (broken JSON). So orjson goes first,
and `json` takes over for what orjson refuses, and whenever the bytes hold a run of 19 or
more digits, where a rounded integer could hide.

Documents nested deeper than MAX_NESTING levels are refused, even those a parser accepts: the
app turns values back into text with `json.dumps` (copy, the value view, save, `wfbrowse
get`), which recurses once per level and fails near Python's recursion limit, 1,000 frames
including those of the caller. A document that loads must be one every part of the app can
handle. For the same reason `json`'s leniencies are turned off: `NaN`, `Infinity` (not JSON)
and numbers beyond a double's range (which would read as infinity) are refused as orjson
refuses them, since no copy of such a value could be pasted back as JSON; and an integer
longer than Python converts (4,300 digits by default, a guard against quadratic work) is a
JSONDecodeError, not the bare ValueError `json` raises, which no caller expects.
"""

from __future__ import annotations

import gc
import json
import math
import re
import sys
from typing import Any

# Half of Python's recursion limit, so that `json.dumps` works from anywhere in the app. (orjson
# reads 1,024 levels, `json` gives up near 1,000 minus the caller's frames.)
MAX_NESTING = 512
# orjson writes at most this many levels (JSONEncodeError past it): a document it can write
# back is known to be within MAX_NESTING without walking it.
_ORJSON_WRITE_DEPTH = 254

FREEZE_FROM = 1024 * 1024  # bytes of JSON from which a document is frozen once parsed

# Every digit read as "0", to find a run of 19 of them with one bytes.find: a regex over a
# 10 MB body took 220 ms, longer than orjson's whole parse; translate and find take 17 ms.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19
# Pieces of this size are translated one at a time: the copies stay in the processor's cache
# and reuse the same memory, where one copy of a 50 MB body took 110 ms, 70 in pieces.
_PIECE = 256 * 1024


def _has_long_digit_run(data: bytes) -> bool:
    """Whether the bytes hold 19 digits in a row: a number orjson may have rounded."""
    overlap = len(_LONG_RUN) - 1  # a run may straddle two pieces
    for start in range(0, len(data), _PIECE):
        piece = data[max(0, start - overlap) : start + _PIECE]
        if piece.translate(_DIGITS_AS_ZERO).find(_LONG_RUN) != -1:
            return True
    return False


def loads_exact(data: bytes) -> Any:
    """Parse JSON bytes exactly, quickly when possible.

    orjson goes first; what it refuses (lone surrogates, a byte-order mark, nesting past
    1,024 levels, broken JSON) goes to `json`, which accepts the first ones and explains the
    rest (json.JSONDecodeError, RecursionError, UnicodeDecodeError). Nesting deeper than
    MAX_NESTING levels is a RecursionError too, whichever parser read it.
    """
    import orjson

    was_enabled = gc.isenabled()
    gc.disable()  # JSON values form no cycles: the collector would only walk them again
    try:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            value = _json_loads(data)
        else:
            if _has_long_digit_run(data):
                # A RecursionError here means deeper than MAX_NESTING anyway: no fallback to
                # orjson's result, whose big integers may be rounded.
                value = _json_loads(data)
        if _nested_deeper_than(value, data, MAX_NESTING):
            raise RecursionError(f"JSON nested deeper than {MAX_NESTING} levels")
        if len(data) >= FREEZE_FROM:
            # A big document goes out of the collector's way at once: otherwise it walks every
            # container of it as they age through the generations (130 ms for 10 MB, 750 ms
            # for 50 MB, in the middle of the first frame). JSON values hold no cycles, so
            # reference counting still frees them. (What else is frozen with it, the app's
            # tree view sets loose again once the run is on screen.) Small ones are left to
            # the collector: freezing on every refresh of a watched run kept its garbage.
            gc.freeze()
        return value
    finally:
        if was_enabled:
            gc.enable()


class _NotExact(ValueError):
    """A number `json` would read but no JSON text can stand for (see the module's doc)."""

    def __init__(self, message: str, token: str) -> None:
        super().__init__(message)
        self.token = token


def _refuse_constant(token: str) -> Any:
    raise _NotExact(f"{token} is not a JSON value", token)


def _finite_float(token: str) -> float:
    number = float(token)
    if math.isinf(number):
        raise _NotExact("number out of range", token)
    return number


def _json_loads(data: bytes) -> Any:
    """`json.loads` of UTF-8 bytes (a byte-order mark allowed), strict about numbers."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError:
        raise
    except _NotExact as error:
        # The position is that of the first such token, not always of the one that failed:
        # it only places the message.
        raise json.JSONDecodeError(str(error), text, max(0, text.find(error.token))) from None
    except ValueError:
        # The only other ValueError `json` lets out: an integer past Python's digit limit.
        limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
        found = re.search(rf"[0-9]{{{limit + 1},}}", text)
        message = f"number with more than {limit:,} digits"
        raise json.JSONDecodeError(message, text, found.start() if found else 0) from None


def _nested_deeper_than(value: Any, data: bytes, limit: int) -> bool:
    """Whether the parsed `value` (read from `data`) holds more than `limit` nested levels.

    Walking a big document costs more than parsing it, so the cheap answers come first:
    fewer brackets than `limit` in all, or orjson able to write it back (which it refuses
    past 254 levels; it also refuses big integers and lone surrogates, which then walk).
    """
    import orjson

    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    if limit >= _ORJSON_WRITE_DEPTH:
        try:
            orjson.dumps(value)
        except orjson.JSONEncodeError:
            pass
        else:
            return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if not isinstance(current, (dict, list)):
            continue
        if depth > limit:
            return True
        children = current.values() if isinstance(current, dict) else current
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


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
