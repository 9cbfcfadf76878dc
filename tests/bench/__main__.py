"""Run every benchmark and print its figures: `uv run python -m tests.bench`.

`--quick` runs each one small (3 start-ups, a 1 MB instance): a check that they still work,
not figures to quote.
"""

import argparse

from tests.bench import bench_startup, bench_tree

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--quick", action="store_true", help="small runs, to check they work")
    quick = parser.parse_args().quick
    bench_startup.main(runs=3 if quick else bench_startup.RUNS)
    print()
    bench_tree.main(size=1024 * 1024 if quick else bench_tree.SIZE)
