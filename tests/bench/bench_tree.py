"""A 10 MB instance: first tree frame after the body arrives, and expand/collapse times.

The instance is served by the loopback server and fetched through the real client, in the
real app (Textual's headless pilot). Expands and collapses are timed to the end of the frame
that shows them, over nodes of every kind and in a heavily expanded tree.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from textual.geometry import Region
from textual.pilot import Pilot

from tests.bench.generate import INSTANCE_ID, WORKFLOW_ID, instance_bytes
from wfbrowse.api import _parse_object
from wfbrowse.credentials import Credentials
from wfbrowse.demo.server import FakeDatadog
from wfbrowse.launch import LaunchOptions
from wfbrowse.sites import parse_site
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.json_tree_view import JsonTreeView
from wfbrowse.tui.status_bar import StatusBar

SIZE = 10 * 1024 * 1024


async def frame(pilot: Pilot[None]) -> None:
    """Let the app process what is queued and paint."""
    await pilot.pause()


def row_of(tree: JsonTreeView, *path: str | int) -> int:
    for index, node in enumerate(tree.model.rows):
        if node.path == path and node.span is None:
            return index
    raise LookupError(path)


def paint(tree: JsonTreeView) -> None:
    """Render every visible row of the tree, as a frame does."""
    tree.render_lines(Region(0, 0, tree.size.width, tree.size.height))


async def timed(
    pilot: Pilot[None], tree: JsonTreeView, row: int, action: str
) -> tuple[float, float]:
    """(the action plus rendering its rows, the same to the end of the app's next frame)."""
    tree.cursor_row = row
    await frame(pilot)
    start = time.perf_counter()
    getattr(tree, f"action_{action}")()
    paint(tree)
    work = time.perf_counter() - start
    await frame(pilot)
    return work * 1000, (time.perf_counter() - start) * 1000


async def run(size: int = SIZE) -> dict[str, float]:
    body = instance_bytes(size)
    path = f"/api/v2/workflows/{WORKFLOW_ID}/instances/{INSTANCE_ID}"
    figures: dict[str, float] = {}
    with FakeDatadog() as server:
        server.add_response("GET", path, status=200, body=body)
        options = LaunchOptions(
            site=parse_site("datadoghq.com"),
            credentials=Credentials("bench-api-key", "bench-app-key", "bench"),
            api_url=server.url,
        )
        app = WfBrowseApp(options)
        async with app.run_test(size=(120, 50)) as pilot:
            # The whole fetch through the real client and app, for reference.
            app.query_one("#workflow").value = WORKFLOW_ID  # type: ignore[attr-defined]
            app.query_one("#instance").value = INSTANCE_ID  # type: ignore[attr-defined]
            start = time.perf_counter()
            app.action_fetch()
            await app.workers.wait_for_complete()
            await frame(pilot)
            figures["fetch_to_frame_ms"] = (time.perf_counter() - start) * 1000
            status = app.query_one(StatusBar)
            if status.message_kind == "error":
                raise SystemExit(f"the fetch failed: {status.message}")

            # Body in hand to first tree frame: parse, build the first rows, paint.
            parse_times, frame_times = [], []
            tree = app.query_one(JsonTreeView)
            for _ in range(5):
                await frame(pilot)
                start = time.perf_counter()
                data = await _parse_object(body, 200)
                parsed = time.perf_counter()
                tree.load(data)
                paint(tree)
                parse_times.append((parsed - start) * 1000)
                frame_times.append((time.perf_counter() - start) * 1000)
            figures["parse_ms"] = statistics.median(parse_times)
            figures["first_frame_ms"] = statistics.median(frame_times)

            times: dict[str, tuple[float, float]] = {}
            outputs = row_of(tree, "data", "attributes", "outputs")
            times["expand outputs"] = await timed(pilot, tree, outputs, "expand")
            for name in ("records", "samples", "index"):
                row = row_of(tree, "data", "attributes", "outputs", name)
                times[f"expand {name} (ranges)"] = await timed(pilot, tree, row, "expand")
            # Open every range of samples and index: about 150,000 visible rows.
            samples = row_of(tree, "data", "attributes", "outputs", "samples")
            opened = 0
            for row in range(len(tree.model.rows) - 1, samples, -1):
                node = tree.model.rows[row]
                if node.span is not None and not node.expanded:
                    tree.model.expand(row)
                    opened += 1
            tree._changed()
            await frame(pilot)
            figures["visible_rows_in_big_state"] = len(tree.model.rows)
            records = row_of(tree, "data", "attributes", "outputs", "records")
            first_range = records + 1
            times["expand a 1,000-item range (big state)"] = await timed(
                pilot, tree, first_range, "expand"
            )
            times["expand a record (big state)"] = await timed(
                pilot, tree, first_range + 1, "expand"
            )
            times["collapse the range (big state)"] = await timed(
                pilot, tree, first_range, "collapse_or_parent"
            )
            samples = row_of(tree, "data", "attributes", "outputs", "samples")
            times["collapse samples, 100k rows (big state)"] = await timed(
                pilot, tree, samples, "collapse_or_parent"
            )
            times["expand samples again, 100k rows (big state)"] = await timed(
                pilot, tree, samples, "expand"
            )
            times["jump to last row (big state)"] = await timed(
                pilot, tree, len(tree.model.rows) - 1, "last"
            )
            deep = row_of(tree, "data", "attributes", "outputs", "deep")
            deep_times = []
            for step in range(60):
                deep_times.append(await timed(pilot, tree, deep + step, "expand"))
            times["expand down a deep chain (worst of 60)"] = (
                max(work for work, _ in deep_times),
                max(wall for _, wall in deep_times),
            )
            start = time.perf_counter()
            await frame(pilot)
            figures["idle_frame_ms"] = (time.perf_counter() - start) * 1000
    print(f"10 MB instance ({len(body) / 1e6:.1f} MB of JSON), headless app 120x50:")
    figures.update(search_figures(data))
    print(f"  parse (orjson, collector paused)   {figures['parse_ms']:7.1f} ms")
    print(
        f"  body -> first tree rows rendered   {figures['first_frame_ms']:7.1f} ms"
        "   (target <= 150 ms; parse + build + render)"
    )
    print(f"  fetch over loopback -> tree frame  {figures['fetch_to_frame_ms']:7.1f} ms")
    print(
        "  expand/collapse (target <= 100 ms each); big state = "
        f"{int(figures['visible_rows_in_big_state']):,} visible rows"
    )
    print(
        "    work = the action and rendering every visible row; frame = to the end of the "
        f"headless app's next frame (an idle frame costs {figures['idle_frame_ms']:.0f} ms)"
    )
    print(f"    {'':<46} {'work':>7}    {'frame':>7}")
    for name, (work, wall) in times.items():
        print(f"    {name:<46} {work:7.1f} ms {wall:7.1f} ms")
    figures["worst_expand_work_ms"] = max(work for work, _ in times.values())
    figures["worst_expand_frame_ms"] = max(wall for _, wall in times.values())
    print(
        f"  worst expand/collapse: work {figures['worst_expand_work_ms']:.1f} ms, "
        f"frame {figures['worst_expand_frame_ms']:.1f} ms"
    )
    return figures


SEARCHES = {
    "common (a key in every record)": "latency",
    "late first match (record 31,000)": "rec-0031",
    "regex": r"/i-[0-9a-f]{10}\.ec2/",
    "no match at all": "zzzz-not-there",
}


def search_figures(document: object) -> dict[str, float]:
    """Time to the first match and to the whole count, for a few kinds of query."""
    from wfbrowse.jsontree import Query, iter_matches

    figures: dict[str, float] = {}
    print("  search over the whole document (targets: first match 300 ms, all counted 1 s):")
    for name, text in SEARCHES.items():
        start = time.perf_counter()
        matches = iter_matches(document, Query(text))
        first = next(matches, None)
        first_ms = (time.perf_counter() - start) * 1000
        count = (first is not None) + sum(1 for _ in matches)
        all_ms = (time.perf_counter() - start) * 1000
        print(f"    {name:<36} first {first_ms:6.1f} ms   all {all_ms:6.1f} ms   {count:,} matches")
        figures[f"search_first_ms[{name}]"] = first_ms
        figures[f"search_all_ms[{name}]"] = all_ms
    return figures


def main(size: int = SIZE) -> dict[str, float]:
    return asyncio.run(run(size))


if __name__ == "__main__":
    main()
