"""Make untrusted text safe to put on a terminal, in a message or in a path.

Server data may hold escape sequences (colour changes, OSC 52 clipboard writes, title
changes), other control characters, bidi overrides, invisible format characters and lone
surrogates. None of them may reach the terminal raw, so every piece of server text shown on
screen goes through `escape_controls`, which turns them into visible escapes (`\\x1b`,
`\\u202e`). Markup is a separate concern: the UI always hands server text to Rich/Textual as
`Text`, never as markup.

The same gate hides the user's keys: a run's data may echo one, and keys never reach the
screen. The app names each key it is given (`hide_on_screen`), and from then on
`escape_controls` replaces each of them, or any long part of one, with KEY_HIDDEN.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from wfbrowse.key_runs import MIN_KEY_LEN, hide_runs

# Controls, format characters (bidi marks, zero-width characters), surrogates, and line and
# paragraph separators: every character that is invisible, reorders text or breaks a line.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

KEY_HIDDEN = "<key hidden>"
_keys_on_screen: tuple[str, ...] = ()


def hide_on_screen(keys: Iterable[str]) -> None:
    """From now on, hide these keys in all text shown on screen, beside those named before
    (keys replaced by others, a profile switched from, are still the user's secrets)."""
    global _keys_on_screen
    new = [key for key in keys if len(key) >= MIN_KEY_LEN and key not in _keys_on_screen]
    _keys_on_screen = (*_keys_on_screen, *new)


def hidden_keys() -> tuple[str, ...]:
    """Every key named to `hide_on_screen` so far: what copying and saving also refuse."""
    return _keys_on_screen


def hide_keys(text: str) -> str:
    """`text` with every key named to `hide_on_screen`, or long part of one, replaced by
    KEY_HIDDEN."""
    return hide_runs(text, _keys_on_screen, KEY_HIDDEN) if _keys_on_screen else text


@lru_cache(maxsize=4096)
def is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def _visible_escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def json_escape(char: str) -> str:
    """The `\\uXXXX` form JSON (and jq) reads back as the same character."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escape_unsafe(text: str, escape: Callable[[str], str] = _visible_escape) -> str:
    """Replace every unsafe character of `text` with `escape(character)`."""
    if text.isprintable():
        # Fast path: every unsafe character is non-printable to Python, so printable text,
        # the common case, needs no work.
        return text
    return "".join(escape(char) if is_unsafe(char) else char for char in text)


def escape_controls(text: str) -> str:
    """Replace control, format, surrogate and separator characters with visible escapes, and
    hide the keys in use: what every server text goes through on its way to the screen."""
    hidden = hide_keys(text)
    escaped = escape_unsafe(hidden)
    # An escape's own letters can lengthen a part of a key beside it into a run long enough to
    # hide (`\u202e` before "y-0000…" shows "ey-0000…"): escaped text is looked at again.
    return escaped if escaped is hidden else hide_keys(escaped)


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return text[: limit - 1] + "…"
