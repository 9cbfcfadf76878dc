"""Start-up to first frame, in a real terminal: wfbrowse (empty) against a bare Textual app.

Both run in the same way, alternating, in fresh tmux sessions; the time is from asking tmux
for the session to the first frame's text appearing on the pane.
"""

from __future__ import annotations

import compileall
import statistics
import sys
import time
from pathlib import Path

from tests.tmux import TmuxSession

RUNS = 21
BARE = [sys.executable, str(Path(__file__).with_name("bare_app.py"))]
WFBROWSE = [sys.executable, "-m", "wfbrowse"]


def first_frame(command: list[str], marker: str) -> float:
    start = time.perf_counter()
    with TmuxSession(
        command, width=120, height=40, env={"DD_API_KEY": "", "DD_APP_KEY": ""}
    ) as term:
        term.wait_for(marker, timeout=20)
        return time.perf_counter() - start


def compile_package() -> None:
    """Byte-compile wfbrowse as an installed copy would be (`uv tool install`, pip).

    Textual comes byte-compiled in the environment; with PYTHONDONTWRITEBYTECODE set (as on
    this machine) the source tree would otherwise be compiled again on every start, which
    is a cost of the checkout, not of the app. `__pycache__` is ignored by git.
    """
    import wfbrowse

    package = Path(wfbrowse.__file__).parent
    compileall.compile_dir(str(package), quiet=1)


def main(runs: int = RUNS) -> dict[str, float]:
    compile_package()
    first_frame(BARE, "bare app ready")  # warm the file cache and bytecode first
    first_frame(WFBROWSE, "workflow ID or Datadog link")
    bare: list[float] = []
    ours: list[float] = []
    for _ in range(runs):
        bare.append(first_frame(BARE, "bare app ready"))
        ours.append(first_frame(WFBROWSE, "workflow ID or Datadog link"))
    bare_ms = statistics.median(bare) * 1000
    ours_ms = statistics.median(ours) * 1000
    # Each pair ran back to back, so its ratio is less exposed to the machine's drift than
    # the ratio of the two medians.
    paired = statistics.median(o / b for o, b in zip(ours, bare, strict=True))
    print(f"start-up to first frame, median of {runs} alternating runs (tmux, 120x40):")
    print(f"  bare Textual app  {bare_ms:7.0f} ms")
    print(f"  wfbrowse (empty)  {ours_ms:7.0f} ms")
    print(
        f"  ratio of medians {ours_ms / bare_ms:.2f}x, median of paired ratios {paired:.2f}x"
        " (target <= 1.20x)"
    )
    return {"bare_ms": bare_ms, "wfbrowse_ms": ours_ms, "ratio": paired}


if __name__ == "__main__":
    main()
