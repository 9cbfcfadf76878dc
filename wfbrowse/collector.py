"""The cycle collector while the app starts: held off until its first frame, then let go.

Start-up makes a great many long-lived objects (Textual's and wfbrowse's modules, classes,
styles, widgets) and little garbage: about 1,500 objects in cycles by the first frame of the
empty app. Each collection on the way walks the young ones again: about 100 of them before
the empty app's first frame, 17 to 21 ms by the collector's own callbacks; held off, that
frame came 12 ms sooner (median of 21 fresh processes each, on a small machine). Let go
once the frame is on screen, what is alive is frozen (out of every later collection's way,
as a document is, see `jsonload`) and the collector runs again as usual. The start-up
garbage stays frozen with it (a few hundred KB, once) until the tree view next looks at the
whole heap again (`JsonTreeView` unfreezes and collects when a second run is shown).
"""

from __future__ import annotations

import gc

__all__ = ["hold_until_first_frame", "let_go"]

_held = False


def hold_until_first_frame() -> None:
    """Stop the collector, unless something else already has (then that code restarts it)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def let_go() -> None:
    """Once the first frame is drawn: freeze what start-up made, restart the collector."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
