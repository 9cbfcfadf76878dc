"""Several runs open at once: the run left for another one is kept, tree and all, and `o`
(or the palette) switches back to it exactly as it was.

A mixin of the app. At most MAX_KEPT runs are kept; the oldest goes first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from rich.text import Text
from textual.app import App

from wfbrowse.textsafe import escape_controls
from wfbrowse.tui.status_bar import StatusBar

if TYPE_CHECKING:
    from wfbrowse.jsontree import FlatTree
    from wfbrowse.sites import Site
    from wfbrowse.tui.json_tree_view import JsonTreeView
    from wfbrowse.tui.run_view import RunView

MAX_KEPT = 8

Ids = tuple[str, str]


class KeptRun(NamedTuple):  # a NamedTuple: made at start-up (see `wfbrowse.sites.Site`)
    document: Any
    model: FlatTree
    cursor_row: int
    scroll_y: float


def run_label(document: Any, ids: Ids) -> Text:
    from wfbrowse.instance import summarize

    summary = summarize(document)
    label = Text(escape_controls(summary.workflow_name or ids[0]), "bold")
    label.append(f"  {summary.status_label}")
    label.append(f"  {ids[1]}", "dim")
    return label


class OpenRuns(App[None]):
    _kept: dict[Ids, KeptRun]
    _shown_ids: Ids | None

    # Provided by the app and its other parts.
    def _tree(self) -> JsonTreeView | None:
        raise NotImplementedError

    async def _run_view(self) -> RunView:
        raise NotImplementedError

    def _fill(self, workflow_id: str | None, instance_id: str | None, site: Site | None) -> None:
        raise NotImplementedError

    def after_fetch(self, document: Any, ids: Ids, changed: set[Any] | None) -> None:
        raise NotImplementedError

    def forget_search(self) -> None:
        raise NotImplementedError

    def keep_current_run(self, next_ids: Ids) -> None:
        """Before another run is shown, keep the one on screen as it is."""
        self._kept.pop(next_ids, None)  # fetched anew: the fresh copy wins
        current = self._shown_ids
        tree = self._tree()
        if current is None or current == next_ids or tree is None:
            return
        document = tree.model.document
        cursor, scroll = tree.cursor_row, tree.scroll_offset.y
        self._kept[current] = KeptRun(document, tree.detach(), cursor, scroll)
        while len(self._kept) > MAX_KEPT:
            oldest = next(iter(self._kept))
            self._kept.pop(oldest).model.close()

    def action_switch_run(self) -> None:
        """`o`: the other runs open in this session; Enter shows one as it was left."""
        from wfbrowse.tui.choice_screen import ChoiceScreen

        if not self._kept:
            self.query_one(StatusBar).show_info("no other run is open: fetch another one first")
            return
        choices = [
            (run_label(kept.document, ids), f"{ids[0]}/{ids[1]}")
            for ids, kept in reversed(self._kept.items())
        ]
        screen = ChoiceScreen("Open runs, the last one left first", choices)

        async def chosen(key: str | None) -> None:
            if key is not None:
                workflow_id, _, instance_id = key.partition("/")
                await self._switch_to((workflow_id, instance_id))

        self.push_screen(screen, chosen)

    async def _switch_to(self, ids: Ids) -> None:
        kept = self._kept.get(ids)
        if kept is None:
            return
        self.keep_current_run(ids)
        self.forget_search()
        view = await self._run_view()
        view.restore(kept.document, kept.model, kept.cursor_row, kept.scroll_y)
        self._shown_ids = ids
        self._fill(ids[0], ids[1], None)
        self.query_one(StatusBar).show_info(f"back to run {ids[1]}, as you left it")
        self.after_fetch(kept.document, ids, None)
