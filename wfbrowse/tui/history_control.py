"""The runs the user opened before: recorded after every fetch, offered on the empty screen,
and listed on a history screen (key `H` and the palette) that reopens any of them.

A mixin of the app. The history file is read and written in thread workers (it is a file,
and the UI never waits on the disk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import App

from wfbrowse.textsafe import escape_controls
from wfbrowse.tui.status_bar import StatusBar

if TYPE_CHECKING:
    from wfbrowse.history import Visit
    from wfbrowse.launch import LaunchOptions
    from wfbrowse.sites import Site

RECENT_ON_EMPTY_SCREEN = 5


def visit_label(visit: Visit) -> Text:
    label = Text()
    label.append(escape_controls(visit.workflow_name or visit.workflow_id), "bold")
    label.append(f"  {escape_controls(visit.status or '?')}")
    label.append(f"  {visit.opened_at[:16].replace('T', ' ')} UTC", "dim")
    label.append(f"  {visit.site}  {visit.instance_id}", "dim")
    return label


class HistoryControl(App[None]):
    options: LaunchOptions
    site: Site
    profile: str | None
    _recent: list[Visit]

    # Provided by the app.
    def open_visit_ids(self, workflow_id: str, instance_id: str, site: Site | None) -> None:
        raise NotImplementedError

    @work(thread=True, group="history", exit_on_error=False, description="record_run")
    def record_run(self, document: Any) -> None:
        """Remember a fetched run (site, profile, IDs, name, status, time; never keys)."""
        from wfbrowse.history import Visit, record_visit, utc_now_iso
        from wfbrowse.instance import summarize

        if self.options.is_demo:
            return  # the demo's runs are not the user's: they stay out of the history
        summary = summarize(document)
        if summary.workflow_id is None or summary.instance_id is None:
            return
        visit = Visit(
            site=self.site.domain,
            profile=self.profile,
            workflow_id=summary.workflow_id,
            workflow_name=summary.workflow_name,
            instance_id=summary.instance_id,
            status=summary.status_label,
            opened_at=utc_now_iso(),
        )
        warning = record_visit(visit)
        if warning:
            self.call_from_thread(self.query_one(StatusBar).show_warning, warning)

    def action_history(self) -> None:
        self._open_history()

    @work(thread=True, exclusive=True, group="history-screen", exit_on_error=False)
    def _open_history(self) -> None:
        from wfbrowse.history import load_history
        from wfbrowse.tui.choice_screen import ChoiceScreen

        visits, warning = load_history()
        if warning:
            self.call_from_thread(self.query_one(StatusBar).show_warning, warning)
        choices = [(visit_label(visit), str(index)) for index, visit in enumerate(visits)]
        screen = ChoiceScreen(
            "Runs opened before, newest first",
            choices,
            empty="No runs opened yet: they are listed here once fetched.",
        )

        def chosen(index: str | None) -> None:
            if index is not None:
                self._reopen(visits[int(index)])

        self.call_from_thread(self.push_screen, screen, chosen)

    def _reopen(self, visit: Visit) -> None:
        from wfbrowse.sites import SiteError, parse_site

        try:
            site: Site | None = parse_site(visit.site)
        except SiteError:
            site = None
        self.open_visit_ids(visit.workflow_id, visit.instance_id, site)

    @work(thread=True, exclusive=True, group="history-recent", exit_on_error=False)
    def offer_recent(self) -> None:
        """The empty screen lists the last few runs, to reopen with Enter."""
        from wfbrowse.history import load_history

        visits, warning = load_history()
        if warning:
            self.call_from_thread(self.query_one(StatusBar).show_warning, warning)
        if visits:
            self.call_from_thread(self._show_recent, visits[:RECENT_ON_EMPTY_SCREEN])

    def _show_recent(self, visits: list[Visit]) -> None:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        welcome = self.query("#welcome")
        if not welcome or self.query("#recent-runs"):
            return  # a run is already on screen
        self._recent = visits
        options = [Option(visit_label(visit), id=str(i)) for i, visit in enumerate(visits)]
        welcome.first().mount(OptionList(*options, id="recent-runs"))

    def choose_recent(self, index: int) -> None:
        self._reopen(self._recent[index])
