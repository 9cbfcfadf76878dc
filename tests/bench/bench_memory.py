"""Resident memory of the real `wfbrowse open FILE` process in a real terminal (tmux), opened
and browsed by keys, as a user would:

1. open, wait for the tree;
2. `e` on `data` (stops at the 10,000-row cap);
3. `/samples` Enter, `e` (the 100k+ array: ranges, then up to the cap);
4. `/index` Enter, `e` (the 50k+-key object);
5. `/latency` Enter, wait until every match is counted (one in every record);
6. `G`, to the last row.

After each step: VmRSS, and at the end VmHWM (the peak) and VmSwap, from /proc/PID/status of
the app's own process (the pane's shell runs it as a child). The machine's MemAvailable and
swap in use (/proc/meminfo) are read before the start and at the end.
"""

from __future__ import annotations

import re
import sys
import time

from tests.bench.common import (
    SUMMARY,
    app_pid,
    isolated_env,
    meminfo,
    proc_status,
    swap_used_mb,
)
from tests.bench.generate import MB, instance_file
from tests.tmux import TmuxSession

TARGET_MB = 250
SIZES_MB = (10, 50)


def _path_line(path: str) -> object:
    def check(screen: str) -> bool:
        return any(line.strip() == path for line in screen.splitlines())

    return check


def _counted(screen: str) -> bool:
    """The search is over: "match 1 of 52,382 —" (a "+" after the count while counting)."""
    return re.search(r"match 1 of [\d,]+ —", screen) is not None


def browse(size_mb: int, *, quick: bool = False) -> dict[str, object]:
    """The steps above (--quick: without the `/index` and `/latency` steps)."""
    path = instance_file(size_mb * MB)
    timeout = 20 + size_mb
    steps: list[tuple[str, float, int]] = []  # (what, seconds it took, VmRSS kB)
    before = meminfo()
    start = time.perf_counter()
    command = [sys.executable, "-m", "wfbrowse", "open", str(path)]
    with TmuxSession(command, width=120, height=40, env=isolated_env()) as term:
        term.wait_for(
            lambda s: "showing a saved run" in s and "outputs: {5 keys}" in s, timeout=timeout
        )
        pid = app_pid(term)
        steps.append(("open, tree shown", time.perf_counter() - start, proc_status(pid)["VmRSS"]))

        def step(what: str, keys: list[str], ready: object, *, first: bool = False) -> None:
            begin = time.perf_counter()
            if first:
                # Keys sent just after start-up can be lost while Textual reads the terminal's
                # answers to its questions: send again until they take.
                term.send_until(keys, ready, each=max(2.0, size_mb / 5))  # type: ignore[arg-type]
            else:
                term.send_keys(*keys)
                term.wait_for(ready, timeout=timeout)  # type: ignore[arg-type]
            took = time.perf_counter() - begin
            steps.append((what, took, proc_status(pid)["VmRSS"]))

        def search(text: str, ready: object) -> None:
            begin = time.perf_counter()
            term.send_keys("/")
            # The field is up and has the focus once the footer stops offering the tree's
            # keys (keys sent before that would reach the tree: an "e" in the query would
            # expand everything). It still holds the last query: empty it first, and only
            # type once it shows empty (text typed right behind Ctrl+U is sometimes wiped
            # by it), then check the text arrived, typing it again if it did not.
            term.wait_for(lambda s: "▊  " in s and "space Fold" not in s, timeout=timeout)
            typed = re.compile(rf"▊  {re.escape(text)} +▎")
            for _ in range(5):
                if "search keys and values" not in term.screen():
                    term.send_keys("C-e", "C-u")
                    term.wait_for("search keys and values", timeout=timeout)
                term.send_keys(text, literal=True)
                try:
                    term.wait_for(lambda s: typed.search(s) is not None, timeout=2)
                    break
                except AssertionError:
                    continue
            term.send_keys("Enter")
            term.wait_for(ready, timeout=timeout * 3)  # type: ignore[arg-type]
            steps.append((f"/{text}", time.perf_counter() - begin, proc_status(pid)["VmRSS"]))

        step("e on data", ["e"], "stopped there", first=True)
        outputs = ".data.attributes.outputs"
        for name in ("samples",) if quick else ("samples", "index"):
            search(name, lambda s, n=name: _path_line(f"{outputs}.{n}")(s) and _counted(s))
            step(f"e on {name}", ["e"], "stopped there")
        if not quick:
            search("latency", _counted)
        step("G (last row)", ["G"], _path_line(".meta"))
        status = proc_status(pid)
        term.send_keys("C-q")
        term.wait_exit(timeout=timeout)
    after = meminfo()
    return {"steps": steps, "status": status, "before": before, "after": after}


def report(size_mb: int, result: dict[str, object]) -> None:
    steps = result["steps"]  # type: ignore[assignment]
    status: dict[str, int] = result["status"]  # type: ignore[assignment]
    before: dict[str, int] = result["before"]  # type: ignore[assignment]
    after: dict[str, int] = result["after"]  # type: ignore[assignment]
    print(f"{size_mb} MB instance, `wfbrowse open` in tmux 120x40, browsed by keys:")
    for what, took, rss in steps:  # type: ignore[attr-defined]
        print(f"  {what:<22} {took * 1000:7.0f} ms   VmRSS {rss / 1024:6.0f} MB")
    rss, peak = status["VmRSS"] / 1024, status["VmHWM"] / 1024
    swap = status.get("VmSwap", 0) / 1024
    print(f"  at the end: VmRSS {rss:.0f} MB, peak VmHWM {peak:.0f} MB, VmSwap {swap:.0f} MB")
    print(
        f"  machine: MemAvailable {before['MemAvailable'] / 1024:,.0f} MB before, "
        f"{after['MemAvailable'] / 1024:,.0f} MB after; swap in use "
        f"{swap_used_mb(before):.0f} -> {swap_used_mb(after):.0f} MB of "
        f"{before.get('SwapTotal', 0) / 1024:.0f} MB"
        + (
            " (no swap configured here: nothing can be swapped out)"
            if not before.get("SwapTotal")
            else ""
        )
    )
    if size_mb == 10:
        SUMMARY.add(
            f"4. resident size, 10 MB instance opened and browsed, < {TARGET_MB} MB",
            f"VmRSS {rss:.0f} MB at the end, peak VmHWM {peak:.0f} MB",
            peak < TARGET_MB,
        )
    elif size_mb >= 50:
        swapped = swap > 0 or swap_used_mb(after) > swap_used_mb(before) + 1
        SUMMARY.add(
            f"4. {size_mb} MB instance opens and browses without swapping",
            f"VmRSS {rss:.0f} MB, peak {peak:.0f} MB, VmSwap {swap:.0f} MB; MemAvailable "
            f"{before['MemAvailable'] / 1024:,.0f} -> {after['MemAvailable'] / 1024:,.0f} MB; "
            f"swap used {swap_used_mb(before):.0f} -> {swap_used_mb(after):.0f} MB"
            + (" (no swap configured)" if not before.get("SwapTotal") else ""),
            not swapped,
        )


def main(sizes: tuple[int, ...] = SIZES_MB, *, quick: bool = False) -> None:
    for index, size_mb in enumerate(sizes):
        if index:
            print()
        report(size_mb, browse(size_mb, quick=quick))


if __name__ == "__main__":
    main()
