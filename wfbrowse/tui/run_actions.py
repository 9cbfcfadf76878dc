"""What is done with a run on screen: copy any part of it, search it, and the help screen.

A mixin of the app (see keys_control.py for the keys side). Copies go out by OSC 52 at once
and, from a thread, to the tmux buffer and a local clipboard tool (wfbrowse.clipboard);
the status bar says what was copied and how. Searches walk the whole document in a thread:
the first match is shown as soon as it is found, and the count follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.widgets import Input

from wfbrowse.textsafe import escape_controls
from wfbrowse.tui.status_bar import StatusBar

if TYPE_CHECKING:
    from wfbrowse.api import DatadogClient
    from wfbrowse.credentials import Credentials
    from wfbrowse.jsontree import Key, Node
    from wfbrowse.sites import Site
    from wfbrowse.tui.json_tree_view import JsonTreeView


def node_value(node: Node) -> Any:
    """The JSON value a row stands for; a range row stands for its slice."""
    if node.span is None:
        return node.value
    start, stop = node.span
    if isinstance(node.value, list):
        return node.value[start:stop]
    keys = list(node.value)[start:stop]
    return {key: node.value[key] for key in keys}


def value_text(value: Any) -> str:
    """`y`: a string as its raw text, numbers, booleans and null as JSON, the rest pretty."""
    if isinstance(value, str):
        return value
    import json  # on first use: 2.4 ms of start-up otherwise, before anything can be copied

    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return json.dumps(value)


class RunActions(App[None]):
    """Copy, search and help, on the run in view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy_value", "Copy value", show=False),
        Binding("p", "copy_path", "Copy path", show=False),
        Binding("u", "copy_link", "Copy link", show=False),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "previous_match", "Previous match", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("v", "show_raw", "Raw value", show=False),
    ]

    site: Site
    credentials: Credentials | None

    def __init__(self, *, ansi_color: bool | None = None) -> None:
        super().__init__(ansi_color=ansi_color)
        self._matches: list[tuple[Key, ...]] = []
        self._match_index = -1
        self._counting = False
        self._tree_notice: str | None = None  # what the tree last said of its folds

    # -- what is in view -----------------------------------------------------------------------
    def _tree(self) -> JsonTreeView | None:
        from wfbrowse.tui.json_tree_view import JsonTreeView

        trees = self.query(JsonTreeView)
        return trees.first() if trees else None

    def _cursor(self) -> Node | None:
        tree = self._tree()
        return tree.cursor_node if tree is not None else None

    def _document(self) -> Any:
        tree = self._tree()
        return tree.model.document if tree is not None else None

    def _ids(self) -> tuple[str | None, str | None]:
        from wfbrowse.instance import summarize

        summary = summarize(self._document())
        return summary.workflow_id, summary.instance_id

    # -- copying -------------------------------------------------------------------------------
    def copy_text(self, text: str, what: str) -> None:
        """Send `text` to every clipboard route there is, and say so in the status bar.

        Text that holds a key, or a long part of one, is not sent anywhere: the keys in use
        and those typed on a keys screen still open. A key pasted into the wrong field, or a
        run whose output echoes it, stays out of the clipboard.
        """
        from wfbrowse.key_runs import holds_part_of

        if holds_part_of(text, self._keys_known()):
            self.bell()
            self.query_one(StatusBar).show_warning(
                f"not copied: the {what} holds one of your Datadog keys"
            )
            return
        super().copy_to_clipboard(text)  # OSC 52, from the UI thread that owns the terminal
        self._deliver(text, what)

    def _keys_known(self) -> list[str]:
        """The keys no copy or saved file may hold: every key the screen hides (those in use,
        and those used earlier in the session), and those typed on a keys screen still open."""
        from wfbrowse.textsafe import hidden_keys

        keys = [*hidden_keys()]
        if self.credentials is not None:
            keys += [self.credentials.api_key, self.credentials.app_key]
        for screen in self.screen_stack:
            # By type name: importing keys_screen here would load it at start-up.
            keys.extend(field.value for field in screen.query("KeyField").results(Input))
        return keys

    def copy_to_clipboard(self, text: str) -> None:
        """Textual's own copies (Ctrl+C on text selected in a field or in the value view) take
        the same routes as y and p, tmux's buffer included, and say so too. Nothing selected
        copies nothing, rather than empty the user's clipboard."""
        if not text:
            self.query_one(StatusBar).show_warning("nothing selected to copy")
            return
        self.copy_text(text, "selected text")

    @work(thread=True, exclusive=True, group="copy", exit_on_error=False, description="copy")
    def _deliver(self, text: str, what: str) -> None:
        from wfbrowse.clipboard import copy_routes

        delivery = copy_routes(text, osc52=lambda _: None)  # OSC 52 went out already
        size = f"{len(text):,} char{'s' if len(text) != 1 else ''}"
        message = f"copied {what} ({size}) — {delivery.describe()}"
        self.call_from_thread(self.query_one(StatusBar).show_info, message)

    def _copy_node(self, what: str, make: Any) -> None:
        node = self._cursor()
        if node is None:
            self.query_one(StatusBar).show_warning("nothing to copy yet: fetch a run first")
            return
        self.copy_text(make(node), what)

    def action_copy_value(self) -> None:
        self._copy_node("value", lambda node: value_text(node_value(node)))

    def action_copy_value_line(self) -> None:
        def one_line(node: Node) -> str:
            import json

            return json.dumps(node_value(node), ensure_ascii=False, separators=(",", ":"))

        self._copy_node("value on one line", one_line)

    def action_copy_path(self) -> None:
        from wfbrowse.jsontree import jq_path_of

        self._copy_node("path", jq_path_of)

    def action_copy_pointer(self) -> None:
        from wfbrowse.jsonpath import json_pointer

        self._copy_node("JSON pointer", lambda node: json_pointer(node.path))

    def action_copy_key(self) -> None:
        self._copy_node("key", lambda node: str(node.path[-1]) if node.path else "")

    def action_copy_document(self) -> None:
        if self._document() is None:
            self.query_one(StatusBar).show_warning("nothing to copy yet: fetch a run first")
            return
        import json

        text = json.dumps(self._document(), indent=2, ensure_ascii=False)
        self.copy_text(text, "whole document")

    def action_copy_workflow_id(self) -> None:
        self._copy_id(0, "workflow ID")

    def action_copy_instance_id(self) -> None:
        self._copy_id(1, "instance ID")

    def _copy_id(self, which: int, what: str) -> None:
        value = self._ids()[which]
        if value is None:
            self.query_one(StatusBar).show_warning(f"no {what} in the run on screen")
            return
        self.copy_text(value, what)

    def action_copy_link(self) -> None:
        """`u`: the run's web UI link, as the response gives it, else built for the site."""
        from wfbrowse.instance import summarize

        document = self._document()
        if document is None:
            self.query_one(StatusBar).show_warning("nothing to copy yet: fetch a run first")
            return
        summary = summarize(document)
        link = summary.url
        # The response's own link is only taken when it is a plain https link (it is server
        # data on its way to the user's clipboard and then to a browser or a chat).
        if link is None or not link.startswith("https://") or escape_controls(link) != link:
            if summary.workflow_id is None or summary.instance_id is None:
                self.query_one(StatusBar).show_warning("no link: the run has no IDs")
                return
            link = (
                f"{self.site.web_url}/workflow/{summary.workflow_id}?instance={summary.instance_id}"
            )
        self.copy_text(link, "link")

    def action_show_raw(self) -> None:
        """`v`: the whole value under the cursor in a view of its own, where the terminal's
        own selection works when no clipboard route does."""
        from wfbrowse.jsontree import jq_path_of
        from wfbrowse.tui.value_screen import ValueScreen

        node = self._cursor()
        if node is None:
            self.query_one(StatusBar).show_warning("nothing to show yet: fetch a run first")
            return
        self.push_screen(ValueScreen(jq_path_of(node), node_value(node)))

    # -- save and cancel -----------------------------------------------------------------------
    def action_save_run(self) -> None:
        """Save the run on screen as JSON (what `wfbrowse open` reads); never overwrites
        without asking."""
        from wfbrowse.tui.dialogs import PathScreen

        document = self._document()
        if document is None:
            self.query_one(StatusBar).show_warning("nothing to save yet: fetch a run first")
            return
        _, instance_id = self._ids()
        suggestion = f"{instance_id or 'run'}.json"
        screen = PathScreen("Save this run as JSON to (Enter saves, Esc cancels):", suggestion)
        self.push_screen(screen, self._save_to)

    def _save_to(self, name: str | None) -> None:
        from pathlib import Path

        from wfbrowse.tui.dialogs import ConfirmScreen

        if not name:
            return
        path = Path(name).expanduser()
        if path.exists():
            question = Text(f"{escape_controls(str(path))} exists. Replace it?")

            def answered(yes: bool | None) -> None:
                if yes:
                    self._write_run(path, self._document(), self._keys_known())
                else:
                    self.query_one(StatusBar).show_info("not saved: the file is left as it was")

            self.push_screen(ConfirmScreen(question, "Replace", "Keep it"), answered)
            return
        self._write_run(path, self._document(), self._keys_known())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False, description="save")
    def _write_run(self, path: Any, document: Any, keys: list[str]) -> None:
        """Write the run to `path`, unless its text holds one of `keys` (or a long part of
        one), which never reach a file: a run whose step echoed a key is refused, as a copy
        of it is."""
        import json
        import os
        import tempfile

        from wfbrowse.key_runs import holds_part_of

        status = self.query_one(StatusBar)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if holds_part_of(text, keys):
            self.call_from_thread(self.bell)
            self.call_from_thread(
                status.show_warning, "not saved: the run holds one of your Datadog keys"
            )
            return
        folder = path.parent if str(path.parent) else "."
        try:
            # Written beside the target and renamed over it: a failure leaves no half file.
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temp, path)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.call_from_thread(status.show_error, f"not saved: {path}: {reason}")
            return
        size = len(text.encode())
        self.call_from_thread(status.show_info, f"saved to {path} ({size:,} bytes)")

    def action_cancel_run(self) -> None:
        """Cancel the running run on screen, after asking; one PUT, never retried."""
        from wfbrowse.instance import summarize
        from wfbrowse.tui.dialogs import ConfirmScreen

        document = self._document()
        if document is None:
            self.query_one(StatusBar).show_warning("nothing to cancel: fetch a run first")
            return
        summary = summarize(document)
        if not summary.is_running or not summary.workflow_id or not summary.instance_id:
            self.query_one(StatusBar).show_warning(
                f"this run is not running ({summary.status_label}): nothing to cancel"
            )
            return
        name = summary.workflow_name or summary.workflow_id
        question = Text(
            f"Cancel run {summary.instance_id} of “{name}”? It stops the workflow in Datadog."
        )
        workflow_id, instance_id = summary.workflow_id, summary.instance_id

        def answered(yes: bool | None) -> None:
            if yes:
                self._cancel(workflow_id, instance_id)

        self.push_screen(ConfirmScreen(question, "Cancel the run", "Keep it running"), answered)

    @work(exclusive=True, group="cancel", exit_on_error=False)
    async def _cancel(self, workflow_id: str, instance_id: str) -> None:
        from wfbrowse.errors import WfError

        status = self.query_one(StatusBar)
        status.start_busy(f"canceling {instance_id}…")
        try:
            await self._get_client().cancel_instance(workflow_id, instance_id)
        except WfError as error:
            status.stop_busy()
            status.show_error(f"not canceled: {error.one_line()}")
            return
        status.stop_busy()
        status.show_info(f"canceled {instance_id}; refreshing")
        self.refresh_run(workflow_id, instance_id)

    # Provided by the app.
    def _get_client(self) -> DatadogClient:
        raise NotImplementedError

    def refresh_run(self, workflow_id: str, instance_id: str) -> None:
        raise NotImplementedError

    # -- search --------------------------------------------------------------------------------
    async def action_search(self) -> None:
        if self._document() is None:
            self.query_one(StatusBar).show_warning("nothing to search yet: fetch a run first")
            return
        fields = self.query("#search")
        if fields:
            field = fields.first(Input)
        else:
            field = Input(placeholder="search keys and values; /regex/ for a regex", id="search")
            await self.mount(field, before=self.query_one(StatusBar))
        field.display = True
        self.screen.set_focus(field)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        from wfbrowse.jsontree import Query

        try:
            query = Query(event.value)
        except ValueError as error:
            self.query_one(StatusBar).show_error(f"search: {error}")
            return
        if not event.value:
            return
        self._matches = []
        self._match_index = -1
        self._counting = True
        self.query_one(StatusBar).start_busy(f"searching for {event.value!r}…")
        tree = self._tree()
        if tree is not None:
            self.screen.set_focus(tree)
        self._search(query, self._document(), self._matches)

    # Workers that take a document (or a copied value) say what they are: Textual would
    # otherwise describe each by the repr() of its arguments, on the UI thread, which for a
    # 10 MB document is 200 ms of a frozen screen.
    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="search")
    def _search(self, query: Any, document: Any, matches: list[tuple[Key, ...]]) -> None:
        from wfbrowse.jsontree import iter_matches

        for path in iter_matches(document, query):
            matches.append(path)  # shared with the UI thread: n and N use it as it grows
            if len(matches) == 1:
                self.call_from_thread(self._go_to_match, 0)
        self.call_from_thread(self._search_done, matches, query.text)

    def _search_done(self, matches: list[tuple[Key, ...]], text: str) -> None:
        if matches is not self._matches:
            return  # a newer search replaced this one
        self._counting = False
        status = self.query_one(StatusBar)
        status.stop_busy()
        if not matches:
            status.show_warning(f"no match for {text!r}")
        else:
            self._say_match()

    def _go_to_match(self, index: int) -> None:
        tree = self._tree()
        if tree is None or not self._matches:
            return
        self._match_index = index % len(self._matches)
        tree.reveal_path(self._matches[self._match_index])
        self._say_match()

    def _say_match(self) -> None:
        total = f"{len(self._matches):,}" + ("+" if self._counting else "")
        text = f"match {self._match_index + 1:,} of {total} — n next, N previous"
        if self._counting:
            self.query_one(StatusBar).start_busy(text)
        else:
            self.query_one(StatusBar).show_info(text)

    def action_next_match(self) -> None:
        self._step_match(+1)

    def action_previous_match(self) -> None:
        self._step_match(-1)

    def _step_match(self, step: int) -> None:
        if self._matches:
            self._go_to_match(self._match_index + step)
        elif not self._counting:
            self.query_one(StatusBar).show_info("no search on this run: / searches it")

    def forget_search(self) -> None:
        """Another document is on screen: the last search's matches (paths into the one
        before) are dropped, and a search still counting them is left to finish unheard."""
        if self._counting:
            self.query_one(StatusBar).stop_busy()
        self._matches = []
        self._match_index = -1
        self._counting = False

    def close_search(self) -> bool:
        """Esc in the search line: hide it and go back to the tree. True if it was open."""
        fields = self.query("#search")
        if not fields or not fields.first().display:
            return False
        fields.first().display = False
        tree = self._tree()
        if tree is not None:
            self.screen.set_focus(tree)
        return True

    def on_json_tree_view_notice(self, message: JsonTreeView.Notice) -> None:
        status = self.query_one(StatusBar)
        if message.text is not None:
            status.show_warning(message.text)
        elif status.message == self._tree_notice:
            status.clear_message()  # only the tree's own word: a later message stays
        self._tree_notice = message.text

    # -- help ----------------------------------------------------------------------------------
    def action_help(self) -> None:
        from wfbrowse.tui.help_screen import HelpScreen

        self.push_screen(HelpScreen())
