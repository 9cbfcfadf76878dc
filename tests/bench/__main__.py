"""Run every benchmark and print its figures: `uv run python -m tests.bench`."""

from tests.bench import bench_startup, bench_tree

if __name__ == "__main__":
    bench_startup.main()
    print()
    bench_tree.main()
