"""Make untrusted text safe to put on a terminal.

Server data may hold escape sequences (colour changes, OSC 52 clipboard writes, title
changes), other control characters and bidi overrides. None of them may reach the terminal
raw, so every piece of server text shown on screen goes through `escape_controls`, which
turns them into visible escapes (`\\x1b`, `\\u202e`). Markup is a separate concern: the UI
always hands server text to Rich/Textual as `Text`, never as markup.
"""

from __future__ import annotations


def _escape_for(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)):
        table[code] = _escape_for(code)
    # Bidi embeddings/overrides/isolates and marks can reorder what the user reads.
    for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[code] = _escape_for(code)
    # Line and paragraph separators break a row in two on some terminals.
    for code in (0x2028, 0x2029):
        table[code] = _escape_for(code)
    # Lone surrogates (JSON allows "\ud800") cannot be encoded as UTF-8 at all.
    for code in range(0xD800, 0xE000):
        table[code] = _escape_for(code)
    return table


_TABLE = _build_table()


def escape_controls(text: str) -> str:
    """Replace control, bidi and separator characters with visible escapes."""
    if text.isprintable():
        # Fast path: every character in the table is non-printable to Python (categories
        # Cc, Cf, Zl, Zp, Cs), so printable text, the common case, needs no translation.
        return text
    return text.translate(_TABLE)


def has_unsafe(text: str) -> bool:
    """True when `escape_controls` would change `text`."""
    return not text.isprintable() and text.translate(_TABLE) != text


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return text[: limit - 1] + "…"
