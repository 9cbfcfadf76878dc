"""Properties over arbitrary JSON: the tree, search, labels and copies never fail, and what
is copied reads back exactly.

Documents come from a recursive strategy: null, booleans, integers far beyond 64 bits, finite
floats (-0.0 and subnormals included), text with control, format and markup characters (no
lone surrogates, which jq cannot read), arrays, and objects whose keys are anything: empty,
dots, quotes, brackets, jq keywords, escapes, any script.

Other files already check, with hypothesis, that `jq_path` finds a value nested under a list
of keys (test_jsonpath) and that `reveal` then `jq_path` finds it through range rows
(test_copy_search). Here every node of whole generated documents is checked: expanding,
folding and searching them, their labels, `y` (value_text, pretty and on one line), the
value view's text, `p` against the real jq, and the JSON pointer; plus the loader.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_API_KEY
from tests.jq import jq_outputs, needs_jq
from wfbrowse import jsonload, jsontree
from wfbrowse.jsonload import loads_exact
from wfbrowse.jsonpath import jq_path, json_pointer
from wfbrowse.jsontree import (
    CHUNK,
    PREVIEW_CHARS,
    Expansion,
    FlatTree,
    Node,
    Query,
    collapse_all,
    expand_all,
    expand_to_depth,
    iter_matches,
    key_text,
    label_parts,
    reveal,
    scalar_preview,
)
from wfbrowse.key_runs import holds_part_of
from wfbrowse.textsafe import escape_controls, hide_on_screen
from wfbrowse.tui.run_actions import node_value, value_text
from wfbrowse.tui.value_screen import value_text as view_text

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
FEW = settings(max_examples=150, deadline=None, database=None)
SOME = settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# -- the strategy --------------------------------------------------------------------------------
CHARS = st.characters(blacklist_categories=("Cs",))
TRICKY_TEXT = [
    "",
    " ",
    "\x00",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;aGk=\x07",
    "\x9b2J",
    "\x7f",
    "\u202eevil",
    "\u200b",
    "\u2028",
    "\r\n\t",
    "[bold red]x[/]",
    "[@click=app.quit]q[/]",
    "$variable",
    "é日本🙂",
    "ß",
    "null",
    "true",
    "1e3",
]
TRICKY_KEYS = [
    *TRICKY_TEXT,
    ".",
    "..",
    "a.b",
    '"',
    "'",
    "\\",
    "[",
    "]",
    "[0]",
    '["x"]',
    "$x",
    "|",
    "a b",
    "0",
    "-1",
    "if",
    "and",
    "not",
    "__loc__",
    "_id",
    "Ünïcödé",
]
texts = st.one_of(st.text(CHARS, max_size=12), st.sampled_from(TRICKY_TEXT))
keys = st.one_of(st.text(CHARS, max_size=8), st.sampled_from(TRICKY_KEYS))
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.sampled_from([2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**19, -(10**40)]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([-0.0, 5e-324, 1e300, 1.7976931348623157e308, 0.1, 1e16]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=30,
)
documents = st.one_of(st.dictionaries(keys, values, max_size=6), st.lists(values, max_size=5))


# -- helpers -------------------------------------------------------------------------------------
def same(a: Any, b: Any) -> bool:
    """Equal as JSON values: same types (1, 1.0 and true differ), -0.0 is not 0.0, key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return repr(a) == repr(b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def raw_unsafe(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch) in UNSAFE_CATEGORIES]


def at(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


def all_paths(document: Any) -> list[tuple[Any, ...]]:
    """Every member and item of the document, in document (= row) order."""
    found: list[tuple[Any, ...]] = []

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        entries = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in entries:
            found.append((*path, key))
            if isinstance(child, (dict, list)):
                walk(child, (*path, key))

    if isinstance(document, (dict, list)):
        walk(document, ())
    return found


def visible(node: Node) -> Iterator[Node]:
    """The rows a node's expanded descendants make, by the nodes' own links."""
    for child in node.children or []:
        yield child
        if child.expanded:
            yield from visible(child)


def expand_everything(tree: FlatTree) -> None:
    shown, capped = expand_to_depth(tree, 10_000, 10**9)
    assert not capped and shown == len(tree.rows)


def built(node: Node) -> Iterator[Node]:
    for child in node.children or []:
        yield child
        yield from built(child)


def assert_rows_consistent(tree: FlatTree) -> None:
    if isinstance(tree.document, (dict, list)):
        assert tree.rows == list(visible(tree.root))
        # Every open node's count of the rows under it, kept up by each operation, is
        # what listing them gives, whether the node is in view or under a folded one.
        for node in built(tree.root):
            assert node.shown == (len(list(visible(node))) if node.expanded else 0), node
    rows = tree.rows
    for index, node in enumerate(rows):
        assert node.depth >= 0
        if index:
            assert node.depth <= rows[index - 1].depth + 1
        for part in label_parts(node):
            assert raw_unsafe(part.text) == [], part
        # Where a row's descendants end, its parent's row and its own row, worked out from
        # those counts, against a plain scan of the rows.
        end = next((i for i in range(index + 1, len(rows)) if rows[i].depth <= node.depth), None)
        assert tree._subtree_end(index) == (len(rows) if end is None else end)
        parent = next((i for i in range(index - 1, -1, -1) if rows[i] is node.parent), None)
        assert tree.parent_row(index) == parent
        assert tree.row_of(node) == index


# -- the tree ------------------------------------------------------------------------------------
@FEW
@given(documents, st.data())
def test_any_sequence_of_folds_keeps_the_rows_right(document: Any, data: st.DataObject) -> None:
    fold_at_random(document, data)


@FEW
@given(documents, st.data())
def test_folds_stay_right_when_every_container_is_split_into_ranges(
    document: Any, data: st.DataObject
) -> None:
    """Containers of more than CHUNK members are split into nested ranges; with a CHUNK of
    2 the small documents here are all ranges within ranges, and their counts must hold."""
    with mock.patch.object(jsontree, "CHUNK", 2):
        fold_at_random({"top": document, "more": [document, 1, 2, 3]}, data)


def fold_at_random(document: Any, data: st.DataObject) -> None:
    tree = FlatTree(document)
    assert_rows_consistent(tree)
    for _ in range(data.draw(st.integers(0, 12))):
        operation = data.draw(
            st.sampled_from(
                ["expand", "collapse", "toggle", "all", "depth", "fold", "reveal", "e", "step"]
            )
        )
        row = data.draw(st.integers(0, max(0, len(tree.rows) - 1)))
        if not tree.rows:
            break
        if operation == "expand":
            added = tree.expand(row)
            assert added >= 0
        elif operation == "collapse":
            tree.collapse(row)
        elif operation == "toggle":
            tree.toggle(row)
        elif operation == "all":
            shown, _ = expand_all(tree, row, data.draw(st.integers(0, 40)))
            assert shown >= 0
        elif operation == "depth":
            expand_to_depth(tree, data.draw(st.integers(1, 6)), data.draw(st.integers(0, 40)))
        elif operation == "e":  # an `e` that the app would go on with after a frame
            Expansion(tree, row, data.draw(st.integers(0, 40))).step(0)
        elif operation == "step":  # the next step of the `e` still going, if one is
            if tree.expansion is not None:
                tree.expansion.step(0)
        elif operation == "fold":
            collapse_all(tree)
            if isinstance(document, (dict, list)):
                assert [node.path for node in tree.rows] == [(key,) for key in _keys(document)]
            # Everything is folded, not only the top level: opening a top-level node again
            # shows its children alone, none of them open.
            for row in reversed(range(len(tree.rows))):
                node = tree.rows[row]
                shown = tree.expand(row)
                assert shown == len(node.children or [])
                assert not any(child.expanded for child in tree.rows[row + 1 : row + 1 + shown])
                tree.collapse(row)
        else:
            paths = all_paths(document)
            if paths:
                path = data.draw(st.sampled_from(paths))
                found = reveal(tree, path)
                assert found is not None and tree.rows[found].path == path
        assert_rows_consistent(tree)
        if tree.rows:
            row = data.draw(st.integers(0, len(tree.rows) - 1))
            parent = tree.parent_row(row)
            node = tree.rows[row]
            if parent is None:
                assert node.depth == 0
            else:
                assert tree.rows[parent] is node.parent


@FEW
@given(documents, st.data())
def test_an_expansion_in_steps_ends_where_one_in_a_go_does(
    document: Any, data: st.DataObject
) -> None:
    """`e` opens nodes in steps, the tree right after each; the least step (one node) ends
    with the rows and the verdict on the cap of the whole expansion done at once."""
    with mock.patch.object(jsontree, "CHUNK", data.draw(st.sampled_from([2, CHUNK]))):
        whole, stepped = FlatTree(document), FlatTree(document)
        opened = data.draw(st.lists(st.integers(0, 30), max_size=4))
        for tree in (whole, stepped):  # some nodes open before, as a user leaves them
            for row in opened:
                if row < len(tree.rows):
                    tree.expand(row)
        if not whole.rows:
            return
        row = data.draw(st.integers(0, len(whole.rows) - 1))
        cap = data.draw(st.integers(0, 60))
        shown, capped = expand_all(whole, row, cap)
        expansion = Expansion(stepped, row, cap)
        steps = 0
        while not expansion.done:
            expansion.step(0)
            assert_rows_consistent(stepped)
            steps += 1
        assert [node.path for node in stepped.rows] == [node.path for node in whole.rows]
        assert (stepped.rows[row].shown, expansion.capped) == (shown, capped)
        assert stepped.expansion is None and expansion.step(0) == 0
        assert steps <= 1 + sum(1 for node in stepped.rows if node.expanded)


def _keys(document: Any) -> list[Any]:
    return list(document) if isinstance(document, dict) else list(range(len(document)))


@FEW
@given(documents)
def test_expanding_everything_shows_every_value_once_in_order(document: Any) -> None:
    tree = FlatTree(document)
    expand_everything(tree)
    assert_rows_consistent(tree)
    if not isinstance(document, (dict, list)):
        assert len(tree.rows) == 1 and same(tree.rows[0].value, document)
        return
    assert [node.path for node in tree.rows] == all_paths(document)
    for node in tree.rows:
        assert node.value is at(document, node.path)
    for depth in range(1, 5):
        expand_to_depth(tree, depth, 10**9)
        expected = [path for path in all_paths(document) if len(path) <= depth]
        assert [node.path for node in tree.rows] == expected
    collapse_all(tree)
    assert [node.path for node in tree.rows] == [(key,) for key in _keys(document)]


def misleading_bare(key: str) -> bool:
    """Whether a printable key, shown bare, would read as something else: nothing at all, a
    key without its edge spaces, an array index."""
    return not key or key != key.strip() or re.fullmatch(r"\[[0-9]+\]", key) is not None


# -- labels --------------------------------------------------------------------------------------
@FEW
@given(documents)
def test_labels_are_safe_and_scalars_read_back(document: Any) -> None:
    tree = FlatTree(document)
    expand_everything(tree)
    for node in tree.rows:
        parts = label_parts(node)
        for part in parts:
            assert raw_unsafe(part.text) == [], part
        value = node.value
        if isinstance(node.key, str) and node.key.isprintable():
            # Plain keys as they are (markup too), in quotes where bare they would mislead.
            quoted = json.dumps(node.key, ensure_ascii=False)
            assert parts[0].text == (quoted if misleading_bare(node.key) else node.key)
        if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
            assert same(json.loads(parts[-1].text), value)
        elif isinstance(value, str) and len(value) <= PREVIEW_CHARS and value.isprintable():
            assert json.loads(parts[-1].text) == value


@FEW
@given(st.text(CHARS, max_size=300) | st.sampled_from(TRICKY_TEXT), st.integers(1, 200))
def test_a_string_preview_fits_the_room_it_was_given(value: str, limit: int) -> None:
    """Between its quotes a preview takes at most `limit` characters, escapes included, and
    says the length whenever it cut: the row can keep the note in view."""
    text = scalar_preview(value, limit).text
    assert raw_unsafe(text) == []
    match = re.fullmatch(r'(".*")(?: \(([0-9,]+) chars\))?', text, re.DOTALL)
    assert match is not None, text
    quoted, length = match.groups()
    assert len(quoted) <= limit + 2, text
    if length is not None:
        assert length == f"{len(value):,}"
        assert quoted.endswith('…"')
    elif not raw_unsafe(value):
        assert json.loads(quoted) == value


@FEW
@given(keys)
def test_key_text_is_safe_and_keeps_printable_keys(key: str) -> None:
    shown = key_text(key)
    assert raw_unsafe(shown) == []
    assert shown
    if key.isprintable():
        assert shown == (json.dumps(key, ensure_ascii=False) if misleading_bare(key) else key)
    if shown != key and not raw_unsafe(key):
        assert json.loads(shown) == key  # quoted: the quotes read back as the key


# Text around a key, often with characters shown escaped: then a preview is cut between escapes.
around_a_key = st.text(CHARS, max_size=60) | st.text(st.sampled_from("\x1b\u202ea\n"), max_size=60)


@FEW
@given(
    around_a_key,
    around_a_key,
    st.integers(0, len(TEST_API_KEY)),
    st.integers(0, len(TEST_API_KEY)),
    st.integers(1, 200),
)
def test_a_key_in_use_never_shows_in_a_row_however_the_row_cuts_it(
    before: str, after: str, start: int, length: int, limit: int
) -> None:
    hide_on_screen([TEST_API_KEY])
    value = before + TEST_API_KEY[start : start + length] + after
    for shown in (scalar_preview(value, limit).text, key_text(value), escape_controls(value)):
        assert not holds_part_of(shown, [TEST_API_KEY]), shown


# -- copying -------------------------------------------------------------------------------------
@FEW
@given(documents)
def test_every_copy_of_every_node_reads_back_exactly(document: Any) -> None:
    tree = FlatTree(document)
    expand_everything(tree)
    for node in tree.rows:
        value = node_value(node)
        copied = value_text(value)  # `y`
        if isinstance(value, str):
            assert copied == value
        else:
            assert same(json.loads(copied), value)
        one_line = json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # the palette's
        assert same(json.loads(one_line), value)
        shown = view_text(value)  # what the value view shows, before escaping
        assert shown == value if isinstance(value, str) else same(json.loads(shown), value)
        assert same(resolve_pointer(document, json_pointer(node.path)), value)
        assert same(loads_exact(json.dumps(value).encode()), value)


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901, read independently of wfbrowse.jsonpath."""
    if pointer == "":
        return document
    assert pointer.startswith("/")
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        document = document[int(token)] if isinstance(document, list) else document[token]
    return document


def jq_check(document: Any, rows: list[Node]) -> None:
    """One jq run for all rows: each row's copied path, applied to the document, against the
    value the row stands for (both read by jq, so both get the same number handling: jq 1.6
    holds numbers as doubles)."""
    paths = [jq_path(node.path) for node in rows]
    expected = [node.value for node in rows]
    program = ".[0] as $d | [" + ", ".join(f"($d | {path})" for path in paths) + "], .[1]"
    found, canonical = jq_outputs(program, [document, expected])
    assert len(found) == len(rows)
    for path, got, want in zip(paths, found, canonical, strict=True):
        assert got == want, path


@needs_jq
@SOME
@given(documents)
def test_every_copied_path_finds_its_node_with_real_jq(document: Any) -> None:
    tree = FlatTree(document)
    expand_everything(tree)
    rows = [node for node in tree.rows if node.span is None]
    if isinstance(document, (dict, list)):
        root = Node(None, document, None, -1)
        rows.append(root)  # `.`: the whole document
    jq_check(document, rows)


# -- big containers: range rows ------------------------------------------------------------------
big_documents = st.builds(
    lambda size, item, as_object, extra: (
        {"big": {f"k{i}": item for i in range(size)}, **extra}
        if as_object
        else {"big": [item] * size, **extra}
    ),
    st.integers(CHUNK + 1, CHUNK * 2 + 500),
    scalars,
    st.booleans(),
    st.dictionaries(keys, values, max_size=2),
)


@needs_jq
@settings(max_examples=12, deadline=None, database=None)
@given(big_documents, st.data())
def test_range_rows_copy_their_slice_and_their_items_copy_exactly(
    document: Any, data: st.DataObject
) -> None:
    tree = FlatTree(document)
    row = next(i for i, node in enumerate(tree.rows) if node.path == ("big",))
    tree.expand(row)
    ranges = [node for node in tree.rows if node.span is not None]
    assert ranges and all(node.path == ("big",) for node in ranges)
    container = document["big"]
    for node in ranges:
        start, stop = node.span  # type: ignore[misc]
        piece = node_value(node)
        if isinstance(container, list):
            assert same(piece, container[start:stop])
        else:
            assert same(piece, {k: container[k] for k in list(container)[start:stop]})
        assert same(json.loads(value_text(piece)), piece)
    # Open one range: its items are rows, with paths jq reads.
    chosen = data.draw(st.sampled_from(ranges))
    tree.expand(tree.rows.index(chosen))
    items = [node for node in tree.rows if node.parent is chosen]
    assert len(items) == chosen.count()
    sample = data.draw(st.lists(st.sampled_from(items), min_size=1, max_size=20))
    for node in sample:
        copied = value_text(node.value)
        assert (
            copied == node.value
            if isinstance(node.value, str)
            else same(json.loads(copied), node.value)
        )
    # A range row's path is its container's (ranges add nothing): jq gives the container.
    jq_check(document, [*sample, chosen])


# -- search --------------------------------------------------------------------------------------
REGEXES = ["/a.b/", "/^$/", "/[0-9]+/", "/\\d\\d/", "/^k/", "/./", "/e|x/", "/\\[/", "/true/"]
queries = st.one_of(st.text(CHARS, min_size=1, max_size=3), st.sampled_from(REGEXES + TRICKY_TEXT))


def scalar_text(value: Any) -> str:
    """A scalar as the tree shows it, hence as a search sees it."""
    return value if isinstance(value, str) else json.dumps(value)


def reference_matches(document: Any, text: str) -> list[tuple[Any, ...]]:
    is_regex = len(text) >= 2 and text.startswith("/") and text.endswith("/")
    pattern = re.compile(text[1:-1] if is_regex else re.escape(text), re.IGNORECASE)
    found = []
    for path in all_paths(document):
        key, value = path[-1], at(document, path)
        key_hit = isinstance(key, str) and pattern.search(key) is not None
        if key_hit or (not isinstance(value, (dict, list)) and pattern.search(scalar_text(value))):
            found.append(path)
    return found


@FEW
@given(documents, queries)
def test_search_finds_exactly_the_matching_keys_and_values_in_order(
    document: Any, text: str
) -> None:
    if not text:
        return
    query = Query(text)
    found = list(iter_matches(document, query))
    assert found == reference_matches(document, text)
    tree = FlatTree(document)
    for path in found[:20]:  # each match can be brought into view, as `n` does
        row = reveal(tree, path)
        assert row is not None and tree.rows[row].path == path
    assert_rows_consistent(tree)


# Letters a case-insensitive search takes for i, k and s (U+0130, U+0131, the Kelvin sign, the
# long s) beside them, what JSON escapes, and a little else: what the search's test on the
# JSON text of a stretch of entries must never miss.
LOOKALIKES = 'iIkKsS\u0130\u0131\u212a\u017fé"\\\n\x7f :/1e-'
look_texts = st.text(LOOKALIKES, max_size=6)
look_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, look_texts),
    lambda inner: st.one_of(
        st.lists(inner, max_size=6), st.dictionaries(look_texts, inner, max_size=6)
    ),
    max_leaves=40,
)


@SOME
@given(
    st.one_of(st.dictionaries(look_texts, look_values, max_size=6), st.lists(look_values)),
    st.text(LOOKALIKES, min_size=1, max_size=3),
    st.sampled_from([1, 2, 3]),
)
# What JSON writes otherwise than the value reads (a quote, a backslash, a newline, a float's
# exponent): the rare cases, each made sure of.
@example({"k": 'i"', "l": 1}, 'i"', 1)
@example(["s\\k", "x"], "s\\", 1)
@example(["i\ns", "x"], "i\n", 1)
@example([1e-05, 2], "05", 1)
@example([2**70, "x"], "1", 1)
def test_search_passing_over_stretches_of_entries_misses_nothing(
    document: Any, text: str, chunk: int
) -> None:
    """A big container's entries are searched in chunks, and a chunk whose JSON text cannot
    hold the query is passed over: with chunks of one to three entries (every container
    "big"), the matches are still exactly the reference's."""
    with mock.patch.object(jsontree, "SEARCH_CHUNK", chunk):
        found = list(iter_matches(document, Query(text)))
    assert found == reference_matches(document, text)


@FEW
@given(st.text(CHARS, max_size=10))
def test_a_query_is_made_or_refused_with_a_clear_error(text: str) -> None:
    try:
        query = Query(text)
    except ValueError as error:
        assert str(error).startswith("not a valid regex: ")
        return
    assert isinstance(query(text), bool)


# -- loading -------------------------------------------------------------------------------------
@FEW
@given(documents, st.booleans())
def test_the_loader_reads_any_document_exactly(document: Any, ascii_only: bool) -> None:
    data = json.dumps(document, ensure_ascii=ascii_only).encode("utf-8")
    assert same(loads_exact(data), document)
    assert same(loads_exact(b"\xef\xbb\xbf" + data), document)  # a byte-order mark too


@FEW
@given(
    st.binary(max_size=40)
    | st.builds(bytes.__add__, st.sampled_from([b" ", b"\n\t", b""]), st.binary(max_size=10))
)
def test_blank_bytes_are_told_as_a_strip_tells_them(data: bytes) -> None:
    assert jsonload.is_blank(data) == (not data.strip())


# -- escaping ------------------------------------------------------------------------------------
@FEW
@given(st.text(max_size=40) | st.sampled_from(TRICKY_TEXT))  # lone surrogates included
def test_escaped_text_holds_nothing_a_terminal_acts_on(text: str) -> None:
    escaped = escape_controls(text)
    assert raw_unsafe(escaped) == []
    assert escape_controls(escaped) == escaped  # escaping twice changes nothing more
    if not raw_unsafe(text):
        assert escaped == text
    # Every unsafe character became a visible escape (the text may hold some of its own).
    expected = sum(1 for ch in text if raw_unsafe(ch))
    assert (
        len(re.findall(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[nrt])", escaped)) >= expected
    )


@SOME
@given(st.integers(2**63, 10**400) | st.integers(-(10**400), -(2**63) - 1))
def test_orjson_writes_every_integer_it_rounds_with_an_exponent(number: int) -> None:
    """The loader skips its 19-digit scan when orjson's writing back of a document holds no
    "e+": that holds only if every integer orjson turns into a float is written that way."""
    import orjson

    try:
        value = orjson.loads(str(number).encode())
    except orjson.JSONDecodeError:
        return  # past a double's range: refused, and `json` reads it (as the loader does)
    if isinstance(value, int):
        assert value == number  # within 64 bits, read exactly: nothing to find
        return
    assert b"e+" in orjson.dumps(value)
    assert loads_exact(str(number).encode()) == number


@SOME
@given(st.integers(1, 30), st.integers(10**18, 10**30), st.sampled_from([1, 2]))
def test_a_long_integer_is_read_exactly_across_the_pieces_the_loader_reads(
    before: int, number: int, piece: int
) -> None:
    """The loader looks for runs of 19 digits piece by piece: a run across two pieces must be
    seen too, or orjson's rounded float would stand for the integer. The number starts
    `before` bytes ahead of the end of the first or second piece."""
    prefix = '{"pad": "'
    middle = '", "n": '
    padding = " " * (piece * jsonload._PIECE - before - len(prefix) - len(middle))
    data = f"{prefix}{padding}{middle}{number}}}".encode()
    assert data.index(str(number).encode()) == piece * jsonload._PIECE - before
    value = loads_exact(data)["n"]
    assert type(value) is int and value == number
