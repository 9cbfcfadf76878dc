from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.jq import JQ, jq_outputs, needs_jq
from wfbrowse.jsonpath import jq_path, json_pointer, quote

# -- jq_path: exact text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ((), "."),
        (("data",), ".data"),
        (("data", "attributes", "instanceStatus"), ".data.attributes.instanceStatus"),
        (("_",), "._"),
        (("_private", "A1", "snake_case_9"), "._private.A1.snake_case_9"),
        ((0,), ".[0]"),
        ((0, 12), ".[0][12]"),
        (("included", 1, "attributes"), ".included[1].attributes"),
        (("a", 0, "b c"), '.a[0]["b c"]'),
        (("weird.key",), '.["weird.key"]'),
        (("a", "weird.key", 0), '.a["weird.key"][0]'),
        (("with space",), '.["with space"]'),
        (("with-dash",), '.["with-dash"]'),
        (("1abc",), '.["1abc"]'),
        (("0",), '.["0"]'),
        (("",), '.[""]'),
        (("$var",), '.["$var"]'),
        (("a:b",), '.["a:b"]'),
        (("café",), '.["café"]'),
        (("日本",), '.["日本"]'),
        (("🙂",), '.["🙂"]'),
        (('say "hi"',), '.["say \\"hi\\""]'),
        (("back\\slash",), '.["back\\\\slash"]'),
        (("\\(1+1)",), '.["\\\\(1+1)"]'),
        (("tab\there",), '.["tab\\there"]'),
        (("line\nbreak",), '.["line\\nbreak"]'),
        (("nul\x00",), '.["nul\\u0000"]'),
        (("\x1b[31m",), '.["\\u001b[31m"]'),
        (("del\x7f",), '.["del\\u007f"]'),
        (("c1\x9b",), '.["c1\\u009b"]'),
        (("rlo\u202egpj",), '.["rlo\\u202egpj"]'),
        (("lrm\u200e",), '.["lrm\\u200e"]'),
        (("iso\u2066x\u2069",), '.["iso\\u2066x\\u2069"]'),
        (("ls\u2028ps\u2029",), '.["ls\\u2028ps\\u2029"]'),
        (("lone\ud800",), '.["lone\\ud800"]'),
        (("trailing\n",), '.["trailing\\n"]'),  # no identifier match through a final newline
        # jq 1.6 reads `.e1` and `.E0` as a broken number; `.e`, `.e1a`, `.ee1` are fields.
        (("e1",), '.["e1"]'),
        (("E0",), '.["E0"]'),
        (("a", "e10"), '.a["e10"]'),
        (("e",), ".e"),
        (("e1a",), ".e1a"),
        (("ee1",), ".ee1"),
    ],
)
def test_jq_path_text(keys, expected):
    assert jq_path(keys) == expected


def test_jq_path_accepts_a_list():
    assert jq_path(["a", 2]) == ".a[2]"


def test_quoted_paths_show_no_invisible_characters():
    key = "\x00\x1b\x7f\x85\x9b\u061c\u200e\u200f\u202a\u202e\u2028\u2029\u2066\u2069\ud800"
    path = jq_path([key])
    assert path.isascii()
    assert path.isprintable()


def test_quote_keeps_readable_unicode():
    assert quote("naïve 日本") == '"naïve 日本"'
    assert quote("a\u202eb") == '"a\\u202eb"'
    assert json.loads(quote("a\u202eb\x7f")) == "a\u202eb\x7f"


# -- jq_path: checked by jq itself -------------------------------------------------------------

TRICKY_KEYS = [
    "plain",
    "_",
    "e1",
    "E0",
    "e1a",
    "CamelCase9",
    "",
    " ",
    "two words",
    "weird.key",
    "a.b.c",
    ".",
    "..",
    "with-dash",
    "-",
    "1abc",
    "0",
    "42",
    "-1",
    "$var",
    "$__loc__",
    "@base64",
    "a|b",
    "a,b",
    "a:b",
    "a::b",
    "(paren)",
    "[0]",
    '["x"]',
    "{}",
    "?",
    "//",
    "#comment",
    "if",
    "then",
    "else",
    "end",
    "and",
    "or",
    "not",
    "def",
    "reduce",
    "as",
    "null",
    "true",
    "__loc__",
    '"',
    'say "hi"',
    "'single'",
    "\\",
    "back\\slash",
    "\\(1+1)",
    "\\u0041",
    "tab\there",
    "line\nbreak",
    "cr\r",
    "nul\x00byte",
    "\x01\x02\x1f",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;aGk=\x07",
    "del\x7f",
    "c1\x85\x9b\x9f",
    "\u00a0nbsp",
    "soft\u00adhyphen",
    "zw\u200bsp",
    "rlo\u202egpj.exe",
    "lrm\u200e\u200f",
    "iso\u2066\u2067\u2068\u2069",
    "alm\u061c",
    "ls\u2028ps\u2029",
    "bom\ufeff",
    "café",
    "cafe\u0301",
    "日本語",
    "Ωmega",
    "🙂",
    "\U0001d518\U0001d52b\U0001d526",  # outside the BMP: Fraktur letters
    "x" * 300,
]


def run_jq(path: str, document: Any) -> Any:
    """What `jq -c <path>` prints for the document: one value, parsed back."""
    outputs = jq_outputs(path, document)
    assert len(outputs) == 1, outputs
    return outputs[0]


def nest(keys: list[str | int], value: Any) -> Any:
    """A document holding `value` at `keys`, with decoys beside every step of the way."""
    for key in reversed(keys):
        if isinstance(key, int):
            value = [{"decoy": key}] * key + [value] + [{"decoy": "after"}]
        else:
            holder: dict[str, Any] = {"before": "sibling"}
            holder[key] = value  # replaces a decoy of the same name, keeping the right value
            holder.setdefault("after", "sibling")
            value = holder
    return value


MARKER = {"found": 12345}


def case(index: int, key: str) -> tuple[dict[str, Any], str]:
    """A document and a jq program reaching `key` deep down and at the top, as `[deep, top]`.

    Each program must also work as a single term inside `[a, b]`.
    """
    keys: list[str | int] = [f"outer{index}", key, 1, key]
    document = nest(keys, MARKER)
    document[key] = "top"
    return document, f"[{jq_path(keys)}, {jq_path([key])}]"


@pytest.fixture(scope="module")
def all_cases_at_once() -> list[Any] | None:
    """Every tricky key in one jq run (jq takes tens of milliseconds to start).

    None when jq rejects the combined program; each case then runs on its own to show which.
    """
    assert JQ is not None
    document: dict[str, Any] = {}
    programs = []
    for index, key in enumerate(TRICKY_KEYS):
        part, program = case(index, key)
        document.update(part)
        programs.append(program)
    done = subprocess.run(
        [JQ, "-c", "[" + ", ".join(programs) + "]"],
        input=json.dumps(document, ensure_ascii=False).encode("utf-8"),
        capture_output=True,
        timeout=20,
        check=False,
    )
    return json.loads(done.stdout) if done.returncode == 0 else None


@needs_jq
@pytest.mark.parametrize(
    ("index", "key"), enumerate(TRICKY_KEYS), ids=[ascii(k)[:40] for k in TRICKY_KEYS]
)
def test_jq_finds_the_value_at_the_path(index, key, all_cases_at_once):
    if all_cases_at_once is not None:
        assert all_cases_at_once[index] == [MARKER, "top"]
    else:
        document, program = case(index, key)
        assert run_jq(program, document) == [MARKER, "top"]


@needs_jq
def test_jq_root_path_is_the_whole_document():
    document = {"a": [1, {"b": None}], "c": "d"}
    assert run_jq(jq_path([]), document) == document


@needs_jq
def test_jq_all_tricky_keys_side_by_side():
    # Every key in one object: each path must pick its own member and no other.
    document = {key: index for index, key in enumerate(TRICKY_KEYS)}
    program = "[" + ", ".join(jq_path([key]) for key in TRICKY_KEYS) + "]"
    assert run_jq(program, document) == list(range(len(TRICKY_KEYS)))


@needs_jq
def test_jq_property():
    hypothesis = pytest.importorskip("hypothesis")
    st = pytest.importorskip("hypothesis.strategies")

    # jq refuses lone surrogates in documents, so they are left out here.
    keys_strategy = st.lists(
        st.one_of(
            st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
            st.integers(min_value=0, max_value=3),
        ),
        max_size=4,
    )

    @hypothesis.settings(max_examples=60, deadline=None, database=None)
    @hypothesis.given(keys_strategy)
    def check(keys: list[str | int]) -> None:
        assert run_jq(jq_path(keys), nest(keys, MARKER)) == MARKER

    check()


# -- json_pointer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ((), ""),
        (("data",), "/data"),
        (("data", "attributes", 0), "/data/attributes/0"),
        (("",), "/"),
        (("", ""), "//"),
        (("a/b",), "/a~1b"),
        (("m~n",), "/m~0n"),
        (("~",), "/~0"),
        (("/",), "/~1"),
        (("~1",), "/~01"),  # not "/~1": that would mean "/"
        (("~0",), "/~00"),
        (("/~",), "/~1~0"),
        (("~/",), "/~0~1"),
        (("weird.key", "with space"), "/weird.key/with space"),
        (("c%d", "e^f", "g|h", "i\\j", 'k"l'), '/c%d/e^f/g|h/i\\j/k"l'),
    ],
)
def test_json_pointer(keys, expected):
    assert json_pointer(keys) == expected


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 section 4, written out independently."""
    if pointer == "":
        return document
    assert pointer.startswith("/")
    value = document
    for token in pointer[1:].split("/"):
        name = token.replace("~1", "/").replace("~0", "~")
        value = value[int(name)] if isinstance(value, list) else value[name]
    return value


@pytest.mark.parametrize(
    "keys",
    [
        [],
        ["a"],
        ["a/b", "~", 1],
        ["~1", "/", "~0~1//~~"],
        ["", 0, ""],
        ["weird.key", 2, "x~/y"],
    ],
)
def test_json_pointer_resolves_back(keys):
    marker = {"found": True}
    document = nest(keys, marker)
    assert resolve_pointer(document, json_pointer(keys)) == marker
