"""A foldable JSON tree drawn with Textual's line API.

Only the rows on screen are rendered (`render_line`), from `FlatTree.rows`, so the cost of a
frame, an expand or a collapse does not grow with the document. The stock `Tree` widget
re-walks and re-measures every visible line on each change, which is too slow once a few
thousand rows are open, and it recurses on deep documents.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import Any, ClassVar, Concatenate, ParamSpec, TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from wfbrowse.jsontree import (
    Expansion,
    FlatTree,
    Node,
    collapse_all,
    expand_to_depth,
    find_place,
    label_parts,
    place_of,
    reveal,
    scalar_preview,
)
from wfbrowse.tui.cursor_keys import CURSOR_KEYS

# Drawn rows kept for drawing again: a few screens. Each Strip holds caches of its own: 4,096
# rows of three segments, cut to 120 cells, were 57,000 objects for the collector and 9 MB.
STRIPS_KEPT = 256
MAX_INDENT_LEVELS = 40  # deeper rows show their depth as a number instead of a wide indent
# The most rows one "expand everything" or "expand to depth" may add: building and listing
# 20,000 took 36 ms of a 10 MB run's nodes alone, 50 ms and more with the frame drawn.
EXPAND_CAP = 10_000
# An `e` opens nodes for about this long before the app draws what it has, then goes on
# after that frame (see `jsontree.Expansion`): the first rows below the cursor are on screen
# after one step, whatever the rest costs. 10,000 rows in one go were 25 to 50 ms of work in
# a 50 MB run, before the frame.
EXPAND_STEP_SECONDS = 0.008


# Once expands have shown this many rows since the last freeze, they built enough nodes to
# freeze them when the frame is drawn (a full collection walking them cost up to 160 ms in
# the middle of a keypress at 10 MB; what else is frozen with them is set loose again at the
# next run's load). Counted over many expands, not per expand: hundreds of small ones
# had left 300,000 nodes to the collector, and a collection of 11 ms inside an `e`.
FREEZE_AFTER_ROWS = 5_000


_shown_before = False  # whether this process showed a document before the one being loaded


def _keep_collector_off_the_document() -> None:
    """Move what is alive now, the new document included, out of the cycle collector's way.

    A 10 MB instance is over a hundred thousand tracked containers; left to the collector,
    each full collection walks them all again, at random moments such as an expand. One full
    collection first, after the run is on screen (so no garbage stays frozen, and what an
    earlier freeze kept is looked at again: the loader freezes big documents as soon as they
    are parsed), then freeze the survivors. JSON values hold no cycles and a closed tree
    breaks its own (`FlatTree.close`), so reference counting still frees all of it when the
    document is replaced.

    For the first document of the process the freeze alone: the only garbage then is from
    start-up (384 objects when opening a saved run), and the collection walked the whole
    document for it, 32 ms at 1 MB and 403 ms at 50 MB, while the first keys waited.
    """
    global _shown_before
    if _shown_before:
        gc.unfreeze()
        gc.collect()
    _shown_before = True
    gc.freeze()


# A big refreshed document is frozen by the loader (see `jsonload.FREEZE_FROM`), and with it
# whatever of the app is alive at that moment: render caches, the steps table's rows. Those
# die in cycles a moment later, frozen, where no collection frees them: 135 KB a refresh of
# a 1.2 MB watched run. So every this many refreshes the whole heap is looked at again, as
# at a load: one full collection after the frame (measured alone: 11 ms with a 1.2 MB run in
# memory, 53 ms with a 10 MB one).
CLEAN_UP_EVERY_RELOADS = 20


_P = ParamSpec("_P")
_R = TypeVar("_R")


def frame_first(
    action: Callable[Concatenate[JsonTreeView, _P], _R],
) -> Callable[Concatenate[JsonTreeView, _P], _R]:
    """Hold the cycle collector back from a key's action until its frame is drawn.

    A collection can start at any allocation, and a full one walks every container not
    frozen: on a 10 MB run, collections of 6 to 24 ms landed inside expands, between the key
    and its frame. Put off until that frame is on screen, they run while the user reads it.
    (Reference counting still frees all that needs no collector meanwhile.)
    """

    @functools.wraps(action)
    def run(view: JsonTreeView, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if gc.isenabled():
            gc.disable()
            view.app.call_after_refresh(gc.enable)  # the app's: the view may be gone by then
        return action(view, *args, **kwargs)

    return run


class JsonTreeView(ScrollView, can_focus=True):
    """Rows of a JSON document; a cursor; expand and collapse from the keyboard or mouse."""

    # No mouse selection of rows: the copy keys (y, p, Y...) copy a node exactly, and the value
    # view selects inside a value. Textual's selection drew nothing here and copied an empty
    # string with Ctrl+C; its per-segment offsets were a quarter of each row's drawing time.
    ALLOW_SELECT = False

    BINDINGS: ClassVar[list[BindingType]] = [
        *CURSOR_KEYS,
        Binding("left,h", "collapse_or_parent", "Collapse", show=False),
        Binding("right,l", "expand", "Expand", show=False),
        Binding("enter", "select", "Open", show=True),
        Binding("space", "toggle_fold", "Fold", show=True),
        Binding("e", "expand_all", "Expand all", show=False),
        Binding("E", "collapse_all", "Collapse all", show=False),
        *[
            Binding(str(depth), f"expand_depth({depth})", f"Depth {depth}", show=False)
            for depth in range(1, 10)
        ],
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "json-tree--key",
        "json-tree--index",
        "json-tree--punct",
        "json-tree--string",
        "json-tree--number",
        "json-tree--bool",
        "json-tree--null",
        "json-tree--summary",
        "json-tree--range",
        "json-tree--guide",
        "json-tree--fold",
        "json-tree--cursor",
        "json-tree--changed",
    }

    DEFAULT_CSS = """
    JsonTreeView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        & > .json-tree--key { color: $json-key; }
        & > .json-tree--index { color: $json-muted; }
        & > .json-tree--punct { color: $json-muted; }
        & > .json-tree--string { color: $json-string; }
        & > .json-tree--number { color: $json-number; }
        & > .json-tree--bool { color: $json-bool; }
        & > .json-tree--null { color: $json-null; text-style: italic; }
        & > .json-tree--summary { color: $json-muted; }
        & > .json-tree--range { color: $text-primary; }
        & > .json-tree--guide { color: $json-guide; }
        & > .json-tree--fold { color: $text-primary; }
        & > .json-tree--changed { background: $warning 25%; text-style: bold; }
        & > .json-tree--cursor {
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .json-tree--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        /* NO_COLOR: no background marks the cursor or a change, so styles do */
        &:nocolor > .json-tree--cursor { text-style: reverse; }
        &:nocolor:focus > .json-tree--cursor { text-style: reverse bold; }
        &:nocolor > .json-tree--changed { text-style: bold underline; }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)

    class CursorMoved(Message):
        """The cursor is on another node (or on none: an empty tree)."""

        def __init__(self, view: JsonTreeView, node: Node | None) -> None:
            super().__init__()
            self.view = view
            self.node = node

    class Notice(Message):
        """Something the status bar should say of the folds (a cap that stopped an expand,
        say); `text` None once the folds changed again: what it said no longer holds."""

        def __init__(self, text: str | None) -> None:
            super().__init__()
            self.text = text

    class NodeChosen(Message):
        """Enter on a leaf: the app shows the whole value."""

        def __init__(self, view: JsonTreeView, node: Node) -> None:
            super().__init__()
            self.view = view
            self.node = node

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.model = FlatTree({})
        self._styles: dict[str, Style] = {}
        self._shown_since_freeze = 0  # rows expands showed since the last freeze
        self._reloads = 0
        self._notice_standing = False  # a Notice about the folds was said, and not taken back
        self._changed_paths: set[tuple[str | int, ...]] = set()
        # Drawn rows, by node, fold state, scroll, width and room for text (less than the
        # width while the scrollbar shows). A key, a scroll or a fold draws mostly
        # rows drawn before (shifted): drawing one again was three quarters of an op's work.
        self._strips: dict[tuple[Node, bool, int, int, int], Strip] = {}

    @property
    def changed(self) -> set[tuple[str | int, ...]]:
        """Paths whose values changed at the last refresh: marked until the next one."""
        return self._changed_paths

    @changed.setter
    def changed(self, paths: set[tuple[str | int, ...]]) -> None:
        self._changed_paths = paths
        self._strips.clear()

    # -- content -------------------------------------------------------------------------------
    def load(self, document: Any) -> None:
        """Show a new document with its first entry open, and that entry's first container.

        For an instance that is `data` and `data.attributes`: the run itself, at a glance.
        """
        self.model.close()
        self.model = FlatTree(document)
        self._strips.clear()
        self._shown_since_freeze = 0  # frozen again below, after the first frame
        rows = self.model.rows
        if rows and self.model.expand(0):
            first_container = next(
                (row for row in range(1, len(rows)) if rows[row].is_container), None
            )
            if first_container is not None and rows[first_container].depth == 1:
                self.model.expand(first_container)
        self.sync_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.cursor_row = 0
        # After the first frame is on screen: the collection costs tens of ms on a big run.
        self.call_after_refresh(_keep_collector_off_the_document)

    def detach(self) -> FlatTree:
        """Hand over the current tree (to keep it for later) and start from an empty one."""
        model = self.model
        model.expansion = None  # an `e` still going stops where it is
        self.model = FlatTree({})
        self.changed = set()
        return model

    def adopt(self, model: FlatTree, cursor_row: int, scroll_y: float) -> None:
        """Show a tree kept from earlier, with its cursor and scroll position."""
        self.model.close()
        self.model = model
        self.changed = set()
        self.sync_size()
        self.scroll_to(0, scroll_y, animate=False, immediate=True)
        self.set_reactive(JsonTreeView.cursor_row, cursor_row)
        self.cursor_row = self.cursor_row  # validate and announce

    def reload(self, document: Any, changed: set[tuple[str | int, ...]]) -> None:
        """Show a newer version of the same document as the user left the old one: the same
        nodes open, the cursor on the same path, the same scroll position; values that
        changed are marked."""
        opened = self.model.open_places()
        cursor = place_of(self.cursor_node) if self.cursor_node is not None else None
        scroll_y = self.scroll_offset.y
        self.model.close()
        self.model = FlatTree(document)
        self.model.reopen(opened)
        self.changed = changed
        self.sync_size()
        node = find_place(self.model, cursor) if cursor is not None else None
        row = self.model.row_of(node) if node is not None else None
        self.scroll_to(0, scroll_y, animate=False, immediate=True)
        self.set_reactive(JsonTreeView.cursor_row, row if row is not None else 0)
        self.cursor_row = self.cursor_row  # announce it, without scrolling away
        self.refresh()
        self._reloads += 1
        if self._reloads % CLEAN_UP_EVERY_RELOADS == 0:
            self._shown_since_freeze = 0
            self.call_after_refresh(_keep_collector_off_the_document)

    @property
    def cursor_node(self) -> Node | None:
        rows = self.model.rows
        return rows[self.cursor_row] if 0 <= self.cursor_row < len(rows) else None

    def sync_size(self) -> None:
        """Size the scrollable area to the rows there are now, and draw them again.

        No horizontal scrolling: rows are cut at the widget's width and long values open in a
        view of their own, so the width never needs measuring across all rows.

        Setting `virtual_size` lays out the whole screen (Textual's reactive asks for it): on
        a busy machine 18 to 27 ms, before the frame of an expand whose own work took 13. A
        new count of rows changes the layout only when it brings or takes away the vertical
        scrollbar (the tree's height is set by CSS), so only then is the screen laid out;
        otherwise the scrollbar and the scroll range are updated here, as the layout would.
        """
        size = Size(self.scrollable_content_region.width, len(self.model.rows))
        old = self.virtual_size
        room = self.container_size.height
        bar_stays = (
            self.styles.overflow_y == "auto"
            and room > 0
            and size.width == old.width
            and (size.height > room) == (old.height > room) == self.show_vertical_scrollbar
        )
        if not bar_stays:
            self.virtual_size = size
        elif size != old:
            self.set_reactive(JsonTreeView.virtual_size, size)
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.window_virtual_size = size.height  # its thumb
            self.scroll_y = self.scroll_y  # validated again: within the new range
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.sync_size()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def redraw_rows(self) -> None:
        """Draw every row again rather than from the rows kept drawn (the keys to hide
        changed)."""
        self._strips.clear()
        self.refresh()

    # -- cursor --------------------------------------------------------------------------------
    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self.model.rows) - 1))

    def watch_cursor_row(self, row: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor_node))

    def _scroll_cursor_into_view(self) -> None:
        self.scroll_to_region(
            Region(0, self.cursor_row, 1, 1), animate=False, force=True, immediate=True
        )

    @frame_first
    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    @frame_first
    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    @frame_first
    def action_first(self) -> None:
        self.cursor_row = 0

    @frame_first
    def action_last(self) -> None:
        self.cursor_row = len(self.model.rows) - 1

    @frame_first
    def action_page_up(self) -> None:
        self.cursor_row -= max(1, self.scrollable_content_region.height - 1)

    @frame_first
    def action_page_down(self) -> None:
        self.cursor_row += max(1, self.scrollable_content_region.height - 1)

    # -- folding -------------------------------------------------------------------------------
    def _changed(self, shown: int = 0) -> None:
        """The folds changed (`shown` rows appeared): take back what was said of the folds
        before, resize and redraw."""
        self._notice(None)
        self.sync_size()
        self.cursor_row = self.cursor_row  # re-validate and announce
        self._shown_since_freeze += shown
        if self._shown_since_freeze >= FREEZE_AFTER_ROWS:
            # That many rows shown built up to as many nodes, which every full collection
            # would walk again. Freezing them is one list splice.
            self._shown_since_freeze = 0
            self.app.call_after_refresh(gc.freeze)

    @frame_first
    def action_expand(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.expanded or not node.is_container:
            self.cursor_row += 1 if node.expanded else 0
            return
        self._changed(self.model.expand(self.cursor_row))

    @frame_first
    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.expanded:
            self.model.collapse(self.cursor_row)
            self._changed()
            return
        parent = self.model.parent_row(self.cursor_row)
        if parent is not None:
            self.cursor_row = parent

    def _notice(self, text: str | None) -> None:
        """Say `text` of the folds, or (None) take back what was said: once the user changes
        the folds again, "stopped at the cap" would describe folds no longer on screen."""
        if text is not None or self._notice_standing:
            self._notice_standing = text is not None
            self.post_message(self.Notice(text))

    @frame_first
    def action_toggle_fold(self) -> None:
        node = self.cursor_node
        if node is not None and (rows := self.model.toggle(self.cursor_row)):
            self._changed(rows if node.expanded else 0)

    @frame_first
    def action_expand_all(self) -> None:
        """`e`: everything under the cursor, nodes built as needed, up to EXPAND_CAP rows;
        in steps, each drawn when done (see EXPAND_STEP_SECONDS)."""
        if self.cursor_node is None or not self.cursor_node.is_container:
            return
        self._expansion_step(Expansion(self.model, self.cursor_row, EXPAND_CAP))

    @frame_first
    def _expansion_step(self, expansion: Expansion) -> None:
        if expansion.tree is not self.model or expansion.done:
            return  # another run is shown now, or another change of the folds stopped it
        cursor = self.cursor_node
        shown = expansion.step(EXPAND_STEP_SECONDS)
        # The cursor may have moved down into what is still opening since the last step:
        # rows went in above it then. It stays on its node, where it was on the screen.
        moved = self.model.row_of(cursor) if shown and cursor is not None else None
        if moved is not None and moved != self.cursor_row:
            self.sync_size()  # the scroll range first
            self.scroll_to(
                y=self.scroll_offset.y + moved - self.cursor_row, animate=False, immediate=True
            )
            self.set_reactive(JsonTreeView.cursor_row, moved)
        self._changed(shown)  # kept off the collector's way too
        if not expansion.done:
            self.call_after_refresh(self._expansion_step, expansion)
        elif expansion.capped:
            self._notice(
                f"expanded {expansion.node.shown:,} rows and stopped there (at most "
                f"{EXPAND_CAP:,} at once): open a range or a child and press e again"
            )

    @frame_first
    def action_collapse_all(self) -> None:
        """`E`: fold everything; the cursor goes to the top-level entry it was under."""
        node = self.cursor_node
        top = node.path[0] if node is not None and node.path else None
        collapse_all(self.model)
        rows = self.model.rows
        self.cursor_row = next((i for i, row in enumerate(rows) if row.key == top), 0)
        self._changed()

    @frame_first
    def action_expand_depth(self, depth: int) -> None:
        """`1`..`9`: show every level down to that depth (1 is the top level)."""
        node = self.cursor_node
        shown, capped = expand_to_depth(self.model, depth, EXPAND_CAP)
        # The cursor stays on its node, or, where that is folded away now, on the nearest
        # of its containers still in view: the user keeps their place.
        row = None
        while node is not None and node.parent is not None and row is None:  # not the root
            row = self.model.row_of(node)
            node = node.parent
        self.cursor_row = row if row is not None else 0
        self._changed(shown)
        if capped:
            self._notice(f"showing {shown:,} rows: depth {depth} would show more than that")

    @frame_first
    def reveal_path(self, path: tuple[str | int, ...]) -> bool:
        """Unfold down to the node at `path` and put the cursor on it; False if not found."""
        row = reveal(self.model, path)
        if row is None:
            return False
        self.sync_size()
        self.cursor_row = row
        return True

    @frame_first
    def action_select(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_container:
            self.action_toggle_fold()
        else:
            self.post_message(self.NodeChosen(self, node))

    def on_click(self, event: events.Click) -> None:
        row = event.y + self.scroll_offset.y
        if not 0 <= row < len(self.model.rows):
            return
        self.cursor_row = row
        node = self.model.rows[row]
        if node.is_container:
            self.action_toggle_fold()
        elif event.chain >= 2:
            self.post_message(self.NodeChosen(self, node))

    # -- drawing -------------------------------------------------------------------------------
    def _style(self, kind: str = "") -> Style:
        """The widget's style with that of a kind of text over it ("": the widget's alone).

        Cached until styles change: `rich_style` walks up the DOM on every call, and once
        per row it was a sixth of a frame's time.
        """
        style = self._styles.get(kind)
        if style is None:
            style = self.rich_style
            if kind:
                style += self._partial(kind)
            self._styles[kind] = style
        return style

    def _partial(self, kind: str) -> Style:
        """A kind's own style, to put over another (the cursor's, a changed value's)."""
        key = f"json-tree--{kind}"
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self.get_component_rich_style(key, partial=True)
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        base = self._style()
        if not 0 <= row < len(self.model.rows):
            return Strip.blank(width, base)
        node = self.model.rows[row]
        if row == self.cursor_row:
            cursor = self._partial("cursor")
            segments = [
                Segment(text, (style or base) + cursor)
                for text, style, _ in self._row_segments(node)
            ]
            return Strip(segments).crop_extend(scroll_x, scroll_x + width, base + cursor)
        key = (node, node.expanded, scroll_x, width, self.scrollable_content_region.width)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= STRIPS_KEPT:
                self._strips.clear()
            strip = Strip(self._row_segments(node)).crop_extend(scroll_x, scroll_x + width, base)
            self._strips[key] = strip
        return strip

    def _row_segments(self, node: Node) -> list[Segment]:
        segments: list[Segment] = []
        depth = node.depth
        if depth > MAX_INDENT_LEVELS:
            segments.append(Segment("│ " * 4 + f"⋯{depth - 4}⋯ ", self._style("guide")))
        elif depth:
            segments.append(Segment("│ " * depth, self._style("guide")))
        if node.is_container:
            segments.append(Segment("▾ " if node.expanded else "▸ ", self._style("fold")))
        else:
            segments.append(Segment("  ", self._style()))
        parts = label_parts(node)
        used = sum(segment.cell_length for segment in segments)
        used += sum(cell_len(part.text) for part in parts[:-1])
        room = self.scrollable_content_region.width - used
        if isinstance(node.value, str) and cell_len(parts[-1].text) > room:
            # Cut long strings to the room left, so the "(N chars)" note stays in view: the
            # quotes, the ellipsis and the note (as long as the length's digits) take the rest.
            note = len(f'"…" ({len(node.value):,} chars)')
            limit = max(8, room - note)
            preview = scalar_preview(node.value, limit)
            # Wide characters (CJK, most emoji) take two cells each: cut further to fit.
            while limit > 8 and cell_len(preview.text) > room:
                limit = max(8, limit - (cell_len(preview.text) - room + 1) // 2)
                preview = scalar_preview(node.value, limit)
            parts[-1] = preview
        changed = self.changed and node.path in self.changed
        for index, part in enumerate(parts):
            style = self._style(part.kind)
            if changed and index == len(parts) - 1:
                style += self._partial("changed")
            segments.append(Segment(part.text, style))
        return segments
