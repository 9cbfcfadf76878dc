"""Command palette entries: every app action, and one entry per profile to switch to."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from wfbrowse.tui.app import WfBrowseApp

Command = tuple[str, Callable[[], object], str]

_ANYWHERE = frozenset({"Keys…", "Help: keys and clipboard"})  # the rest: the main screen's


class WfBrowseCommands(Provider):
    async def startup(self) -> None:
        from wfbrowse.settings import load_config

        # Read once per opening of the palette, off the UI thread (it is a file).
        config, _ = await asyncio.to_thread(load_config)
        self._profiles = list(config.profiles)

    def _commands(self) -> list[Command]:
        app: WfBrowseApp = self.app  # type: ignore[assignment]
        commands: list[Command] = [
            ("Fetch the run", app.action_fetch, "fetch the workflow and instance in the fields"),
            ("Keys…", app.action_keys, "paste, save, test or delete Datadog keys"),
            ("Switch profile…", app.action_profiles, "pick another saved profile"),
            ("Choose site…", app.action_choose_site, "the Datadog site the keys belong to"),
            ("Go to the ID fields", app.action_focus_ids, "type or paste a run link or IDs"),
            ("Copy value", app.action_copy_value, "y: the value under the cursor"),
            ("Copy path (jq)", app.action_copy_path, 'p: e.g. .data.attributes["weird.key"]'),
            ("Copy run link", app.action_copy_link, "u: the run's web UI link"),
            ("Copy key", app.action_copy_key, "the key (or index) under the cursor"),
            ("Copy JSON pointer", app.action_copy_pointer, "e.g. /data/attributes/outputs"),
            ("Copy value on one line", app.action_copy_value_line, "compact JSON"),
            ("Copy whole document", app.action_copy_document, "the response, pretty JSON"),
            ("Copy workflow ID", app.action_copy_workflow_id, "of the run on screen"),
            ("Copy instance ID", app.action_copy_instance_id, "of the run on screen"),
            (
                "Show raw value",
                app.action_show_raw,
                "v: the whole value, for the terminal's selection",
            ),
            ("Search", app.action_search, "/: keys and values; /regex/ for a regex"),
            ("Next match", app.action_next_match, "n"),
            ("Previous match", app.action_previous_match, "N"),
            ("Expand everything under the cursor", self._tree_action("expand_all"), "e"),
            ("Collapse everything", self._tree_action("collapse_all"), "E"),
            ("Help: keys and clipboard", app.action_help, "?"),
        ]
        for name in getattr(self, "_profiles", []):
            commands.append(
                (f"Use profile: {name}", partial(app.switch_profile, name), "its keys and site")
            )
        if self.screen is not app.screen_stack[0]:
            # Opened over the runs list (or the keys screen): the rest act on the main
            # screen's fields and tree, out of sight (its keys are held back there too).
            commands = [command for command in commands if command[0] in _ANYWHERE]
        return commands

    def _tree_action(self, name: str) -> Callable[[], object]:
        def run() -> object:
            from wfbrowse.tui.json_tree_view import JsonTreeView

            for tree in self.app.query(JsonTreeView):
                return getattr(tree, f"action_{name}")()
            return None

        return run

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            # Text, not str: a profile name is the user's text, never markup.
            yield DiscoveryHit(Text(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                # Matcher.highlight reads its argument as markup: a name with brackets or
                # backslashes (a profile's, say) is shown plainly instead.
                plain = "[" in name or "\\" in name
                display = Text(name) if plain else matcher.highlight(name)
                yield Hit(score, display, callback, text=name, help=help_text)
