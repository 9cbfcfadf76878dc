from __future__ import annotations

import pytest

from wfbrowse.textsafe import escape_controls, shorten


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x00", "\\x00"),
        ("\x07", "\\x07"),
        ("\t", "\\t"),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\x1b", "\\x1b"),
        ("\x1f", "\\x1f"),
        ("\x7f", "\\x7f"),
        ("\x80", "\\x80"),
        ("\x9b", "\\x9b"),  # C1 CSI: starts an escape sequence on its own
        ("\x9f", "\\x9f"),
        ("\u061c", "\\u061c"),
        ("\u200e", "\\u200e"),
        ("\u200f", "\\u200f"),
        ("\u202a", "\\u202a"),
        ("\u202e", "\\u202e"),
        ("\u2066", "\\u2066"),
        ("\u2069", "\\u2069"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
        ("\ud800", "\\ud800"),  # lone surrogates cannot even be encoded as UTF-8
        ("\udfff", "\\udfff"),
    ],
)
def test_escapes_each_unsafe_character(raw, shown):
    assert escape_controls(raw) == shown
    assert escape_controls(f"a{raw}b") == f"a{shown}b"
    assert escape_controls(raw) != raw


def test_every_c0_and_c1_control_is_escaped():
    named = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)):
        char = chr(code)
        assert escape_controls(char) == named.get(char, f"\\x{code:02x}")


def test_invisible_format_characters_are_shown():
    # Soft hyphens, zero-width spaces and joiners hide text or make two keys look alike.
    assert escape_controls("soft\u00adhyphen") == "soft\\xadhyphen"
    assert escape_controls("zero\u200bwidth") == "zero\\u200bwidth"
    assert escape_controls("tag\U000e0041") == "tag\\U000e0041"


def test_escape_sequences_lose_their_escape_byte():
    colour = "\x1b[31mred\x1b[0m"
    assert escape_controls(colour) == "\\x1b[31mred\\x1b[0m"
    osc52 = "\x1b]52;c;aGVsbG8=\x07"
    assert escape_controls(osc52) == "\\x1b]52;c;aGVsbG8=\\x07"
    title = "\x1b]0;pwned\x9c"
    assert escape_controls(title) == "\\x1b]0;pwned\\x9c"
    assert "\x1b" not in escape_controls(colour + osc52 + title)


def test_bidi_override_is_made_visible():
    assert escape_controls("invoice\u202egpj.exe") == "invoice\\u202egpj.exe"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ascii ~!@#$%^&*()_+{}|:<>?`-=[]\\;',./",
        "[b]markup[/b] [/] [link=x]",
        "café — naïve · 日本語 · 🙂 · Ωmega",
        "\u00a0no-break space",  # not printable to Python, but harmless: left alone
    ],
)
def test_safe_text_is_unchanged(text):
    assert escape_controls(text) == text
    assert escape_controls(text) == text


def test_printable_text_is_returned_as_is():
    text = "a perfectly ordinary string"
    assert escape_controls(text) is text


def test_backslashes_are_not_doubled():
    # An existing backslash stays single: the escapes are for the eye, not a reversible format.
    assert escape_controls("C:\\temp\x00") == "C:\\temp\\x00"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("hello", 10, "hello"),
        ("hello", 5, "hello"),
        ("hello!", 5, "hell…"),
        ("abcdef", 1, "…"),
        ("abcdef", 0, ""),
        ("abcdef", -3, ""),
        ("", 0, ""),
        ("日本語のテキスト", 4, "日本語…"),
    ],
)
def test_shorten(text, limit, expected):
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= max(0, limit)
