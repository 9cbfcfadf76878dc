"""The wfbrowse application: one screen to fetch a workflow instance and fold through it."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from wfbrowse import __version__
from wfbrowse.collector import let_go
from wfbrowse.sites import Site, UnsupportedSiteError, require_supported
from wfbrowse.textsafe import escape_controls, hide_on_screen
from wfbrowse.tui.commands import WfBrowseCommands
from wfbrowse.tui.history_control import HistoryControl
from wfbrowse.tui.keys_control import KeysControl
from wfbrowse.tui.open_runs import KeptRun, OpenRuns
from wfbrowse.tui.run_actions import RunActions
from wfbrowse.tui.site_picker import SitePicker
from wfbrowse.tui.status_bar import StatusBar
from wfbrowse.tui.theme_control import ThemeControl
from wfbrowse.tui.themes import tones
from wfbrowse.tui.watch_control import WatchControl

# Start-up imports only what the first frame shows. The tree and everything behind it
# (jsontree, jsonpath, instance) load with the first run, the HTTP client with the first
# request, the demo picker in demo mode only.
if TYPE_CHECKING:
    from textual.widgets import OptionList

    from wfbrowse.api import ApiResult, DatadogClient
    from wfbrowse.credentials import Credentials
    from wfbrowse.keystore import KeyStore
    from wfbrowse.launch import DemoEntry, LaunchOptions
    from wfbrowse.targets import Target
    from wfbrowse.tui.run_view import RunView
    from wfbrowse.tui.runs_screen import RunsScreen


class FetchButton(Static):
    """A clickable label for the fetch action (Enter in a field and Ctrl+R do the same);
    lighter at start-up than a full Button."""

    DEFAULT_CSS = """
    FetchButton {
        width: auto;
        padding: 0 1;
        background: $primary;
        color: $text;
        text-style: bold;
        &:hover { background: $primary-lighten-1; }
    }
    """

    async def on_click(self) -> None:
        await self.app.run_action("fetch")


def _is_run(document: dict[str, Any], instance_id: str) -> bool:
    """Whether an answer is the run asked for: a run's attributes, under its own ID (when it
    gives one). A refresh that answers anything else must not replace the run on screen."""
    from wfbrowse.instance import dig

    if not isinstance(dig(document, "data", "attributes"), dict):
        return False
    return dig(document, "data", "id") in (None, instance_id)


def _demo_option(run: DemoEntry) -> Text:
    """A demo run for the picker: what it shows, then the IDs to type or paste."""
    text = Text()
    text.append(run.label, "bold")
    text.append(f"  {run.description}\n")
    text.append(f"  {run.workflow_id} {run.instance_id}", "dim")
    return text


class WfBrowseApp(KeysControl, RunActions, HistoryControl, WatchControl, OpenRuns, ThemeControl):
    """Fetch a Datadog workflow instance and browse its JSON as a tree."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "wfbrowse"
    COMMANDS = App.COMMANDS | {WfBrowseCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "fetch", "Fetch", priority=True),
        Binding("escape", "escape", "Cancel", show=False),
        Binding("ctrl+o", "focus_ids", "IDs"),
        Binding("ctrl+t", "focus_tree", "Tree", show=False),
        Binding("ctrl+s", "choose_site", "Site", show=False),
        Binding("ctrl+k", "keys", "Keys"),
        Binding("f2", "profiles", "Profile", show=False),
        Binding("b", "runs", "Runs", show=False),
        Binding("H", "history", "History", show=False),
        Binding("w", "toggle_watch", "Watch", show=False),
        Binding("o", "switch_run", "Open runs", show=False),
    ]

    def __init__(self, options: LaunchOptions, *, document: dict[str, Any] | None = None) -> None:
        """`document`: a saved instance to show at once (`wfbrowse open FILE`): no network,
        no keys needed."""
        # NO_COLOR (no-color.org: set and not empty) strips every colour, leaving bold,
        # reverse and underline to mark the cursor and states. Textual alone would also turn
        # on for an empty value, and would paint in greys rather than drop colour.
        no_color = bool(os.environ.get("NO_COLOR"))
        if not no_color:
            os.environ.pop("NO_COLOR", None)
        super().__init__(ansi_color=True if no_color else None)
        self.options = options
        self._theme_message = self.start_theme(self.register_wfbrowse_themes())
        self._opened_document = document
        self.site: Site = options.site
        # Keys can change while the app runs (keys screen, profile switch); the launch
        # options keep what the command line resolved.
        self.credentials: Credentials | None = options.credentials
        if self.credentials is not None:
            hide_on_screen((self.credentials.api_key, self.credentials.app_key))
        self.profile: str | None = options.profile
        self.keyring_problem: str | None = options.keyring_problem
        self._client: DatadogClient | None = None
        self._client_base: str | None = None
        self._keystore: KeyStore | None = None
        self._runs_screen: RunsScreen | None = None
        self._kept: dict[tuple[str, str], KeptRun] = {}
        self._shown_ids: tuple[str, str] | None = None
        self._open_runs_after_keys = False
        self._filling = False  # set while the app itself writes into the ID fields
        self._bad_field: tuple[str | None, str] | None = None  # (field id, value) in error

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        with Horizontal(id="query"):
            yield SitePicker(self.site, id="site")
            yield Input(
                value=self.options.workflow_id or "",
                placeholder="workflow ID or Datadog link",
                id="workflow",
                compact=True,
            )
            yield Input(
                value=self.options.instance_id or "",
                placeholder="instance ID",
                id="instance",
                compact=True,
            )
            yield FetchButton("Fetch ⏎", id="fetch")
        yield Static(id="field-error")
        with Vertical(id="body"):
            if self._opened_document is not None:
                # A saved run is the first thing shown: no welcome screen drawn, then replaced.
                from wfbrowse.tui.run_view import RunView

                yield RunView(id="run")
            else:
                with Vertical(id="welcome"):
                    yield Static(self._welcome_text(), id="welcome-text")
                    if self.options.is_demo:
                        yield self._demo_picker()
        yield StatusBar(id="status")

    def _demo_picker(self) -> OptionList:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        options = [
            Option(_demo_option(run), id=str(index))
            for index, run in enumerate(self.options.demo_runs)
        ]
        return OptionList(*options, id="demo-runs")

    def _welcome_text(self) -> Text:
        text = Text()
        text.append(f"wfbrowse {__version__}\n", style="bold")
        text.append(
            # One paragraph, wrapped to the pane's width (a narrow tmux pane included).
            "Paste a Datadog workflow link (…/workflow/<id>?instance=<id>) or an API URL into "
            "either field, or type the workflow and instance IDs, then press Enter.\n"
        )
        if self.options.is_demo:
            text.append(
                "\nDemo mode: a built-in server on 127.0.0.1 answers like Datadog. "
                "No keys, no network.\n"
                "Pick a run below (Enter), or type or paste its IDs into the fields.",
                style="italic",
            )
        elif self.credentials is None:
            text.append(
                "\nNo keys yet: paste them on the keys screen (Ctrl+K), which keeps them in "
                "the OS keyring, or set DD_API_KEY and DD_APP_KEY.\n",
                style=tones(self).warning(bold=True),
            )
        else:
            text.append(f"\nKeys: {self.credentials.source}.\n", style="dim")
        return text

    # Actions on the main screen's fields, tree and search line. The runs list is a screen of
    # its own over the main one, and the app's keys reach it too: there these would move the
    # focus to widgets out of sight (and leave the list deaf to its keys), act on a run it
    # does not show, or stack another list or history over it. (Modal screens hold the app's
    # keys back already; the palette leaves these out there too, see commands.py.)
    _MAIN_SCREEN_ACTIONS = frozenset(
        {
            "fetch",
            "runs",
            "history",
            "profiles",
            "focus_ids",
            "focus_tree",
            "choose_site",
            "toggle_watch",
            "switch_run",
            "search",
            "next_match",
            "previous_match",
            "copy_value",
            "copy_path",
            "copy_link",
            "show_raw",
        }
    )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False: neither run nor offered in the footer.
        return action not in self._MAIN_SCREEN_ACTIONS or self.screen is self.screen_stack[0]

    def on_ready(self) -> None:
        # Textual posts Ready once the screen's first layout is drawn: the first frame is out.
        let_go()  # the cycle collector, held while the app started

    def on_mount(self) -> None:
        status = self.query_one(StatusBar)
        status.site = self._site_description()
        status.keys = self._keys_description()
        if self._theme_message:
            status.show_warning(self._theme_message)
        # The footer (and its CSS) can wait until the first frame is on screen.
        self.call_after_refresh(self._mount_footer)
        if self._opened_document is not None:
            self.call_later(self._show_opened_document)  # before the first frame
            return  # a saved run needs neither keys nor the network
        if self.options.fetch_at_start and not self.options.read_keyring:
            self.action_fetch()
        elif self.options.workflow_id and not self.options.instance_id:
            if self.options.read_keyring:
                self._open_runs_after_keys = True
            else:
                self.call_after_refresh(self.open_runs, self.options.workflow_id)
        elif self.options.is_demo:
            self._focus("#demo-runs")
        else:
            self._focus("#workflow")
            self.call_after_refresh(self.offer_recent)
        if self.options.read_keyring and self.profile:
            # After the first frame: loading keyring takes CPU time, and a thread holding
            # the interpreter would hold that frame back.
            self.call_after_refresh(self._read_profile_keys, self.profile)
        elif self.credentials is None and not self.options.is_demo:
            self._ask_for_keys()

    async def _mount_footer(self) -> None:
        from textual.widget import MountError

        from wfbrowse.tui.key_hints import KeyHints

        # MountError: the app closed before its first frame settled, nothing left to show.
        with contextlib.suppress(MountError):
            await self.mount(KeyHints())
            self.screen.refresh(layout=True)

    def _fatal_error(self) -> None:
        """Replace Textual's crash report, a traceback with local variables (which can hold
        request headers, and so keys), by one line naming the error's type and place."""
        error = sys.exc_info()[1] or self._exception
        where = ""
        if error is not None and error.__traceback__ is not None:
            frame = traceback.extract_tb(error.__traceback__)[-1]
            where = f" at {Path(frame.filename).name}:{frame.lineno}"
        name = type(error).__name__ if error is not None else "error"
        self.bell()
        line = f"wfbrowse: internal error ({name}{where}); please report it"
        self._exit_renderables.append(Text(line, no_wrap=True, overflow="ignore"))
        self._close_messages_no_wait()

    def keys_changed(self) -> None:
        from wfbrowse.tui.run_view import RunView

        for welcome in self.query("#welcome-text"):
            welcome.update(self._welcome_text())  # type: ignore[attr-defined]
        for run in self.query(RunView):
            run.redraw_server_text()

    def _site_description(self) -> str:
        if self.options.is_demo:
            return f"demo ({self.options.api_url})"
        if self.options.api_url:
            return f"{self.site.name} via {self.options.api_url}"
        return f"{self.site.name} {self.site.domain}"

    # -- ID fields -----------------------------------------------------------------------------
    def _field_error(self, text: str = "", field: Input | None = None) -> None:
        """Show (or clear) the inline message about what is wrong with an ID field."""
        self._bad_field = (field.id, field.value) if field is not None and text else None
        self.query_one("#field-error", Static).update(
            Text(escape_controls(text), style=tones(self).error())
        )
        self.query_one("#field-error").display = bool(text)

    @on(Input.Changed, "#workflow, #instance")
    def _on_id_changed(self, event: Input.Changed) -> None:
        """A whole run link pasted (or typed) into either field fills both IDs and fetches.

        A link naming only a workflow is left alone here, since it may be half typed; Enter
        reads it (see `_read_ids`).
        """
        if self._filling:
            return
        bad = self._bad_field
        if bad is not None and bad[0] == event.input.id and bad[1] != event.value:
            self._field_error()  # the user is mending what the message was about
        target = self._link_in(event.input)
        if target is not None and target.workflow_id and target.instance_id:
            self._fill(target.workflow_id, target.instance_id, target.site)
            self.action_fetch()

    def _link_in(self, field: Input) -> Target | None:
        """What a field holding a link (or two IDs) points at; None for a plain or bad value."""
        from wfbrowse.targets import TargetError, looks_like_link, parse_field

        value = field.value
        if not looks_like_link(value) and len(value.split()) < 2:
            return None
        what = "workflow ID" if field.id == "workflow" else "instance ID"
        try:
            return parse_field(value, what)
        except TargetError:
            return None

    def _fill(self, workflow_id: str | None, instance_id: str | None, site: Site | None) -> None:
        self._filling = True
        try:
            # Each field shows the start of its ID, the part people recognise (the cursor
            # would otherwise sit at the end, scrolling the start out of a narrow field).
            # IDs can come from the server (a run list, a run's own IDs) and Input draws its
            # value raw: escaped, a hostile "ID" is shown, then refused as not a UUID.
            for selector, value in (("#workflow", workflow_id), ("#instance", instance_id)):
                if value:
                    field = self.query_one(selector, Input)
                    field.value = escape_controls(value)
                    field.cursor_position = 0
            if site is not None:
                self.query_one(SitePicker).site = site
        finally:
            self._filling = False

    @on(Input.Submitted, "#workflow, #instance")
    def _on_submit(self) -> None:
        self.action_fetch()

    @on(Input.Blurred, "#workflow, #instance")
    def _show_id_start(self, event: Input.Blurred) -> None:
        """A field left shows the start of its ID again, as `_fill` leaves it: going into a
        field selects all of it, which puts the cursor at the end and, in a field narrower
        than an ID, scrolls the start out of view for good.

        Not when the whole terminal lost focus (another tmux pane, another window): Textual
        takes focus away then and gives it back after, and the user goes on typing where
        they were."""
        if self.app_focus:
            event.input.cursor_position = 0

    @on(SitePicker.Changed)
    def _on_site_changed(self, event: SitePicker.Changed) -> None:
        if event.site != self.site:
            self._set_site(event.site)

    def _set_site(self, site: Site) -> None:
        self.site = site
        status = self.query_one(StatusBar)
        status.site = self._site_description()
        try:
            require_supported(site)
        except UnsupportedSiteError as error:
            status.show_error(str(error))
        else:
            status.clear_message()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "recent-runs":
            self.choose_recent(int(event.option.id or 0))
            return
        if event.option_list.id != "demo-runs":
            return
        run = self.options.demo_runs[int(event.option.id or 0)]
        self._fill(run.workflow_id, run.instance_id, None)
        self.action_fetch()

    # -- fetching ------------------------------------------------------------------------------
    def _read_ids(self) -> tuple[str, str] | None:
        """The two IDs from the fields, or None after saying what is wrong with them."""
        from wfbrowse.targets import TargetError, parse_uuid

        fields = (("#workflow", "workflow ID"), ("#instance", "instance ID"))
        for selector, _ in fields:
            target = self._link_in(self.query_one(selector, Input))
            if target is not None:
                self._fill(target.workflow_id, target.instance_id, target.site)
        ids: list[str] = []
        for selector, what in fields:
            field = self.query_one(selector, Input)
            if selector == "#instance" and not field.value.strip() and ids:
                # A workflow without a run: its runs are what the user wants to see.
                self._field_error()
                self.open_runs(ids[0])
                return None
            try:
                ids.append(parse_uuid(field.value, what))
            except TargetError as error:
                self._field_error(str(error), field)
                self._focus(selector)
                return None
        self._field_error()
        return ids[0], ids[1]

    # -- a workflow's runs ---------------------------------------------------------------------
    def open_runs(self, workflow_id: str) -> None:
        """The runs list of a workflow; the same list (and place in it) when it is shown again."""
        from wfbrowse.tui.runs_screen import RunsScreen

        try:
            require_supported(self.site)
        except UnsupportedSiteError as error:
            self.query_one(StatusBar).show_error(str(error))
            return
        current = self._runs_screen
        client = self._get_client()  # another site or API URL means another client
        if current is None or current.workflow_id != workflow_id or current.client is not client:
            if current is not None:
                self.uninstall_screen(current)
            current = RunsScreen(workflow_id, client)
            self.install_screen(current, name="runs")
            self._runs_screen = current
        self.push_screen("runs")

    def action_runs(self) -> None:
        """`b`: back to the list of the workflow's runs."""
        from wfbrowse.instance import summarize

        workflow_id = summarize(self._document()).workflow_id
        if workflow_id is None:
            field = self.query_one("#workflow", Input).value.strip()
            workflow_id = field or None
        if workflow_id is None:
            self.query_one(StatusBar).show_warning("no workflow yet: paste its ID or a link")
            return
        self.open_runs(workflow_id)

    def open_visit_ids(self, workflow_id: str, instance_id: str, site: Site | None) -> None:
        """Reopen a run from the history: its IDs in the fields, its site, and fetch."""
        self._fill(workflow_id, instance_id, site)
        self.action_fetch()

    def on_runs_screen_run_chosen(self, message: RunsScreen.RunChosen) -> None:
        self.pop_screen()
        self._fill(message.workflow_id, message.instance_id, None)
        self.action_fetch()

    def action_fetch(self) -> None:
        ids = self._read_ids()
        if ids is None:
            return
        try:
            require_supported(self.site)
        except UnsupportedSiteError as error:
            self.query_one(StatusBar).show_error(str(error))
            return
        self._fetch(*ids)

    def _get_client(self) -> DatadogClient:
        from wfbrowse.api import DatadogClient  # httpx loads on the first fetch, not at start

        base = self.options.api_url or self.site.api_url
        if self._client is None or self._client_base != base:
            if self._client is not None:
                old = self._client
                self.call_later(old.aclose)
            self._client = DatadogClient(base, self.credentials, deadline=self.options.timeout)
            self._client_base = base
        return self._client

    def refresh_run(self, workflow_id: str, instance_id: str) -> None:
        self._fetch(workflow_id, instance_id)

    def refresh_watched(self, workflow_id: str, instance_id: str) -> None:
        self._fetch(workflow_id, instance_id, quiet=True)

    @work(exclusive=True, group="fetch", exit_on_error=False)
    async def _fetch(self, workflow_id: str, instance_id: str, *, quiet: bool = False) -> None:
        """Fetch a run; `quiet` for the live watch's refreshes (no spinner, no focus move).

        Whenever no answer is shown (a failure, an answer that is not the watched run, Esc),
        the run left on screen goes on being watched if it is still running: a user's fetch
        stopped its watch, and a refresh that fails must not end it either.
        """
        from textual.worker import get_current_worker

        from wfbrowse.errors import InvalidResponse, WfError

        status = self.query_one(StatusBar)
        if quiet:
            self._watch_refresh = get_current_worker()  # Esc leaves it be (action_escape)
        else:
            self.stop_watch()  # a fetch asked for by the user replaces the watch's plan
            status.start_busy(f"fetching {instance_id} … (Esc cancels)")
        client = self._get_client()
        shown = False
        try:
            result = await client.get_instance(workflow_id, instance_id)
            if quiet and self._shown_ids != (workflow_id, instance_id):
                return  # the user switched to another run meanwhile (o): not this one's turn
            if quiet and not _is_run(result.data, instance_id):
                raise InvalidResponse(
                    f"refresh ignored: the answer is not run {instance_id}",
                    "the run on screen is kept; the watch tries again",
                )
        except WfError as error:
            status.rate_limit = client.last_rate_limit or status.rate_limit
            if error.status is not None:
                status.last_request = f"HTTP {error.status}"
            status.show_error(error.one_line())
            self._refresh_failing = quiet
        except Exception as error:  # a bug, not a network or server failure
            # Only the type: the message of an unexpected error is not known to be key-free.
            status.show_error(
                f"unexpected {type(error).__name__} while fetching — please report it; "
                "the previous run stays on screen"
            )
        else:
            await self._show_result(result, (workflow_id, instance_id), quiet=quiet)
            shown = True
        finally:
            if not quiet:
                status.stop_busy()
            if not shown and not self._another_fetch_started():
                self.watch_failed()

    _watch_refresh: object = None  # the worker of the live watch's refresh in flight, if any
    _refresh_failing = False  # the status bar shows why the watch's last refresh failed

    def _another_fetch_started(self) -> bool:
        """Whether a fetch newer than this one is under way (it replaced this one, and plans
        the watch itself once it ends)."""
        from textual.worker import WorkerState, get_current_worker

        current = get_current_worker()
        return any(
            worker is not current
            and worker.group == "fetch"
            and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for worker in self.workers
        )

    async def _show_result(
        self, result: ApiResult, ids: tuple[str, str], *, quiet: bool = False
    ) -> None:
        status = self.query_one(StatusBar)
        status.record_request(result.status, result.elapsed_ms, result.size)
        status.rate_limit = result.rate_limit or status.rate_limit
        changed = self.changes_since_last(result.data, ids)
        if changed is None:
            # Another run: the matches are paths into the one before. (A refresh of the same
            # run keeps them: a watched run changes at almost every refresh, and its matches
            # mostly stay where they were; one no longer there is not revealed.)
            self.forget_search()
        self.keep_current_run(ids)
        view = await self._run_view()
        view.show(result.data, changed)
        self._shown_ids = ids
        if not quiet:
            self._focus("#tree")
            status.show_info(f"loaded instance {ids[1]}")
            self.record_run(result.data)
        elif changed:
            status.show_info(f"refreshed: {len(changed):,} value(s) changed, marked")
        elif self._refresh_failing:
            status.show_info("refreshed again: no change since the last answer")  # not the error
        self._refresh_failing = False
        self.after_fetch(result.data, ids, changed)

    async def _show_opened_document(self) -> None:
        assert self._opened_document is not None
        view = await self._run_view()
        view.show(self._opened_document)
        self._focus("#tree")
        self.query_one(StatusBar).show_info("showing a saved run: no network, no keys")

    async def _run_view(self) -> RunView:
        """The view of the run, put in place of the welcome text the first time."""
        from wfbrowse.tui.run_view import RunView

        views = self.query(RunView)
        if views:
            return views.first()
        view = RunView(id="run")
        await self.query_one("#body").mount(view)
        await self.query("#welcome").remove()
        return view

    def action_escape(self) -> None:
        # The user's fetch, not the live watch's refresh: Esc would end the watch with it.
        running = [
            worker
            for worker in self.workers
            if worker.group == "fetch" and worker.is_running and worker is not self._watch_refresh
        ]
        if running:  # first: the status bar says "(Esc cancels)" while it runs
            for worker in running:
                worker.cancel()
            status = self.query_one(StatusBar)
            status.stop_busy()
            status.show_warning("fetch canceled")
        elif self.close_search():
            return
        elif isinstance(self.focused, Input):
            self.action_focus_tree()

    def _focus(self, selector: str) -> None:
        # Synchronous, unlike Widget.focus(): keys typed right after this one must already
        # reach the new widget (a paste straight after Ctrl+O, say).
        self.screen.set_focus(self.query_one(selector))

    def action_focus_ids(self) -> None:
        self._focus("#workflow")

    def action_focus_tree(self) -> None:
        if self.query("#tree"):
            self._focus("#tree")
        elif self.options.is_demo:
            self._focus("#demo-runs")

    def action_choose_site(self) -> None:
        self._focus("#site")
        self.query_one(SitePicker).action_open()

    async def on_unmount(self) -> None:
        if self._client is not None:
            await self._client.aclose()
