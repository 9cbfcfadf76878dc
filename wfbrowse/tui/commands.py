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
        ]
        for name in getattr(self, "_profiles", []):
            commands.append(
                (f"Use profile: {name}", partial(app.switch_profile, name), "its keys and site")
            )
        return commands

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
