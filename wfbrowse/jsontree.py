"""A JSON document as a foldable list of rows, built lazily.

The screen shows a window of `FlatTree.rows`: the nodes currently visible, in order. Expanding
a node builds its children on first use; each open node counts the rows under it
(`Node.shown`), and an expand or a collapse changes only the counts of the node and its
ancestors. The rows themselves are not kept in a list: row `i` is found by going down from
the root through those counts (`Rows`). So the cost of an expand or collapse depends on the
depth of the node and on how many children its ancestors have, never on the size of the
document or on how many rows are shown (splicing 750,000 rows in and out of a list cost
150 ms at 50 MB, most of it touching every node's reference count).

Containers with more than `CHUNK` children are split into range nodes (`[0 … 999]`), nested
when needed, so that no node has more than about `CHUNK` children.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import chain, islice
from time import perf_counter
from typing import Any, NamedTuple, overload

import orjson

from wfbrowse.textsafe import escape_controls, escape_unsafe, hide_keys, shorten

CHUNK = 1000
PREVIEW_CHARS = 160  # string previews longer than this are cut; the full value is one key away

Key = str | int


class Node:
    """One row of the tree: an object member, an array item, or a range of either."""

    __slots__ = (
        "children",
        "depth",
        "epoch",
        "expanded",
        "key",
        "member_keys",
        "offsets",
        "parent",
        "shown",
        "span",
        "value",
    )

    def __init__(
        self,
        key: Key | None,
        value: Any,
        parent: Node | None,
        depth: int,
        span: tuple[int, int] | None = None,
    ) -> None:
        self.key = key  # member name, item index, or None for the root and for ranges
        self.value = value  # for a range: the container it slices
        self.parent = parent
        self.depth = depth
        self.span = span  # (start, stop) for range nodes
        self.children: list[Node] | None = None
        self.expanded = False
        self.epoch = 0  # the tree's fold-everything count when this node was last set
        # Rows under this node while it is expanded (its children and their own `shown`),
        # whether or not the node itself is in view; 0 while it is folded.
        self.shown = 0
        self.offsets: list[int] | None = None  # where each child's rows start (see `Rows`)
        self.member_keys: list[str] | None = None  # an object's keys, kept for its ranges

    def __repr__(self) -> str:
        return f"Node(path={self.path!r}, span={self.span!r})"

    @property
    def is_range(self) -> bool:
        return self.span is not None

    @property
    def is_container(self) -> bool:
        return self.is_range or (isinstance(self.value, (dict, list)) and bool(self.value))

    @property
    def path(self) -> tuple[Key, ...]:
        """Keys from the document root to this node; ranges add nothing."""
        keys: list[Key] = []
        node: Node | None = self
        while node is not None:
            if node.key is not None:
                keys.append(node.key)
            node = node.parent
        keys.reverse()
        return tuple(keys)

    def count(self) -> int:
        """How many members or items this node's value (or range) holds."""
        if self.span is not None:
            return self.span[1] - self.span[0]
        if isinstance(self.value, (dict, list)):
            return len(self.value)
        return 0


def _child_spans(start: int, stop: int) -> list[tuple[int, int]] | None:
    """Ranges to group `start..stop` into, or None when the items fit in one expand."""
    total = stop - start
    if total <= CHUNK:
        return None
    span = CHUNK
    while total > span * CHUNK:
        span *= CHUNK
    return [(lo, min(lo + span, stop)) for lo in range(start, stop, span)]


def build_children(node: Node) -> list[Node]:
    """Make (once) and return the children of a container or range node."""
    if node.children is not None:
        return node.children
    container = node.value
    depth = node.depth + 1
    if not isinstance(container, (dict, list)):
        node.children = []
        return node.children
    start, stop = node.span if node.span is not None else (0, len(container))
    spans = _child_spans(start, stop)
    children: list[Node]
    if spans is not None:
        children = [Node(None, container, node, depth, span) for span in spans]
    elif isinstance(container, dict):
        if node.span is None:
            children = [Node(key, value, node, depth) for key, value in container.items()]
        else:
            keys = _range_keys(node, start, stop)
            children = [Node(key, container[key], node, depth) for key in keys]
    else:
        children = [Node(i, container[i], node, depth) for i in range(start, stop)]
    node.children = children
    return children


def _range_keys(node: Node, start: int, stop: int) -> list[str]:
    """Member names `start..stop` of the object a range node slices.

    The key list of a big object is made once, on the node that owns the object, and shared
    by all its ranges, so opening one range of 50,000 keys does not copy all 50,000 again.
    """
    owner = node.parent
    while owner is not None and owner.span is not None:
        owner = owner.parent
    if owner is None:  # pragma: no cover - a range always has an owning container node
        return list(node.value)[start:stop]
    if owner.member_keys is None:
        owner.member_keys = list(owner.value)
    return owner.member_keys[start:stop]


class Rows(Sequence[Node]):
    """The visible rows, in order, read off the tree of open nodes rather than kept in a list.

    Row `i` is found by going down from the root, at each open node to the child whose rows
    hold `i` (a bisection over running sums of the children's counts, kept per node until one
    of them changes). Rows are read in runs (a screenful, a few rows around the cursor), so a
    window of them is listed at once and served until the next change.
    """

    WINDOW = 256  # rows listed at once: a few screens

    def __init__(self, root: Node) -> None:
        self._root = root
        self._start = 0
        self._window: list[Node] = []

    def changed(self) -> None:
        """Nodes were opened or folded: what the window holds may no longer be in view."""
        self._window = []

    def __len__(self) -> int:
        return self._root.shown

    @overload
    def __getitem__(self, index: int) -> Node: ...

    @overload
    def __getitem__(self, index: slice) -> list[Node]: ...

    def __getitem__(self, index: int | slice) -> Node | list[Node]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return list(islice(_rows_from(self._root, start), max(0, stop - start)))
        size = self._root.shown
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(index)
        at = index - self._start
        if not 0 <= at < len(self._window):
            # Mostly read forward (rendering down the screen), sometimes back (k, page up).
            self._start = max(0, index - self.WINDOW // 4)
            self._window = list(islice(_rows_from(self._root, self._start), self.WINDOW))
            at = index - self._start
        return self._window[at]

    def __iter__(self) -> Iterator[Node]:
        return _rows_from(self._root, 0) if self._root.shown else iter(())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return other is self
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Rows: {len(self):,}>"


class FlatTree:
    """The visible rows of a JSON document and the operations that change them.

    Every open node's `shown` is the number of rows under it (its children, plus the `shown`
    of each), whether the node is in view or under a folded one; a folded node's is 0. Each
    operation keeps that true for every node built, which is all `Rows` needs.

    Folding everything only folds the top level and counts one more `epoch`: a node whose
    epoch is older is folded in truth, whatever its flags say, and is set so (`_open`) when
    its parent opens again. (Resetting the 900,000 open nodes of a 50 MB run one by one took
    140 ms.) So nothing reads a node's flags before its parent has been opened in this epoch.
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        self.root = Node(None, document, None, -1)
        self.root.expanded = True
        self.epoch = 0
        if isinstance(document, (dict, list)):
            self.root.shown = len(build_children(self.root))
        else:
            # A bare scalar document still gets one row to show it, the root's only child.
            self.root.children = [Node(None, document, self.root, 0)]
            self.root.shown = 1
        self.rows = Rows(self.root)
        # An `e` still opening nodes in steps; every other change of the folds stops it.
        self.expansion: Expansion | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def open_places(self) -> list[Place]:
        """Where every node built, open and in view is: what `reopen` opens again in a newer
        version of the document."""
        found: list[Place] = []
        stack = list(self.root.children or [])
        while stack:
            node = stack.pop()
            if node.expanded:
                found.append(place_of(node))
                stack.extend(node.children or [])
        return found

    def reopen(self, places: list[Place]) -> None:
        """Open the nodes at `places` (from `open_places`) that this version still has:
        containers, and the ranges of their items (`[1,000 … 1,999]`) the user had open.

        All are marked open first and the rows counted once at the end, as `expand_to_depth`
        does: expanded one by one, each open node recounted its siblings' rows and the rows
        in view (half a second for the 3,300 nodes `e` opens in a 50 MB run).
        """
        self.expansion = None
        opened = False
        for place in sorted(places, key=lambda place: place.depth):  # parents first
            node = _locate(self, place)
            if node is not None and node.is_container and not node.expanded:
                self._open(node)
                opened = True
        if opened:
            _recount(self.root)
            self.rows.changed()

    def close(self) -> None:
        """Break the parent/child links of every node built, so that plain reference
        counting frees the tree at once, without waiting for the cycle collector (which
        the app keeps away from big documents, see `JsonTreeView.load`)."""
        self.expansion = None
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.children:
                stack.extend(node.children)
            node.children = None
            node.parent = None
            node.offsets = None
        self.root.shown = 0
        self.rows.changed()

    def _subtree_end(self, row: int) -> int:
        """Index just past the visible descendants of the row."""
        node = self.rows[row]
        return row + 1 + node.shown

    def _open(self, node: Node) -> list[Node]:
        """Mark the node open and return its children, each set folded first if it was last
        set before everything was folded."""
        node.expanded = True
        children = build_children(node)
        epoch = self.epoch
        for child in children:
            if child.epoch != epoch:
                child.epoch = epoch
                child.expanded = False
                child.shown = 0
                child.offsets = None
        return children

    def _grow(self, node: Node, rows: int) -> None:
        """`rows` more rows (fewer, when negative) under `node`, which is in view: as many
        more under each of its ancestors, whose children's running sums are out of date."""
        self.rows.changed()
        while node.parent is not None:
            node = node.parent
            node.shown += rows
            node.offsets = None

    def expand(self, row: int) -> int:
        """Expand the node at `row`; returns how many rows appeared."""
        self.expansion = None
        node = self.rows[row]
        if node.expanded or not node.is_container:
            return 0
        # Open nodes under it kept their counts while it was folded.
        children = self._open(node)
        node.shown = len(children) + sum(child.shown for child in children)
        node.offsets = None
        self._grow(node, node.shown)
        return node.shown

    def collapse(self, row: int) -> int:
        """Collapse the node at `row`; returns how many rows disappeared."""
        self.expansion = None
        node = self.rows[row]
        if not node.expanded:
            return 0
        hidden = node.shown
        node.expanded = False
        node.shown = 0
        self._grow(node, -hidden)
        return hidden

    def toggle(self, row: int) -> int:
        node = self.rows[row]
        return self.collapse(row) if node.expanded else self.expand(row)

    def parent_row(self, row: int) -> int | None:
        """Row of the nearest visible ancestor, or None at the top level."""
        node = self.rows[row]
        parent = node.parent
        if parent is None or parent is self.root:
            return None
        return row - 1 - _rows_before(parent, node)

    def row_of(self, node: Node) -> int | None:
        """The node's row, or None when it is not in view (a folded ancestor)."""
        row = -1
        while node.parent is not None:
            parent = node.parent
            if not parent.expanded:
                return None
            row += 1 + _rows_before(parent, node)
            node = parent
        return row if node is self.root else None


def _offsets(node: Node) -> list[int]:
    """Where each child of an open node starts, in rows after the node's own row."""
    offsets = node.offsets
    if offsets is None:
        offsets = []
        total = 0
        for child in node.children or ():
            offsets.append(total)
            total += 1 + child.shown
        node.offsets = offsets
    return offsets


def _rows_before(parent: Node, child: Node) -> int:
    """Rows between an open node's row and its child's: the earlier children and what each
    shows."""
    siblings = parent.children or []
    try:
        at = siblings.index(child)  # identity: Node has no __eq__
    except ValueError:  # pragma: no cover - a node's parent lists it
        raise LookupError(child) from None
    return _offsets(parent)[at]


def _rows_from(root: Node, start: int) -> Iterator[Node]:
    """The visible rows from row `start` on, in order."""
    # Down to the row: each level's frame is [its children, the next one to give].
    frames: list[list[Any]] = []
    node = root
    remaining = start
    while True:
        children = build_children(node)
        at = bisect_right(_offsets(node), remaining) - 1
        remaining -= _offsets(node)[at]
        if remaining == 0:
            frames.append([children, at])
            break
        frames.append([children, at + 1])  # the row is inside this child's rows
        node = children[at]
        remaining -= 1
    # Then on, depth first, from there.
    while frames:
        frame = frames[-1]
        children, at = frame
        if at == len(children):
            frames.pop()
            continue
        child = children[at]
        frame[1] = at + 1
        yield child
        if child.expanded:
            frames.append([build_children(child), 0])


def _recount(node: Node) -> None:
    """Work `shown` out again for the node and every open node under it, after many were
    opened at once (their running sums with them)."""
    order: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.expanded:
            order.append(current)
            stack.extend(child for child in build_children(current) if child.expanded)
    _count(order)
    if node.parent is not None:
        node.parent.offsets = None


def _count(order: list[Node]) -> None:
    """Work `shown` out again for these open nodes, listed parents before their children;
    the open nodes under them that are not listed have theirs right."""
    for current in reversed(order):  # children before their parents
        _count_one(current)


def _count_one(node: Node) -> None:
    """Work `shown` out again for one open node whose open children have theirs right."""
    children = node.children or []
    node.shown = len(children) + sum(child.shown for child in children)
    node.offsets = None


# -- labels ----------------------------------------------------------------------------------


# A NamedTuple: made for every row drawn, and cheaper than a dataclass to create at import too
# (see `wfbrowse.sites.Site`).
class Part(NamedTuple):
    """A piece of a row's label and what it is (the UI picks a style per kind)."""

    text: str
    kind: str  # key, index, punct, string, number, bool, null, summary, range


def key_text(key: Key) -> str:
    """A member's name as its row shows it: bare, unless bare it would read as something else
    (nothing at all, a name without its edge spaces, an array index like `[0]`); then in JSON's
    quotes, which read back as the name itself."""
    if isinstance(key, int):
        return f"[{key}]"
    shown = escape_controls(key)  # controls at its edges are escapes by now, not blanks
    if not shown or shown[0].isspace() or shown[-1].isspace() or _looks_like_index(key):
        return escape_controls(json.dumps(key, ensure_ascii=False))
    return shown


def _looks_like_index(key: str) -> bool:
    digits = key[1:-1]
    return key[0] == "[" and key[-1] == "]" and digits.isascii() and digits.isdigit()


def scalar_preview(value: Any, limit: int = PREVIEW_CHARS) -> Part:
    """A scalar as its row shows it. A string shows at most `limit` characters between its
    quotes, escapes included, then its length when it was cut."""
    if isinstance(value, str):
        encoded = escape_controls(json.dumps(shorten(value, limit), ensure_ascii=False))
        cut = len(value) > limit
        if len(encoded) > limit + 2:
            # Escapes made it longer than the room it was cut for (`\x1b` is 6 characters
            # written as JSON): cut again, between escapes, so the length note stays in view.
            encoded, cut = _fit_escaped(value, limit), True
        if cut:
            encoded += f" ({len(value):,} chars)"
        return Part(encoded, "string")
    if isinstance(value, bool):
        return Part("true" if value else "false", "bool")
    if value is None:
        return Part("null", "null")
    if isinstance(value, (int, float)):
        return Part(hide_keys(json.dumps(value)), "number")
    if isinstance(value, dict):
        return Part("{}", "summary")
    if isinstance(value, list):
        return Part("[]", "summary")
    return Part(escape_controls(repr(value)), "string")


def _fit_escaped(value: str, limit: int) -> str:
    """`value` quoted and escaped as a row shows it, cut to at most `limit` characters
    between the quotes (the cut marked by an ellipsis), never inside one character's escape."""
    pieces: list[str] = []
    used = 0
    for char in value:
        # Escaped alone: no single character holds a key, so the keys are hidden once, in
        # the whole (each `escape_controls` looks for them, several µs a character).
        shown = escape_unsafe(json.dumps(char, ensure_ascii=False)[1:-1])
        if used + len(shown) > limit - 1:
            break
        pieces.append(shown)
        used += len(shown)
    return hide_keys('"' + "".join(pieces) + '…"')


def container_summary(node: Node) -> Part:
    count = node.count()
    if isinstance(node.value, dict):
        return Part(f"{{{count:,} key{'s' if count != 1 else ''}}}", "summary")
    return Part(f"[{count:,} item{'s' if count != 1 else ''}]", "summary")


def label_parts(node: Node) -> list[Part]:
    """What a row says, after its indentation and fold marker."""
    if node.span is not None:
        start, stop = node.span
        what = "keys" if isinstance(node.value, dict) else "items"
        return [
            Part(f"[{start:,} … {stop - 1:,}]", "range"),
            Part(f"  {stop - start:,} {what}", "summary"),
        ]
    parts: list[Part] = []
    if node.key is not None:
        parts.append(Part(key_text(node.key), "index" if isinstance(node.key, int) else "key"))
        parts.append(Part(": ", "punct"))
    if node.is_container:
        parts.append(container_summary(node))
    else:
        parts.append(scalar_preview(node.value))
    return parts


def is_truncated(node: Node) -> bool:
    """Whether the row's preview hides part of a string value."""
    return isinstance(node.value, str) and node.span is None and len(node.value) > PREVIEW_CHARS


# -- finding nodes -----------------------------------------------------------------------------
def _child_for(node: Node, key: Key) -> Node | None:
    """The child of `node` (looking through range nodes) that holds `key`.

    Found by arithmetic where it can be (an index among items, a position among ranges, all
    but the last of one size): reopening what `e` opened in a big run looks up thousands.
    """
    if isinstance(node.value, dict) != isinstance(key, str):
        return None  # a member name in an array, an index in an object
    children = build_children(node)
    if not children:
        return None
    first = children[0]
    if first.span is not None:
        index = key if isinstance(key, int) else _index_of_key(first, key)
        holder = _range_holding(children, index) if index is not None else None
        return _child_for(holder, key) if holder is not None else None
    if isinstance(key, int) and isinstance(first.key, int):
        position = key - first.key
        if 0 <= position < len(children) and children[position].key == key:
            return children[position]
        return None
    return next((child for child in children if child.key == key), None)


def _range_holding(children: list[Node], index: int) -> Node | None:
    """Among a container's children, the range whose span holds item `index`; None if they
    are no ranges, or none holds it. By arithmetic: all ranges but the last are of one size."""
    first = children[0] if children else None
    if first is None or first.span is None:
        return None
    position = (index - first.span[0]) // (first.span[1] - first.span[0])
    if 0 <= position < len(children):
        start, stop = children[position].span or (0, 0)
        if start <= index < stop:
            return children[position]
    return None


def _index_of_key(range_node: Node, key: str) -> int | None:
    owner = range_node.parent
    while owner is not None and owner.span is not None:
        owner = owner.parent
    if owner is None or not isinstance(owner.value, dict) or key not in owner.value:
        return None
    if owner.member_keys is None:
        owner.member_keys = list(owner.value)
    return owner.member_keys.index(key)


def jq_path_of(node: Node) -> str:
    """The node's jq path. A range of an array's items is the slice it shows
    (`.items[1000:2000]`, what `y` copies of it); a range of an object's members has the
    whole object's path, as jq has no slice of keys."""
    from wfbrowse.jsonpath import jq_path

    span = node.span if node.span is not None and isinstance(node.value, list) else None
    return jq_path(node.path, span)


class Place(NamedTuple):
    """Where a node is, in any version of the document: its path, and for a range (which
    adds nothing to a path) its span and depth under the container."""

    path: tuple[Key, ...]
    span: tuple[int, int] | None
    depth: int


def place_of(node: Node) -> Place:
    return Place(node.path, node.span, node.depth)


def find_place(tree: FlatTree, place: Place) -> Node | None:
    """The node at `place`, in view (its ancestors opened): for a range no longer there (an
    array that grew changes its last range's span), the range that starts where it did, else
    its container. None where this version has no such node."""
    row = reveal(tree, place.path)
    if row is None:
        return None
    node = tree.rows[row]
    if place.span is None:
        return node
    found = _range_at(node, place)
    return found if found is not None and tree.row_of(found) is not None else node


def _locate(tree: FlatTree, place: Place) -> Node | None:
    """The node at `place`, built if need be, whether or not it is in view."""
    node = tree.root
    for key in place.path:
        child = _child_for(node, key)
        if child is None:
            return None
        node = child
    return node if place.span is None else _range_at(node, place)


def _range_at(container: Node, place: Place) -> Node | None:
    """The range under `container` at the place's depth that starts where the place's did
    (the same span, or a last range grown or shrunk with its array)."""
    assert place.span is not None
    start = place.span[0]
    node = container
    while True:
        inner = _range_holding(build_children(node), start)
        if inner is None or inner.depth > place.depth:
            return None
        if inner.depth == place.depth:
            return inner if inner.span is not None and inner.span[0] == start else None
        node = inner


def reveal(tree: FlatTree, path: tuple[Key, ...]) -> int | None:
    """Expand every ancestor of the node at `path` and return its row; None if no such node."""
    node = tree.root
    chain: list[Node] = []
    for key in path:
        child = _child_for(node, key)
        if child is None:
            return None
        # Range nodes between a container and its item are ancestors too.
        hop: Node | None = child.parent
        hops: list[Node] = []
        while hop is not None and hop is not node:
            hops.append(hop)
            hop = hop.parent
        chain.extend(reversed(hops))
        chain.append(child)
        node = child
    for ancestor in chain[:-1]:
        if not ancestor.expanded:
            row = tree.row_of(ancestor)
            if row is None:  # pragma: no cover - ancestors are revealed top-down
                return None
            tree.expand(row)
    return tree.row_of(chain[-1]) if chain else None


# -- search ------------------------------------------------------------------------------------
class Query:
    """What the user searches for: a substring (case-insensitive), or `/a regex/`."""

    def __init__(self, text: str) -> None:
        import re

        self.text = text
        is_regex = len(text) >= 2 and text.startswith("/") and text.endswith("/")
        pattern = text[1:-1] if is_regex else re.escape(text)
        try:
            # A compiled pattern searches in C; even a plain substring goes through it.
            self._pattern = re.compile(pattern, re.IGNORECASE)
        except re.error as error:
            raise ValueError(f"not a valid regex: {error}") from None
        self.search = self._pattern.search
        # A plain word with a character no JSON number holds can match no number, and most
        # of a big run's values are numbers: they need not be turned into text at all.
        self.numbers = is_regex or set(text.lower()) <= set("0123456789.-+e")
        self.literals = is_regex or any(
            text.lower() in word for word in _LITERALS.values() if isinstance(word, str)
        )
        # What a stretch of the document written as JSON must hold, lower-cased, for anything
        # in it to match (see `_may_match`); None where that cannot be told from the text.
        # Not for a regex; not for a query that may match a number (a number is searched as
        # Python writes it, 1e-05, which orjson writes 0.00001); not for characters JSON
        # escapes (`"`, `\`, controls) or outside ASCII.
        plain = not is_regex and not self.numbers and text.isascii()
        self.needle = (
            text.lower().encode()
            if plain and text.isprintable() and '"' not in text and "\\" not in text
            else None
        )

    def __call__(self, text: str) -> bool:
        return self._pattern.search(text) is not None


# How true, false and null read in the document (and so in a search).
_LITERALS: dict[Any, str] = {True: "true", False: "false", None: "null"}


def _entries(container: dict[str, Any] | list[Any]) -> Iterator[tuple[Key, Any]]:
    return iter(container.items()) if isinstance(container, dict) else enumerate(container)


# Entries of a big container that a search looks at together, written as JSON in one go: a
# stretch of them with nothing matching is passed over without a step of the walk in Python.
SEARCH_CHUNK = 128

# The only characters outside ASCII that a case-insensitive regex takes for ASCII letters
# (every code point was tried): U+0130 and U+0131 (I with a dot, dotless i) for i, the Kelvin
# sign for k, the long s for s. Bytes are lower-cased as ASCII, so these become their letters
# first: the test on the JSON text must find whatever the regex would.
_ASCII_LOOKALIKES = (
    (b"\xc4\xb0", b"i"),
    (b"\xc4\xb1", b"i"),
    (b"\xe2\x84\xaa", b"k"),
    (b"\xc5\xbf", b"s"),
)


def _may_match(chunk: list[tuple[Key, Any]], keyed: bool, needle: bytes) -> bool:
    """Whether anything in these entries (keys, values, all they hold) may match a plain
    query: its lower-cased text is somewhere in them written as JSON. Never False for entries
    that hold a match: a match in a key or a string is its characters, written as they are
    (the query has none that JSON escapes), and true, false and null read the same. May be
    True for entries that hold none (the text spans two values, say): the walk tells."""
    try:
        text = orjson.dumps(dict(chunk) if keyed else [value for _, value in chunk])
    except orjson.JSONEncodeError:  # a lone surrogate, an integer past 64 bits: walk them
        return True
    if not text.isascii():
        for lookalike, letter in _ASCII_LOOKALIKES:
            text = text.replace(lookalike, letter)
    return needle in text.lower()


def _searched_entries(
    container: dict[str, Any] | list[Any], needle: bytes | None
) -> Iterator[tuple[Key, Any]]:
    """The entries a search must walk: all of a small container's, and of a big one's, those
    in the chunks that may hold a match (with a needle to tell)."""
    entries = _entries(container)
    if needle is None or len(container) <= SEARCH_CHUNK:
        return entries
    keyed = isinstance(container, dict)
    chunks = iter(lambda: list(islice(entries, SEARCH_CHUNK)), [])
    return chain.from_iterable(chunk for chunk in chunks if _may_match(chunk, keyed, needle))


def iter_matches(document: Any, query: Query) -> Iterator[tuple[Key, ...]]:
    """Paths of every node whose key or scalar value matches, in document (= row) order.

    Walks the document itself, not the tree, so nodes not built yet are found too. An
    explicit stack (documents may nest thousands of levels deep), and a path tuple built only
    for a match: on a 10 MB instance this is the difference between one and three seconds.
    Each container's entries go through a plain `for` loop, left by `break` to go down into
    a child container and taken up again where it stopped: a `next()` call per entry cost a
    third more. The entries of a big container are taken in chunks, and a chunk whose JSON
    text cannot hold a match is passed over whole (`_may_match`): for a plain query, the walk
    goes only where a match may be.
    """
    if not isinstance(document, (dict, list)):
        return
    search = query.search
    numbers, literals, needle = query.numbers, query.literals, query.needle
    text_class, dict_class, list_class = str, dict, list
    path: list[Key] = []
    stack = [_searched_entries(document, needle)]
    while stack:
        for key, value in stack[-1]:
            if key.__class__ is text_class and search(key) is not None:
                yield (*path, key)
                matched = True
            else:
                matched = False
            kind = value.__class__
            if kind is dict_class or kind is list_class:
                if value:
                    path.append(key)
                    stack.append(_searched_entries(value, needle))
                    break
                continue
            if matched:
                continue
            if kind is text_class:
                if search(value) is not None:
                    yield (*path, key)
            elif value is True or value is False or value is None:
                if literals and search(_LITERALS[value]) is not None:
                    yield (*path, key)
            elif numbers and search(repr(value)) is not None:
                # int and float read the same in JSON (finite floats)
                yield (*path, key)
        else:
            stack.pop()
            if path:
                path.pop()


# -- folding many nodes at once ----------------------------------------------------------------
def _containers(children: list[Node]) -> Iterator[Node]:
    """The children that can open: ranges, and non-empty objects and arrays. (`is_container`,
    inlined: most children are leaves, and a property call to tell each one apart was a
    fifth of an `e` of 10,000 rows.)"""
    return iter(
        [
            child
            for child in children
            if child.span is not None or (isinstance(child.value, (dict, list)) and child.value)
        ]
    )


class Expansion:
    """`e` on one node: everything under it opened, depth first, nodes built as needed, until
    opening the next container would show more than `cap` rows under the node.

    Done in steps (`step`), each leaving the tree consistent, so that the app can draw the
    first rows before it has built the rest: 10,000 rows opened at once were 25 to 50 ms of
    work in a 50 MB run, and the first frame needs only a screenful. Any other change to the
    tree's folds stops an expansion where it is (`FlatTree.expansion`): that change wins.
    """

    def __init__(self, tree: FlatTree, row: int, cap: int) -> None:
        self.tree = tree
        self.node = tree.rows[row]
        self.cap = cap
        self.capped = False  # whether the cap stopped it
        # Rows listed under the node so far: the children of every node the walk went into.
        self._counted = 0
        # The walk's way down from the node: each open node with the containers among its
        # children that it has not gone into yet. Empty until the first step.
        self._path: list[tuple[Node, Iterator[Node]]] = []
        # One still going stops here; this one is done at once if there is nothing to open.
        tree.expansion = self if self.node.is_container else None

    @property
    def done(self) -> bool:
        """Whether it has ended: everything opened, the cap reached, or stopped by another
        change of the folds."""
        return self.tree.expansion is not self

    def _enter(self, node: Node) -> bool:
        """Open the node (if its children fit under the cap) and put it on the path."""
        children = build_children(node)
        if not node.expanded:
            if self._counted + len(children) > self.cap:
                self.capped = True
                return False
            self.tree._open(node)
        self._counted += len(children)
        self._path.append((node, _containers(children)))
        return True

    def step(self, seconds: float | None = None) -> int:
        """Go on for about `seconds` (to the end when None); returns how many rows appeared
        under the node. Once stopped, by the cap or by another change, it does nothing."""
        if self.done:
            return 0
        before = self.node.shown
        deadline = None if seconds is None else perf_counter() + seconds
        path = self._path
        going = bool(path) or self._enter(self.node)
        while going and path:
            child = next(path[-1][1], None)
            if child is None:  # everything under the last node on the path is open
                _count_one(path.pop()[0])
            elif not self._enter(child):
                going = False  # the cap: what is open stays so, the rest stays folded
            elif deadline is not None and perf_counter() >= deadline:
                break
        # The nodes still on the path have rows listed under them that are not counted yet.
        for node, _ in reversed(path):
            _count_one(node)
        if not going or not path:
            path.clear()
            self.tree.expansion = None
        self.tree._grow(self.node, self.node.shown - before)
        return self.node.shown - before


def expand_all(tree: FlatTree, row: int, cap: int) -> tuple[int, bool]:
    """Expand everything under the node at `row` (building nodes as needed), stopping before
    more than `cap` rows would be shown under it, all at once. Returns (rows under it,
    capped)."""
    expansion = Expansion(tree, row, cap)
    expansion.step()
    return expansion.node.shown, expansion.capped


def collapse_all(tree: FlatTree) -> None:
    """Fold every node: only the document's top level stays in view."""
    tree.expansion = None
    tree.epoch += 1
    tree._open(tree.root)  # the top level, folded; what is under it, in a past epoch
    _recount(tree.root)
    tree.rows.changed()


def expand_to_depth(tree: FlatTree, depth: int, cap: int) -> tuple[int, bool]:
    """Show every level down to `depth` (1: the top level only), within `cap` rows."""
    collapse_all(tree)
    shown, capped = 0, False
    # Breadth first, so that a cap leaves whole upper levels open rather than one corner.
    level = list(build_children(tree.root))
    for _ in range(depth - 1):
        next_level: list[Node] = []
        for node in level:
            if not node.is_container:
                continue
            children = build_children(node)
            if shown + len(children) > cap:
                capped = True
                break
            tree._open(node)
            shown += len(children)
            next_level.extend(children)
        if capped or not next_level:
            break
        level = next_level
    _recount(tree.root)
    tree.rows.changed()
    return len(tree.rows), capped
