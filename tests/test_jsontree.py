from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from wfbrowse import jsontree
from wfbrowse.jsontree import (
    CHUNK,
    PREVIEW_CHARS,
    Expansion,
    FlatTree,
    Node,
    Part,
    collapse_all,
    expand_all,
    expand_to_depth,
    find_place,
    is_truncated,
    label_parts,
    place_of,
    reveal,
)


def paths(tree: FlatTree) -> list[tuple[Any, ...]]:
    return [node.path for node in tree.rows]


def labels(tree: FlatTree) -> list[str]:
    return ["".join(part.text for part in label_parts(node)) for node in tree.rows]


def depths(tree: FlatTree) -> list[int]:
    return [node.depth for node in tree.rows]


def row_with_path(tree: FlatTree, *path: Any) -> int:
    matches = [i for i, node in enumerate(tree.rows) if node.path == path and not node.is_range]
    assert len(matches) == 1, (path, matches)
    return matches[0]


DOC = {
    "zeta": 1,
    "alpha": {"b": {"c": 1}, "d": [10, 20]},
    "mid": [],
    "empty": {},
    "last": "x",
}


# -- rows, expand, collapse --------------------------------------------------------------------


def test_top_level_rows_are_the_keys_in_document_order():
    tree = FlatTree(DOC)
    assert paths(tree) == [("zeta",), ("alpha",), ("mid",), ("empty",), ("last",)]
    assert depths(tree) == [0, 0, 0, 0, 0]
    assert len(tree) == 5
    assert all(not node.expanded for node in tree.rows)


def test_top_level_array_rows_are_its_items():
    tree = FlatTree([{"a": 1}, "two", None])
    assert paths(tree) == [(0,), (1,), (2,)]
    assert labels(tree) == ["[0]: {1 key}", '[1]: "two"', "[2]: null"]


def test_expand_and_collapse_counts_and_order():
    tree = FlatTree(DOC)
    assert tree.expand(1) == 2
    assert paths(tree) == [
        ("zeta",),
        ("alpha",),
        ("alpha", "b"),
        ("alpha", "d"),
        ("mid",),
        ("empty",),
        ("last",),
    ]
    assert depths(tree) == [0, 0, 1, 1, 0, 0, 0]
    assert tree.expand(1) == 0  # already open
    assert tree.expand(3) == 2
    assert paths(tree)[3:6] == [("alpha", "d"), ("alpha", "d", 0), ("alpha", "d", 1)]
    assert tree.expand(2) == 1
    assert paths(tree) == [
        ("zeta",),
        ("alpha",),
        ("alpha", "b"),
        ("alpha", "b", "c"),
        ("alpha", "d"),
        ("alpha", "d", 0),
        ("alpha", "d", 1),
        ("mid",),
        ("empty",),
        ("last",),
    ]
    assert tree.collapse(4) == 2
    assert paths(tree)[4:6] == [("alpha", "d"), ("mid",)]
    assert tree.collapse(4) == 0  # already closed
    assert tree.collapse(0) == 0  # a scalar
    assert tree.collapse(1) == 3
    assert paths(tree) == [("zeta",), ("alpha",), ("mid",), ("empty",), ("last",)]


def test_collapse_then_expand_restores_expanded_descendants():
    tree = FlatTree(DOC)
    tree.expand(1)
    tree.expand(2)  # alpha.b
    tree.expand(4)  # alpha.d
    opened = paths(tree)
    assert len(opened) == 10
    assert tree.collapse(1) == 5
    assert len(tree) == 5
    assert tree.expand(1) == 5
    assert paths(tree) == opened
    # Children are built once and reused.
    alpha = tree.rows[1]
    children = alpha.children
    tree.collapse(1)
    tree.expand(1)
    assert alpha.children is children


def test_toggle():
    tree = FlatTree(DOC)
    assert tree.toggle(1) == 2
    assert tree.rows[1].expanded is True
    assert tree.toggle(1) == 2
    assert tree.rows[1].expanded is False
    assert tree.toggle(0) == 0


def test_scalars_and_empty_containers_do_not_expand():
    tree = FlatTree(DOC)
    for row in (0, 2, 3, 4):
        assert tree.rows[row].is_container is False
        assert tree.expand(row) == 0
        assert tree.rows[row].expanded is False
    assert len(tree) == 5
    assert labels(tree)[2:4] == ["mid: []", "empty: {}"]


@pytest.mark.parametrize("document", [{}, []])
def test_empty_document_has_no_rows(document):
    tree = FlatTree(document)
    assert tree.rows == []
    assert len(tree) == 0


@pytest.mark.parametrize(
    ("document", "label"),
    [(42, "42"), ("x", '"x"'), (None, "null"), (True, "true"), (-1.5, "-1.5")],
)
def test_scalar_document_is_one_row(document, label):
    tree = FlatTree(document)
    assert len(tree) == 1
    node = tree.rows[0]
    assert node.path == ()
    assert node.depth == 0
    assert node.is_container is False
    assert labels(tree) == [label]
    assert tree.expand(0) == 0
    assert tree.parent_row(0) is None


def test_parent_row():
    tree = FlatTree(DOC)
    tree.expand(1)
    tree.expand(2)
    tree.expand(4)
    # zeta, alpha, b, c, d, d0, d1, mid, empty, last
    assert [tree.parent_row(i) for i in range(len(tree))] == [
        None,
        None,
        1,
        2,
        1,
        4,
        4,
        None,
        None,
        None,
    ]


def test_row_of():
    tree = FlatTree(DOC)
    alpha = tree.rows[1]
    tree.expand(1)
    b = tree.rows[2]
    assert tree.row_of(alpha) == 1
    assert tree.row_of(b) == 2
    tree.collapse(1)
    assert tree.row_of(b) is None


def test_node_paths_and_counts():
    tree = FlatTree({"a": [{"b": 1}]})
    tree.expand(0)
    tree.expand(1)
    assert paths(tree) == [("a",), ("a", 0), ("a", 0, "b")]
    assert [node.count() for node in tree.rows] == [1, 1, 0]
    assert tree.root.path == ()


# -- ranges ------------------------------------------------------------------------------------


def test_array_of_2500_items_is_split_into_ranges():
    tree = FlatTree({"a": list(range(2500))})
    assert tree.expand(0) == 3
    assert labels(tree) == [
        "a: [2,500 items]",
        "[0 … 999]  1,000 items",
        "[1,000 … 1,999]  1,000 items",
        "[2,000 … 2,499]  500 items",
    ]
    assert [node.span for node in tree.rows[1:]] == [(0, 1000), (1000, 2000), (2000, 2500)]
    assert all(node.is_range and node.is_container for node in tree.rows[1:])
    assert [node.count() for node in tree.rows[1:]] == [1000, 1000, 500]
    assert label_parts(tree.rows[3]) == [
        Part("[2,000 … 2,499]", "range"),
        Part("  500 items", "summary"),
    ]

    assert tree.expand(2) == 1000
    items = tree.rows[3:1003]
    assert [node.path for node in items] == [("a", i) for i in range(1000, 2000)]
    assert [node.value for node in items] == list(range(1000, 2000))
    assert all(node.depth == 2 for node in items)
    assert labels(tree)[3] == "[1000]: 1000"
    assert tree.rows[1003].span == (2000, 2500)
    assert tree.parent_row(502) == 2
    assert tree.parent_row(1002) == 2
    assert tree.parent_row(2) == 0

    assert tree.expand(1003) == 500
    assert [node.path for node in tree.rows[1004:]] == [("a", i) for i in range(2000, 2500)]
    assert len(tree) == 4 + 1000 + 500
    assert tree.collapse(0) == 3 + 1000 + 500
    assert tree.expand(0) == 3 + 1000 + 500


def test_object_of_2500_keys_keeps_key_order_in_ranges():
    keys = [f"k{(i * 7919) % 2500:04d}" for i in range(2500)]  # a shuffled, unsorted order
    assert len(set(keys)) == 2500
    document = {key: index for index, key in enumerate(keys)}
    tree = FlatTree({"obj": document})
    assert tree.expand(0) == 3
    assert labels(tree) == [
        "obj: {2,500 keys}",
        "[0 … 999]  1,000 keys",
        "[1,000 … 1,999]  1,000 keys",
        "[2,000 … 2,499]  500 keys",
    ]
    assert tree.expand(3) == 500
    assert [node.key for node in tree.rows[4:]] == keys[2000:]
    assert [node.value for node in tree.rows[4:]] == list(range(2000, 2500))
    assert [node.path for node in tree.rows[4:6]] == [("obj", keys[2000]), ("obj", keys[2001])]
    assert tree.expand(2) == 1000
    assert [node.key for node in tree.rows[3:1003]] == keys[1000:2000]
    assert tree.expand(1) == 1000
    assert [node.key for node in tree.rows[2:1002]] == keys[:1000]
    shown = [node.key for node in tree.rows if not node.is_range and node.depth == 2]
    assert shown == keys


def test_top_level_document_is_ranged_too():
    tree = FlatTree(list(range(2500)))
    assert labels(tree) == [
        "[0 … 999]  1,000 items",
        "[1,000 … 1,999]  1,000 items",
        "[2,000 … 2,499]  500 items",
    ]
    assert tree.expand(1) == 1000
    assert tree.rows[2].path == (1000,)
    assert tree.parent_row(2) == 1


@pytest.mark.parametrize(("size", "ranges"), [(CHUNK, 0), (CHUNK + 1, 2)])
def test_ranges_start_just_above_chunk(size, ranges):
    tree = FlatTree({"a": list(range(size))})
    added = tree.expand(0)
    assert sum(node.is_range for node in tree.rows) == ranges
    assert added == (size if ranges == 0 else ranges)
    if ranges:
        assert labels(tree)[1:] == ["[0 … 999]  1,000 items", "[1,000 … 1,000]  1 items"]


def test_nested_ranges_for_one_and_a_half_million_items():
    big = [i % 7 for i in range(1_500_000)]
    tree = FlatTree({"a": big})
    assert tree.expand(0) == 2
    assert labels(tree) == [
        "a: [1,500,000 items]",
        "[0 … 999,999]  1,000,000 items",
        "[1,000,000 … 1,499,999]  500,000 items",
    ]
    assert tree.expand(2) == 500
    assert labels(tree)[3] == "[1,000,000 … 1,000,999]  1,000 items"
    assert labels(tree)[-1] == "[1,499,000 … 1,499,999]  1,000 items"
    assert tree.expand(len(tree) - 1) == 1000
    assert tree.rows[-1].path == ("a", 1_499_999)
    assert tree.rows[-1].depth == 3

    assert tree.expand(1) == 1000
    assert labels(tree)[2:4] == ["[0 … 999]  1,000 items", "[1,000 … 1,999]  1,000 items"]
    assert tree.expand(3) == 1000
    row = row_with_path(tree, "a", 1500)
    node = tree.rows[row]
    assert node.path == ("a", 1500)
    assert node.value == 1500 % 7
    assert node.depth == 3
    assert label_parts(node) == [Part("[1500]", "index"), Part(": ", "punct"), Part("2", "number")]
    parent = tree.parent_row(row)
    assert parent is not None
    assert tree.rows[parent].span == (1000, 2000)
    assert tree.rows[2].span == (0, 1000)
    assert tree.parent_row(3) == 1
    assert tree.parent_row(1) == 0


def test_nested_ranges_for_a_huge_object():
    names = [f"k{i}" for i in range(1_000_500)]
    document = dict.fromkeys(names, 0)
    tree = FlatTree(document)
    assert labels(tree) == [
        "[0 … 999,999]  1,000,000 keys",
        "[1,000,000 … 1,000,499]  500 keys",
    ]
    assert tree.expand(1) == 500
    assert [node.key for node in tree.rows[2:]] == names[1_000_000:]
    assert tree.rows[-1].path == ("k1000499",)
    assert tree.expand(0) == 1000
    assert labels(tree)[1:3] == ["[0 … 999]  1,000 keys", "[1,000 … 1,999]  1,000 keys"]
    assert tree.expand(2) == 1000
    assert [node.key for node in tree.rows[3:1003]] == names[1000:2000]


def all_built(root: Node) -> list[Node]:
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children or [])
    return found


def test_no_expand_builds_more_than_chunk_children(monkeypatch):
    sizes: list[int] = []
    original = jsontree.build_children

    def counting(node: Node) -> list[Node]:
        fresh = node.children is None
        children = original(node)
        if fresh:
            sizes.append(len(children))
        return children

    monkeypatch.setattr(jsontree, "build_children", counting)
    document = {
        "big": list(range(2_345_678)),
        "wide": {str(i): i for i in range(3_000)},
        "small": [1, 2],
    }
    tree = FlatTree(document)
    added = [
        tree.expand(0),  # big: 3 ranges of up to a million
        tree.expand(3),  # [2,000,000 … 2,345,677]: 346 ranges
        tree.expand(4),  # [2,000,000 … 2,000,999]: its items
        tree.expand(1),  # [0 … 999,999]: 1000 ranges
        tree.expand(2),  # [0 … 999]: its items
    ]
    wide = row_with_path(tree, "wide")
    added.append(tree.expand(wide))
    for offset in (3, 2, 1):  # open its ranges from the last up, so rows above stay put
        added.append(tree.expand(wide + offset))
    added.append(tree.expand(row_with_path(tree, "small")))
    assert added == [3, 346, 1000, 1000, 1000, 3, 1000, 1000, 1000, 2]
    assert sizes == [3, *added]  # the root's 3 keys, then one build per expand
    assert max(sizes) <= CHUNK
    assert all(len(node.children or []) <= CHUNK for node in all_built(tree.root))
    assert len(tree) == 3 + sum(added)


def test_range_children_span_the_whole_container():
    tree = FlatTree({"a": list(range(2_345_678))})
    tree.expand(0)
    spans = [node.span for node in tree.rows[1:]]
    assert spans == [(0, 1_000_000), (1_000_000, 2_000_000), (2_000_000, 2_345_678)]
    tree.expand(3)
    inner = [node.span for node in tree.rows[4:]]
    assert len(inner) == 346
    assert inner[0] == (2_000_000, 2_001_000)
    assert inner[-1] == (2_345_000, 2_345_678)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(inner))


# -- depth -------------------------------------------------------------------------------------


def test_levels_past_the_recursion_limit_expand_to_the_bottom():
    # Past Python's recursion limit (1,000 frames), so that any recursion in the tree fails;
    # loaded runs stop at MAX_NESTING, fewer. (5,000 levels took 19 s: each row looked up
    # walks down from the top, so opening level after level is quadratic in the depth.)
    depth = 1500
    document: Any = "bottom"
    for level in range(depth):
        document = {"k": document} if level % 2 else [document]
    tree = FlatTree(document)
    steps = 0
    while tree.rows[-1].is_container:
        assert tree.expand(len(tree) - 1) == 1
        steps += 1
    assert steps == depth - 1
    assert len(tree) == depth
    bottom = tree.rows[-1]
    assert bottom.value == "bottom"
    assert bottom.depth == depth - 1
    assert len(bottom.path) == depth
    assert bottom.path[:2] == ("k", 0)
    assert label_parts(bottom)[-1] == Part('"bottom"', "string")
    assert tree.parent_row(len(tree) - 1) == len(tree) - 2
    # Fold it all and open it again: every level comes back.
    assert tree.collapse(0) == depth - 1
    assert len(tree) == 1
    assert tree.expand(0) == depth - 1
    assert tree.rows[-1] is bottom


# -- labels ------------------------------------------------------------------------------------


def leaf(value: Any, key: Any = "k") -> Node:
    return Node(key, value, None, 0)


@pytest.mark.parametrize(
    ("value", "part"),
    [
        ("", Part('""', "string")),
        ("hello", Part('"hello"', "string")),
        ('say "hi"', Part('"say \\"hi\\""', "string")),
        ("back\\slash", Part('"back\\\\slash"', "string")),
        ("café 日本 🙂", Part('"café 日本 🙂"', "string")),
        ("line\nbreak\ttab", Part('"line\\nbreak\\ttab"', "string")),
        (0, Part("0", "number")),
        (-17, Part("-17", "number")),
        (10**20, Part("100000000000000000000", "number")),
        (1.5, Part("1.5", "number")),
        (-0.0, Part("-0.0", "number")),
        (1e100, Part("1e+100", "number")),
        (True, Part("true", "bool")),
        (False, Part("false", "bool")),
        (None, Part("null", "null")),
        ({}, Part("{}", "summary")),
        ([], Part("[]", "summary")),
    ],
)
def test_scalar_labels(value, part):
    assert label_parts(leaf(value)) == [Part("k", "key"), Part(": ", "punct"), part]


@pytest.mark.parametrize(
    ("value", "summary"),
    [
        ({"a": 1}, "{1 key}"),
        ({"a": 1, "b": 2, "c": 3}, "{3 keys}"),
        ({str(i): i for i in range(1234)}, "{1,234 keys}"),
        ([1], "[1 item]"),
        ([1, 2], "[2 items]"),
        (list(range(1234)), "[1,234 items]"),
    ],
)
def test_container_summaries(value, summary):
    assert label_parts(leaf(value)) == [
        Part("k", "key"),
        Part(": ", "punct"),
        Part(summary, "summary"),
    ]


def test_index_and_empty_keys():
    assert label_parts(leaf("v", 7)) == [
        Part("[7]", "index"),
        Part(": ", "punct"),
        Part('"v"', "string"),
    ]
    assert label_parts(leaf(1, ""))[0] == Part('""', "key")
    assert label_parts(leaf(1, None)) == [Part("1", "number")]


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("[7]", '"[7]"'),  # not the array index [7]
        (" padded ", '" padded "'),  # the spaces stay visible
        ("tab\t", "tab\\t"),  # a control at the edge shows as an escape: no blank to see
        ('say "hi" ', '"say \\"hi\\" "'),
        ("[red]", "[red]"),  # markup-like, but no index: bare (and never read as markup)
        ("[]", "[]"),
        ("a b", "a b"),
    ],
)
def test_keys_that_would_read_as_something_else_are_quoted(key, shown):
    assert label_parts(leaf(1, key))[0] == Part(shown, "key")
    if shown != key and key.isprintable():
        assert json.loads(shown) == key  # the quoted name reads back as the name


def test_long_strings_are_cut_with_their_length():
    text = "x" * PREVIEW_CHARS
    assert label_parts(leaf(text))[-1] == Part(f'"{text}"', "string")
    assert is_truncated(leaf(text)) is False

    text = "y" * (PREVIEW_CHARS + 1)
    cut = "y" * (PREVIEW_CHARS - 1) + "…"
    assert label_parts(leaf(text))[-1] == Part(f'"{cut}" (161 chars)', "string")
    assert is_truncated(leaf(text)) is True

    text = "z" * 12_345
    cut = "z" * (PREVIEW_CHARS - 1) + "…"
    assert label_parts(leaf(text))[-1] == Part(f'"{cut}" (12,345 chars)', "string")
    assert is_truncated(leaf(text)) is True


def test_is_truncated_only_for_long_strings():
    assert is_truncated(leaf(["x" * 500])) is False
    assert is_truncated(leaf(10**200)) is False
    assert is_truncated(leaf(None)) is False
    tree = FlatTree({"a": ["x" * 500] * 1500})
    tree.expand(0)
    assert tree.rows[1].is_range
    assert is_truncated(tree.rows[1]) is False
    tree.expand(1)
    assert is_truncated(tree.rows[2]) is True


UNSAFE = [
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;aGk=\x07",
    "\x1b]0;title\x9c",
    "\x9b2J",
    "nul\x00del\x7f",
    "rlo\u202egpj.exe",
    "iso\u2066x\u2069",
    "mark\u200e\u200f\u061c",
    "ls\u2028ps\u2029",
    "lone\ud800",
    "\r\n",
]


RAW_UNSAFE = frozenset(
    chr(code)
    for code in (
        *range(0x20),
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
)


def raw_unsafe(text: str) -> list[str]:
    return [ch for ch in text if ch in RAW_UNSAFE]


@pytest.mark.parametrize("text", UNSAFE)
def test_unsafe_characters_in_keys_and_values_are_escaped(text):
    for node in (leaf(text, text), leaf([1, 2], text), leaf({"a": 1}, text)):
        for part in label_parts(node):
            assert raw_unsafe(part.text) == [], part
    # Long values are cut before escaping: the marker stays and nothing raw slips through.
    long_value = text * 200
    for part in label_parts(leaf(long_value, text)):
        assert raw_unsafe(part.text) == [], part


def test_escaped_labels_exact():
    parts = label_parts(leaf("a\x1b[31mb\u202ec", "k\x1b]0;t\x07\u202e"))
    assert parts == [
        Part("k\\x1b]0;t\\x07\\u202e", "key"),
        Part(": ", "punct"),
        Part('"a\\u001b[31mb\\u202ec"', "string"),
    ]
    parts = label_parts(leaf("x\x85\x7f\u2028", 3))
    assert parts[-1] == Part('"x\\x85\\x7f\\u2028"', "string")


def test_markup_like_text_is_kept_literally():
    assert label_parts(leaf("[/]", "[b]x[/b]")) == [
        Part("[b]x[/b]", "key"),
        Part(": ", "punct"),
        Part('"[/]"', "string"),
    ]
    assert label_parts(leaf({"a": 1}, "[red]k[/red]"))[0] == Part("[red]k[/red]", "key")
    assert label_parts(leaf("[link=https://x]y[/link]"))[-1] == Part(
        '"[link=https://x]y[/link]"', "string"
    )


def test_a_big_fold_puts_its_rows_back_and_forgets_them_after_a_bulk_change() -> None:
    """Folding a big subtree keeps its rows for the next expand; folding or opening many
    nodes at once (E, e, 1-9) makes what was kept out of date, and it is not used."""
    document = {"outer": {"items": [{"n": i, "tags": ["a", "b"]} for i in range(600)]}}
    tree = FlatTree(document)
    tree.expand(0)  # outer
    expand_all(tree, 0, 10**6)
    everything = paths(tree)
    assert len(everything) > 1_000
    tree.collapse(0)
    assert paths(tree) == [("outer",)]
    tree.expand(0)
    assert paths(tree) == everything  # put back as it was
    tree.collapse(0)
    collapse_all(tree)  # folds every descendant too: what the collapse kept is stale
    tree.expand(0)
    assert paths(tree) == [("outer",), ("outer", "items")]
    # The same after an expand-all elsewhere in the tree.
    expand_all(tree, 1, 10**6)
    tree.collapse(0)
    expand_to_depth(tree, 2, 10**6)
    assert paths(tree) == [("outer",), ("outer", "items")]


STOPPERS = {
    "collapsing the node": lambda tree: tree.collapse(0),
    "expanding another": lambda tree: tree.expand(len(tree.rows) - 1),
    "E": collapse_all,
    "a depth": lambda tree: expand_to_depth(tree, 2, 10**6),
    "reveal": lambda tree: reveal(tree, ("b", "deep", "x")),
    "another e": lambda tree: Expansion(tree, len(tree.rows) - 1, 10**6).step(),
    "close": lambda tree: tree.close(),
}


@pytest.mark.parametrize("stopper", STOPPERS.values(), ids=list(STOPPERS))
def test_any_other_change_of_the_folds_stops_an_expansion_where_it_is(stopper: Any) -> None:
    document = {
        "a": [{"n": i, "tags": ["x", "y"]} for i in range(50)],
        "b": {"deep": {"x": [1, 2]}},
    }
    tree = FlatTree(document)
    expansion = Expansion(tree, 0, 10**6)
    expansion.step(0)
    expansion.step(0)  # `a` and its first item open, the other items folded
    assert tree.expansion is expansion and not expansion.done
    assert paths(tree)[:4] == [("a",), ("a", 0), ("a", 0, "n"), ("a", 0, "tags")]
    assert ("a", 1, "n") not in paths(tree)
    stopper(tree)
    assert tree.expansion is not expansion
    after = paths(tree)
    assert expansion.step() == 0 and expansion.done
    assert paths(tree) == after  # nothing opened after the change


def test_open_places_reopen_in_a_newer_version_ranges_and_nested_ranges_too():
    """A refresh shows the run again as the user left it: the containers and the ranges of
    items they had open (nested ones too), where the newer version still has them."""
    document = {"a": [i % 7 for i in range(1_500_000)], "b": {"c": list(range(2500))}}
    tree = FlatTree(document)
    tree.expand(row_with_path(tree, "b"))
    tree.expand(row_with_path(tree, "b", "c"))
    tree.expand(labels(tree).index("[1,000 … 1,999]  1,000 items"))
    tree.expand(0)  # a: [0 … 999,999] and [1,000,000 … 1,499,999]
    tree.expand(2)  # the second, and in it [1,000,000 … 1,000,999]
    tree.expand(3)
    before = labels(tree)
    cursor = place_of(tree.rows[2])  # the cursor on a range row
    newer = {"a": document["a"], "b": {"c": [*range(2500), 2500]}}
    again = FlatTree(newer)
    again.reopen(tree.open_places())
    assert len(before) == 2508  # a's nested ranges, 1,000 items of each, c's range
    expected = list(before)
    expected[before.index("c: [2,500 items]")] = "c: [2,501 items]"
    expected[-1] = "[2,000 … 2,500]  501 items"
    assert labels(again) == expected
    node = find_place(again, cursor)
    assert node is not None and node.span == (1_000_000, 1_500_000)
    assert again.row_of(node) == 2
    # The last range of an array that grew has another span: it is the range that starts
    # where it did, and stays open (with the cursor on it).
    tree.expand(len(tree) - 1)  # c's [2,000 … 2,499]
    last = place_of(tree.rows[len(tree) - 501])
    assert last.span == (2000, 2500)
    grown = FlatTree(newer)
    grown.reopen(tree.open_places())
    node = find_place(grown, last)
    assert node is not None and node.span == (2000, 2501) and node.expanded
    assert labels(grown)[-502:] == ["[2,000 … 2,500]  501 items"] + [
        f"[{i}]: {i}" for i in range(2000, 2501)
    ]
    # Places the newer version lacks (`a`, c's second range) are skipped; the rest opens.
    gone = FlatTree({"b": {"c": list(range(10))}})
    gone.reopen(tree.open_places())
    assert labels(gone) == ["b: {1 key}", "c: [10 items]"] + [f"[{i}]: {i}" for i in range(10)]
