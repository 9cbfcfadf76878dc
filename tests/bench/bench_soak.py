"""A soak: a running run refreshed 1,000 times in the real app (Textual's headless pilot)
against the loopback server, its values changing on every refresh.

The refreshes are the live watch's own (`refresh_watched`, what its timer calls), driven
back to back instead of every 2 s: each one fetches, parses, works out what changed,
rebuilds the tree as the user left it (a few nodes open) and marks the changes. The server
runs in a process of its own, so the resident size read here (VmRSS of this process) is the
app's. Target: at the end, within 10% of what it was after the first 50 refreshes.

The run is about 50 KB. `--records 7000` makes it about 1.2 MB, past the size from which the
loader freezes each new document (`jsonload.FREEZE_FROM`): the full bench soaks that one
too, 300 refreshes, since a freeze also holds what of the app is alive at that moment.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import time
from collections import Counter
from typing import Any

from tests.bench.common import SUMMARY, proc_status, use_isolated_env_here
from tests.bench.generate import INSTANCE_ID, RUNNING_RECORDS, WORKFLOW_ID, running_instance

REFRESHES = 1000
MARK = 50
BIG_RECORDS = 7000  # about 1.2 MB of JSON
BIG_REFRESHES = 300
TARGET = 0.10


def _types() -> Counter[str]:
    return Counter(type(thing).__qualname__ for thing in gc.get_objects())


async def run(refreshes: int, mark: int, records: int = RUNNING_RECORDS) -> dict[str, Any]:
    from tests.bench.bench_tree import Clock, node_at
    from wfbrowse.credentials import Credentials
    from wfbrowse.launch import LaunchOptions
    from wfbrowse.sites import parse_site
    from wfbrowse.tui.app import WfBrowseApp
    from wfbrowse.tui.json_tree_view import JsonTreeView
    from wfbrowse.tui.status_bar import StatusBar

    use_isolated_env_here()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.soak_server", "--records", str(records)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdin is not None
    url = server.stdout.readline().strip()
    result: dict[str, Any] = {"rss": [], "changed": 0}
    try:
        options = LaunchOptions(
            site=parse_site("datadoghq.com"),
            credentials=Credentials("bench-api-key", "bench-app-key", "bench"),
            api_url=url,
            workflow_id=WORKFLOW_ID,
            instance_id=INSTANCE_ID,
        )
        app = WfBrowseApp(options)
        async with app.run_test(size=(120, 50)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            tree = app.query_one(JsonTreeView)
            status = app.query_one(StatusBar)
            # The user has opened a few things: the reload keeps them open.
            for path in (
                ("data", "attributes", "stepStateAssociations", 3),
                ("data", "attributes", "outputs", "progress", 0),
                ("data", "attributes", "outputs", "records", 7, "detail", "note"),
                ("data", "attributes", "outputs", "records", 150, "tags", 0),
            ):
                node_at(tree, path)
            tree._changed()
            await pilot.pause()
            clock = Clock(app)
            start = time.perf_counter()
            try:
                for index in range(1, refreshes + 1):
                    drawn = len(clock.frames)
                    app.refresh_watched(WORKFLOW_ID, INSTANCE_ID)
                    await app.workers.wait_for_complete()
                    # Until the refresh is on screen (a frame), at most half a second.
                    deadline = time.perf_counter() + 0.5
                    while len(clock.frames) == drawn and time.perf_counter() < deadline:
                        await asyncio.sleep(0.002)
                    if status.message.startswith("refreshed:"):
                        result["changed"] += 1
                    if status.message_kind == "error":
                        raise SystemExit(f"a refresh failed: {status.message}")
                    if index % 50 == 0 or index in (mark, refreshes):
                        server.stdin.write("\n")
                        server.stdin.flush()
                        result["rss"].append((index, proc_status()["VmRSS"] / 1024))
                    if index == mark:
                        result["types_at_mark"] = _types()
            finally:
                clock.close()
            result["seconds"] = time.perf_counter() - start
            result["types_at_end"] = _types()
            result["rows"] = len(tree.model.rows)
            result["marks"] = len(tree.changed)
            result["timers"] = len(app._timers)
            result["frozen"] = gc.get_freeze_count()
    finally:
        server.stdin.close()
        server.wait(timeout=10)
    result["refreshes"] = refreshes
    result["mark"] = mark
    result["run_kb"] = len(json.dumps(running_instance(0, records=records))) / 1024
    return result


def report(result: dict[str, Any]) -> None:
    series = dict(result["rss"])
    mark, refreshes = result["mark"], result["refreshes"]
    at_mark = series.get(mark) or result["rss"][0][1]
    at_end = series[max(series)]
    growth = at_end / at_mark - 1
    kb = result["run_kb"]
    size = f"{kb / 1024:.1f} MB" if kb >= 1024 else f"{kb:.0f} KB"
    print(
        f"soak: {refreshes:,} refreshes of a running run of {size} over loopback in "
        f"{result['seconds']:.0f} s ({result['seconds'] / refreshes * 1000:.0f} ms each), "
        f"{result['changed']:,} of them said values changed; headless app 120x50, "
        f"{result['rows']:,} rows open"
    )
    print("  VmRSS every 50 refreshes (MB):")
    items = sorted(series.items())
    for start in range(0, len(items), 10):
        print("    " + "  ".join(f"{i:>5}:{v:6.1f}" for i, v in items[start : start + 10]))
    print(
        f"  after {mark}: {at_mark:.1f} MB, at the end: {at_end:.1f} MB, "
        f"{growth * 100:+.1f}% (target within {TARGET * 100:.0f}%)"
    )
    before, after = result["types_at_mark"], result["types_at_end"]
    grown = sorted(((after[k] - before.get(k, 0), k) for k in after), reverse=True)[:5]
    print(
        "  objects the collector tracks, most grown since the mark: "
        + ", ".join(f"{name} {delta:+,}" for delta, name in grown)
    )
    print(f"  timers alive at the end: {result['timers']}; objects frozen: {result['frozen']:,}")
    SUMMARY.add(
        f"6. soak, {refreshes:,} refreshes of a {size} run: resident size at the end within "
        f"{TARGET * 100:.0f}% of after {mark}",
        f"{at_mark:.1f} MB after {mark}, {at_end:.1f} MB at the end ({growth * 100:+.1f}%)",
        abs(growth) <= TARGET,
    )


def main(refreshes: int = REFRESHES, mark: int = MARK, records: int = RUNNING_RECORDS) -> None:
    report(asyncio.run(run(refreshes, mark, records)))


if __name__ == "__main__":
    import argparse

    from tests.bench.common import emit_summary

    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_soak")
    parser.add_argument("--refreshes", type=int, default=REFRESHES)
    parser.add_argument("--mark", type=int, default=MARK)
    parser.add_argument("--records", type=int, default=RUNNING_RECORDS, help="records in the run")
    parser.add_argument("--child", action="store_true", help="summary lines for the parent")
    arguments = parser.parse_args()
    main(arguments.refreshes, arguments.mark, arguments.records)
    if arguments.child:
        emit_summary()
