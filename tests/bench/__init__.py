"""Benchmarks: `uv run python -m tests.bench` prints every figure. Not collected by pytest."""
