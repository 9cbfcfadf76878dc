"""Paths to a value in a JSON document, in the forms people paste elsewhere."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from wfbrowse.textsafe import escape_unsafe, json_escape

# jq's `.foo` shorthand takes identifiers only; anything else needs `["..."]`. Nor does it
# take an `e` or `E` and digits alone: jq 1.6 reads `.e1` and `.E0` as a broken number
# ("Invalid numeric literal").
_JQ_IDENTIFIER = re.compile(r"(?![eE][0-9]+$)[A-Za-z_][A-Za-z0-9_]*")


def quote(key: str) -> str:
    """A JSON string literal (which jq reads as is) that shows no invisible characters.

    `json.dumps` escapes C0 controls; every other unsafe character (DEL, C1 controls, bidi
    marks, separators, lone surrogates that no UTF-8 clipboard can carry) is escaped here
    too, while the rest of non-ASCII text stays readable.
    """
    return escape_unsafe(json.dumps(key, ensure_ascii=False), json_escape)


def jq_path(keys: Sequence[str | int], span: tuple[int, int] | None = None) -> str:
    """`.data.attributes["weird.key"][0]`; `.` for the document itself; with `span`, the
    slice of the array at `keys`: `.data.items[1000:2000]`."""
    parts: list[str] = []
    for key in keys:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _JQ_IDENTIFIER.fullmatch(key):
            parts.append(f".{key}")
        else:
            parts.append(f"[{quote(key)}]")
    if span is not None:
        parts.append(f"[{span[0]}:{span[1]}]")
    path = "".join(parts)
    if not path:
        return "."
    return path if path.startswith(".") else "." + path


def json_pointer(keys: Sequence[str | int]) -> str:
    """RFC 6901: `/data/attributes/weird.key/0`, with `~` and `/` escaped."""
    return "".join("/" + str(key).replace("~", "~0").replace("/", "~1") for key in keys)
