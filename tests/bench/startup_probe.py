"""Where start-up time goes: the real app (or the bare one) with timestamps at each phase.

    python tests/bench/startup_probe.py STAMPS bare
    python tests/bench/startup_probe.py STAMPS wfbrowse [ARGS...]   (as `wfbrowse ARGS...`)

Nothing in wfbrowse/ is changed: this script wraps a few methods at run time (App.__init__,
compose, on_mount, the stylesheet's parse and apply, and `App._display`, which writes each
frame to the terminal), then starts the app as the command line would. Each phase appends
`label wall-clock-time` to STAMPS; the app exits a moment after the frame the bench waits
for (the first frame; with `open FILE`, the first one after the tree is shown).

With `-X importtime`, a line `PROBE first-frame` is written to the C-level stderr right after
that frame, so the import log can be cut there.
"""

from __future__ import annotations

import functools
import os
import sys
import time

_T0 = time.time()
_STAMPS = open(sys.argv[1], "a", buffering=1)  # noqa: SIM115 - kept open to the end

if os.environ.get("PROBE_IMPORT_LOG"):
    # `-X importtime` writes to the C-level stderr, where Textual draws too: send the import
    # log to a file and hand Textual the terminal on another descriptor.
    _terminal = os.dup(2)
    _log = os.open(os.environ["PROBE_IMPORT_LOG"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(_log, 2)
    os.close(_log)
    sys.stderr = sys.__stderr__ = open(  # noqa: SIM115
        _terminal, "w", encoding="utf-8", errors="surrogateescape", buffering=1
    )


def stamp(label: str, when: float | None = None) -> None:
    _STAMPS.write(f"{label} {time.time() if when is None else when:.6f}\n")


def _wrap_timed(owner: type, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def timed(self: object, *args: object, **kwargs: object) -> object:
        start = time.time()
        try:
            return original(self, *args, **kwargs)
        finally:
            stamp(f"{label}.start", start)
            stamp(f"{label}.end")

    setattr(owner, name, timed)


def _wrap_timed_async(owner: type, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    async def timed(self: object, *args: object, **kwargs: object) -> object:
        start = time.time()
        try:
            return await original(self, *args, **kwargs)
        finally:
            stamp(f"{label}.start", start)
            stamp(f"{label}.end")

    setattr(owner, name, timed)


def _wrap_compose(owner: type, label: str) -> None:
    original = owner.compose  # type: ignore[attr-defined]

    def compose(self: object):  # type: ignore[no-untyped-def]
        start = time.time()
        yield from original(self)
        stamp(f"{label}.start", start)
        stamp(f"{label}.end")

    owner.compose = compose  # type: ignore[attr-defined]


_PROFILE = None


def _start_profile() -> None:
    """PROBE_CPROFILE=FILE: profile from the app's __init__ to the frame waited for."""
    global _PROFILE
    if os.environ.get("PROBE_CPROFILE") and _PROFILE is None:
        import cProfile

        _PROFILE = cProfile.Profile()
        _PROFILE.enable()


def _stop_profile() -> None:
    if _PROFILE is not None:
        _PROFILE.disable()
        _PROFILE.dump_stats(os.environ["PROBE_CPROFILE"])


def instrument(app_class: type, *, wait_for_tree: bool) -> None:
    from textual.app import App
    from textual.css.stylesheet import Stylesheet

    init = app_class.__init__

    @functools.wraps(init)
    def profiled_init(self: object, *args: object, **kwargs: object) -> None:
        _start_profile()
        init(self, *args, **kwargs)

    app_class.__init__ = profiled_init  # type: ignore[misc]
    _wrap_timed(app_class, "__init__", "app.__init__")
    _wrap_compose(app_class, "app.compose")
    if hasattr(app_class, "on_mount"):
        _wrap_timed(app_class, "on_mount", "app.on_mount")
    _wrap_timed(Stylesheet, "read_all", "css.read_all")
    _wrap_timed(Stylesheet, "parse", "css.parse")
    _wrap_timed(Stylesheet, "reparse", "css.reparse")
    if wait_for_tree:
        _wrap_timed_async(app_class, "_show_opened_document", "app.show_document")

    display = App._display
    state = {"frames": 0, "done": False}

    def _display(self: App[object], screen: object, renderable: object) -> None:
        display(self, screen, renderable)  # type: ignore[arg-type]
        if renderable is None or self._batch_count or not self._running:
            return
        state["frames"] += 1
        stamp(f"frame{state['frames']}")
        if state["done"]:
            return
        if wait_for_tree and not getattr(self, "_probe_tree_shown", False):
            return
        state["done"] = True
        _stop_profile()
        os.write(2, b"PROBE first-frame\n")
        stamp("target-frame")
        self.set_timer(0.3, self.exit)

    App._display = _display  # type: ignore[method-assign]
    if wait_for_tree:
        shown = app_class._show_opened_document  # type: ignore[attr-defined]

        async def show(self: object) -> None:
            await shown(self)
            self._probe_tree_shown = True  # type: ignore[attr-defined]

        app_class._show_opened_document = show  # type: ignore[attr-defined]


def _watch_collector() -> None:
    """Stamp every collection that takes 2 ms or more (`gcN`: generation N): a collection of
    a generation holding a big document walks all of it."""
    import gc

    started: list[float] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.time())
        elif started:
            begin = started.pop()
            if time.time() - begin >= 0.002:
                stamp(f"gc{info['generation']}.start", begin)
                stamp(f"gc{info['generation']}.end")

    gc.callbacks.append(callback)


def main() -> int:
    stamp("interpreter", _T0)
    _watch_collector()
    which, args = sys.argv[2], sys.argv[3:]
    if which == "bare":
        start = time.time()
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from bare_app import BareApp  # type: ignore[import-not-found]

        stamp("imports.start", start)
        stamp("imports.end")
        instrument(BareApp, wait_for_tree=False)
        BareApp().run()
        stamp("exit")
        return 0
    start = time.time()
    from wfbrowse import cli

    stamp("import-cli.start", start)
    stamp("import-cli.end")
    # What `run_app` imports, timed on its own. (`wfbrowse open` imports it while the loader
    # checks a big document in a child process; here, with nothing left to import meanwhile,
    # "reading the file" includes waiting for those checks.)
    start = time.time()
    from wfbrowse.tui.app import WfBrowseApp

    stamp("imports.start", start)
    stamp("imports.end")
    instrument(WfBrowseApp, wait_for_tree=args[:1] == ["open"])
    if args[:1] == ["open"]:
        from wfbrowse import scripting

        # A module function: the module stands in for the owner, the path for `self`.
        _wrap_timed(scripting, "load_saved_instance", "open.load_file")  # type: ignore[arg-type]
    code = cli.main(args)
    stamp("exit")
    return code


if __name__ == "__main__":
    sys.exit(main())
