"""Paths to a value in a JSON document, in the forms people paste elsewhere."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

# jq's `.foo` shorthand takes identifiers only; anything else needs `["..."]`.
_JQ_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def quote(key: str) -> str:
    """A JSON string literal (which jq reads as is) that shows no invisible characters.

    `json.dumps` escapes C0 controls; DEL, C1 controls, bidi marks, line separators and lone
    surrogates (which no UTF-8 clipboard can carry) are escaped here too, while other
    non-ASCII text stays readable.
    """
    return json.dumps(key, ensure_ascii=False).translate(_INVISIBLE)


_INVISIBLE = {
    code: f"\\u{code:04x}"
    for code in (
        0x7F,
        *range(0x80, 0xA0),
        0x061C,
        0x200E,
        0x200F,
        0x2028,
        0x2029,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        *range(0xD800, 0xE000),
    )
}


def jq_path(keys: Sequence[str | int]) -> str:
    """`.data.attributes["weird.key"][0]`; `.` for the document itself."""
    parts: list[str] = []
    for key in keys:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _JQ_IDENTIFIER.fullmatch(key):
            parts.append(f".{key}")
        else:
            parts.append(f"[{quote(key)}]")
    path = "".join(parts)
    if not path:
        return "."
    return path if path.startswith(".") else "." + path


def json_pointer(keys: Sequence[str | int]) -> str:
    """RFC 6901: `/data/attributes/weird.key/0`, with `~` and `/` escaped."""
    return "".join("/" + str(key).replace("~", "~0").replace("/", "~1") for key in keys)
