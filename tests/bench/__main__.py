"""Run every benchmark and print its figures: `uv run python -m tests.bench`.

The targets, and the benchmark that measures each (a summary at the end lists each target,
its figure and whether it is met; nothing here asserts a time):

1. bench_open:    `wfbrowse open FILE` to its first tree frame in tmux, 1, 10 and 50 MB,
                  against orjson's parse plus a bare Textual app's start-up, and VisiData;
2. bench_tree:    expand and collapse every kind of node, in every state up to everything
                  expanded, 10 and 50 MB (headless pilot);
3. bench_tree:    search, 10 MB (and 50 MB);
4. bench_memory:  resident size of the real process in tmux, 10 and 50 MB, browsed by keys;
5. bench_startup: start-up of the empty app against a bare Textual app, and where it goes;
6. bench_soak:    1,000 refreshes of a running run (and 300 of a 1.2 MB one): resident size
                  after 50 and at the end.

`--quick` runs each one small (1 MB, a few runs): a check that they still work, not figures
to quote. `--only NAME ...` runs some of them.
"""

import argparse
import os
import time

from tests.bench import (
    bench_memory,
    bench_open,
    bench_soak,
    bench_startup,
    bench_tree,
)
from tests.bench.common import SUMMARY, run_child
from tests.bench.generate import MB, instance_file

BENCHES = ("startup", "open", "tree", "memory", "soak")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--quick", action="store_true", help="small runs, to check they work")
    parser.add_argument("--only", nargs="+", choices=BENCHES, help="run only these")
    args = parser.parse_args()
    quick = args.quick
    chosen = args.only or BENCHES
    os.environ.setdefault("TERM", "xterm-256color")
    if os.environ["TERM"] == "dumb":
        os.environ["TERM"] = "xterm-256color"
    started = time.perf_counter()
    sizes = (1,) if quick else (1, 10, 50)
    for size in sizes:
        instance_file(size * MB)  # made once, kept in the temporary folder
    runs: list[tuple[str, object]] = [
        (
            "startup",
            lambda: bench_startup.main(
                runs=2 if quick else bench_startup.RUNS,
                warmup=0 if quick else bench_startup.WARMUP,
                probe_runs=1 if quick else bench_startup.PROBE_RUNS,
                importtime_runs=0 if quick else bench_startup.IMPORTTIME_RUNS,
            ),
        ),
        (
            "open",
            lambda: bench_open.main(
                sizes=(1,) if quick else bench_open.SIZES_MB,
                rounds={1: 1} if quick else None,
                diagnose_runs=0 if quick else 2,
                warm=not quick,
            ),
        ),
        (
            # Each size in a process of its own: the 50 MB state holds over a gigabyte.
            "tree",
            lambda: [
                run_child(
                    "bench_tree",
                    str(size),
                    f"--spread={0 if quick else 3}",
                    f"--deep-levels={5 if quick else (200 if size == 10 else 40)}",
                )
                for size in ((1,) if quick else bench_tree.SIZES_MB)
            ],
        ),
        (
            "memory",
            lambda: bench_memory.main((1,) if quick else bench_memory.SIZES_MB, quick=quick),
        ),
        (
            # In a process of its own: its resident size is then the app's alone.
            "soak",
            lambda: [
                run_child(
                    "bench_soak",
                    f"--refreshes={40 if quick else bench_soak.REFRESHES}",
                    f"--mark={20 if quick else bench_soak.MARK}",
                ),
                run_child(
                    "bench_soak",
                    f"--refreshes={20 if quick else bench_soak.BIG_REFRESHES}",
                    f"--mark={10 if quick else bench_soak.MARK}",
                    f"--records={bench_soak.BIG_RECORDS}",
                ),
            ],
        ),
    ]
    for name, run in runs:
        if name not in chosen:
            continue
        begin = time.perf_counter()
        print(f"---- {name} " + "-" * (94 - len(name)))
        run()  # type: ignore[operator]
        print(f"({name}: {time.perf_counter() - begin:.0f} s)")
        print()
    SUMMARY.print()
    print(f"(whole run: {time.perf_counter() - started:.0f} s{', --quick' if quick else ''})")


if __name__ == "__main__":
    main()
