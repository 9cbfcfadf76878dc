"""Parse JSON fast, and exactly.

orjson is about half again as fast as `json` on a big instance, but it turns integers beyond
64 bits into floats (silently, in the versions seen here) and refuses what `json` reads
(lone surrogates, a byte-order mark) or explains better (broken JSON). So orjson goes first,
and `json` takes over for what orjson refuses, and wherever a rounded integer could hide: the
bytes hold a run of 19 or more digits (looked for only when orjson's writing the document back
shows a big number, or fails).

Documents nested deeper than MAX_NESTING levels are refused, even those a parser accepts: the
app turns values back into text with `json.dumps` (copy, the value view, save, `wfbrowse
get`), which recurses once per level and fails near Python's recursion limit, 1,000 frames
including those of the caller. A document that loads must be one every part of the app can
handle. For the same reason `json`'s leniencies are turned off: `NaN`, `Infinity` (not JSON)
and numbers beyond a double's range (which would read as infinity) are refused as orjson
refuses them, since no copy of such a value could be pasted back as JSON; and an integer
longer than Python converts (4,300 digits by default, a guard against quadratic work) is a
JSONDecodeError, not the bare ValueError `json` raises, which no caller expects.

The checks after orjson's parse (writing the document back, and the 19-digit scan when that
shows a big number) take a fifth of the parse's time: 37 ms at 10 MB, 100 to 200 ms at 50 MB.
A caller with other work to do before it needs the value (`wfbrowse open`, which has the app
to import) hands that work to `loads_exact` as `meanwhile`: on Linux, for a big document, the
checks then run in a forked child on the parsed value (shared, not copied) while the work runs
here, on the other core. The answer is the same either way; only the waiting is spared.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import re
import signal
import sys
from collections.abc import Callable
from typing import Any, NamedTuple, NoReturn

# Half of Python's recursion limit, so that `json.dumps` works from anywhere in the app. (orjson
# reads 1,024 levels, `json` gives up near 1,000 minus the caller's frames.) It must stay at or
# above the 254 levels orjson writes: a document orjson writes back is taken as within it.
MAX_NESTING = 512

FREEZE_FROM = 1024 * 1024  # bytes of JSON from which a document is frozen once parsed

# Bytes of JSON from which the checks run in a child while `meanwhile` runs (see the module's
# doc). Below it they take under 5 ms, not worth a process.
CHECK_ASIDE_FROM = 1024 * 1024

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


def loads_exact(data: bytes, meanwhile: Callable[[], object] | None = None) -> Any:
    """Parse JSON bytes exactly, quickly when possible.

    orjson goes first; what it refuses (lone surrogates, a byte-order mark, nesting past
    1,024 levels, broken JSON) goes to `json`, which accepts the first ones and explains the
    rest (json.JSONDecodeError, RecursionError, UnicodeDecodeError). Nesting deeper than
    MAX_NESTING levels is a RecursionError too, whichever parser read it.

    `meanwhile`, if given, is called once the document has parsed, while its checks run in a
    child process (see the module's doc) or, where they run here, after them. It is not
    called for a document refused before then (not JSON, not UTF-8).
    """
    import orjson

    was_enabled = gc.isenabled()
    gc.disable()  # JSON values form no cycles: the collector would only walk them again
    try:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            value = _json_exact(data)
            verdict = _EXACT
        else:
            if meanwhile is not None and len(data) >= CHECK_ASIDE_FROM and _may_fork():
                verdict = _verdict_aside(value, data, meanwhile)
                meanwhile = None
            else:
                verdict = _verdict(value, data)
        if meanwhile is not None:
            meanwhile()
        if verdict == _TOO_DEEP:
            raise RecursionError(f"JSON nested deeper than {MAX_NESTING} levels")
        if verdict == _REPARSE:
            # No fallback to orjson's result, whose big integers may be rounded.
            value = _json_exact(data)
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


# What the checks make of orjson's value: one byte each, as the child sends it.
_EXACT = b"="  # exact, and within MAX_NESTING levels
_REPARSE = b"j"  # a number orjson may have rounded: `json` must read the bytes again
_TOO_DEEP = b"d"  # nested deeper than MAX_NESTING levels


def _verdict(value: Any, data: bytes) -> bytes:
    """What the checks make of orjson's `value`, parsed from `data`."""
    written = _write_back(value)
    # A rounded integer is a float of 9.2e18 or more, which orjson writes with an exponent
    # ("1.8446744073709552e+19", as repr does from 1e16 up): with no "e+" in what it wrote,
    # no number was rounded, and the 19-digit scan is not needed.
    if (written is None or written.big_numbers) and _has_long_digit_run(data):
        return _REPARSE
    return _TOO_DEEP if _too_deep(value, data, written) else _EXACT


def _json_exact(data: bytes) -> Any:
    """`json`'s reading of `data`, refused past MAX_NESTING levels (a RecursionError)."""
    value = _json_loads(data)
    if _too_deep(value, data, _write_back(value)):
        raise RecursionError(f"JSON nested deeper than {MAX_NESTING} levels")
    return value


def _may_fork() -> bool:
    """Whether a child may be forked here: on Linux (macOS's system libraries are not safe
    across a fork without exec, Windows has none), from a process running one thread (a
    fork copies no other thread, and could copy a lock one of them holds)."""
    threading = sys.modules.get("threading")
    single = threading is None or threading.active_count() == 1
    return sys.platform == "linux" and single and hasattr(os, "fork")


def _verdict_aside(value: Any, data: bytes, meanwhile: Callable[[], object]) -> bytes:
    """`_verdict(value, data)`, worked out in a forked child while `meanwhile` runs here.

    The child reads the parsed value where it lies (a fork shares memory until it is written)
    and answers with one byte on a pipe. If it cannot be started, or ends without an answer,
    the checks run here after all.
    """
    try:
        reader, writer = os.pipe()
    except OSError:
        meanwhile()
        return _verdict(value, data)
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        meanwhile()
        return _verdict(value, data)
    if pid == 0:
        os.close(reader)
        _answer_and_exit(value, data, writer)
    os.close(writer)
    answered = b""
    try:
        meanwhile()
        answered = os.read(reader, 1)  # blocks until the child answers or ends
    finally:
        os.close(reader)
        if not answered:
            # meanwhile failed (Ctrl+C, say), or the child ended without a word: it is ended
            # rather than let finish (a check of 50 MB takes a fifth of a second), and reaped.
            _end_quietly(pid)
        os.waitpid(pid, 0)
    return answered if answered in (_EXACT, _REPARSE, _TOO_DEEP) else _verdict(value, data)


def _answer_and_exit(value: Any, data: bytes, writer: int) -> NoReturn:
    """In the forked child: send the verdict and end, whatever happens, without running any
    of the parent's clean-up (no atexit, no flushing of its buffers)."""
    code = 1
    try:
        os.write(writer, _verdict(value, data))
        code = 0
    finally:
        os._exit(code)


def _end_quietly(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have ended already
        os.kill(pid, signal.SIGKILL)


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


class _Written(NamedTuple):
    """What orjson's writing a parsed value back showed (the text itself is not kept)."""

    big_numbers: bool  # "e+" in the text: a float of 1e16 or more, or a string holding "e+"


def _write_back(value: Any) -> _Written | None:
    """The value written back by orjson, or None where it cannot: nested past 254 levels,
    an integer past 64 bits or a lone surrogate (both possible only from `json`).

    One pass that proves two things at once, cheaper than either check alone: the nesting is
    within bounds, and (by the absence of "e+") no big number is in it. At 50 MB the bracket
    count and the digit scan this spares took 86 and 95 ms; the writing itself, 134 ms.
    """
    import orjson

    try:
        text = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None
    return _Written(big_numbers=text.find(b"e+") != -1)


def _too_deep(value: Any, data: bytes, written: _Written | None) -> bool:
    """Whether the parsed `value` (read from `data`, `written` back) is nested deeper than
    MAX_NESTING levels. orjson writes at most 254 levels: a value it wrote back needs no walk."""
    return written is None and _nested_deeper_than(value, data, MAX_NESTING)


def _nested_deeper_than(value: Any, data: bytes, limit: int) -> bool:
    """Whether the parsed `value` (read from `data`) holds more than `limit` nested levels:
    for a value orjson could not write back. Fewer brackets than `limit` in all answers at
    once; otherwise the value is walked."""
    if data.count(b"[") + data.count(b"{") <= limit:
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


def is_blank(data: bytes) -> bool:
    """Whether the bytes are empty or only whitespace. Only bytes that start blank are
    stripped to tell: a strip copies all of them (33 ms for 50 MB ending in a newline)."""
    return not data[:1].strip() and not data.strip()


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
