"""What the benchmarks share: the summary of targets, statistics, the environment the real
process runs in, reading a process's memory, and finding VisiData."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.tmux import TmuxSession

# -- the summary ---------------------------------------------------------------------------------


@dataclass
class Line:
    target: str
    figure: str
    met: bool | None  # None: no verdict (informative, or not measured)


@dataclass
class Summary:
    lines: list[Line] = field(default_factory=list)

    def add(self, target: str, figure: str, met: bool | None) -> None:
        self.lines.append(Line(target, figure, met))

    def print(self) -> None:
        print("=" * 100)
        print("SUMMARY (each target, the figure measured, and whether it is met)")
        print("=" * 100)
        for line in self.lines:
            verdict = {True: "MET", False: "MISSED", None: "n/a"}[line.met]
            print(f"[{verdict:^6}] {line.target}")
            for part in line.figure.split("\n"):
                print(f"          {part}")
        met = sum(1 for line in self.lines if line.met)
        missed = sum(1 for line in self.lines if line.met is False)
        print(f"{met} met, {missed} missed, {len(self.lines) - met - missed} without a verdict")


SUMMARY = Summary()
CHILD_MARK = "@@bench-summary "


def emit_summary() -> None:
    """In a child process (`run_child`): hand the summary lines to the parent on stdout."""
    for line in SUMMARY.lines:
        print(CHILD_MARK + json.dumps([line.target, line.figure, line.met]), flush=True)


def run_child(module: str, *args: str) -> None:
    """Run `python -m tests.bench.MODULE ARGS --child` in a fresh process (so that what one
    benchmark leaves in memory weighs neither on the next one's timings nor on its resident
    size), passing its output through and taking its summary lines."""
    command = [sys.executable, "-m", f"tests.bench.{module}", *args, "--child"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith(CHILD_MARK):
                target, figure, met = json.loads(line[len(CHILD_MARK) :])
                SUMMARY.add(target, figure, met)
            else:
                print(line, end="", flush=True)
    if child.returncode:
        SUMMARY.add(f"{module} {' '.join(args)}", f"FAILED (exit status {child.returncode})", False)


# -- statistics ----------------------------------------------------------------------------------


def busy_loop_ms() -> float:
    """ms this machine takes, right now, for a fixed piece of pure Python work (well under
    a millisecond when it runs at full speed)."""
    start = time.perf_counter()
    total = 0
    for number in range(20_000):
        total += number
    return (time.perf_counter() - start) * 1000


def machine_stalls(runs: int) -> tuple[float, float, float]:
    """(median, 99th percentile, worst) ms of `busy_loop_ms` run `runs` times: how much this
    machine alone stretches a short piece of work (a shared or virtual machine can stop a
    process for tens of milliseconds, or run it slower for a while), to read the worst
    figures by."""
    times = sorted(busy_loop_ms() for _ in range(runs))
    return statistics.median(times), times[int(len(times) * 0.99)], times[-1]


def trimmed_mean(values: Sequence[float], cut: float = 0.2) -> float:
    """The mean of what is left after dropping `cut` of the values at each end."""
    ordered = sorted(values)
    drop = int(len(ordered) * cut)
    kept = ordered[drop : len(ordered) - drop] or ordered
    return statistics.fmean(kept)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def paired_ratios(tops: Sequence[float], bottoms: Sequence[float]) -> list[float]:
    """Each round's time over the other app's in the same round: the machine's mood of the
    moment weighs on both."""
    return [top / bottom for top, bottom in zip(tops, bottoms, strict=True)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# -- the real process's surroundings -------------------------------------------------------------


def isolated_env() -> dict[str, str]:
    """Fresh config and data folders and no keyring: the bench never touches the user's own
    settings, history or keys, and every run starts alike."""
    home = Path(tempfile.mkdtemp(prefix="wfbrowse-bench-home-"))
    return {
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "DD_API_KEY": "",
        "DD_APP_KEY": "",
    }


def use_isolated_env_here() -> None:
    """The same, for the app run in this process (headless benchmarks)."""
    os.environ.update(isolated_env())


# -- memory --------------------------------------------------------------------------------------


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """The kB figures of /proc/PID/status (VmRSS, VmHWM, VmSwap...)."""
    figures: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        parts = value.split()
        if len(parts) == 2 and parts[1] == "kB":
            figures[name] = int(parts[0])
    return figures


def meminfo() -> dict[str, int]:
    figures: dict[str, int] = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        name, _, value = line.partition(":")
        figures[name] = int(value.split()[0])
    return figures


def swap_used_mb(info: dict[str, int]) -> float:
    return (info.get("SwapTotal", 0) - info.get("SwapFree", 0)) / 1024


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the ppid follows it.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def app_pid(term: TmuxSession) -> int:
    """The program's own process in a TmuxSession: the pane runs a shell (which writes the
    exit status afterwards), the program is that shell's child."""
    pane = int(
        subprocess.run(
            ["tmux", "-L", term.socket, "display", "-p", "-t", term.target, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    kids = children_of(pane)
    return kids[0] if kids else pane


# -- VisiData ------------------------------------------------------------------------------------
VISIDATA_HINT = (
    "VisiData not installed: `uv tool install --compile-bytecode visidata` "
    "(then `vd` is in `uv tool dir --bin`)"
)


def find_visidata() -> str | None:
    """`vd` on PATH, else in uv's tool folder; byte-compiled first if it is not yet (uv
    installs tools without .pyc files unless told to, and this machine sets
    PYTHONDONTWRITEBYTECODE: every start would compile VisiData again)."""
    found = shutil.which("vd")
    if found is None:
        try:
            folder = subprocess.run(
                ["uv", "tool", "dir", "--bin"], capture_output=True, text=True, timeout=20
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            folder = ""
        candidate = Path(folder) / "vd" if folder else None
        found = str(candidate) if candidate is not None and candidate.exists() else None
    if found is not None:
        _compile_tool(found)
    return found


def _compile_tool(script: str) -> None:
    try:
        first = Path(script).read_text(errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return
    if not first.startswith("#!"):
        return
    python = first[2:].strip().split()[0]
    check = "import visidata, pathlib; print(pathlib.Path(visidata.__file__).parent)"
    try:
        package = subprocess.run(
            [python, "-c", check], capture_output=True, text=True, timeout=60
        ).stdout.strip()
        if package and not (Path(package) / "__pycache__").exists():
            subprocess.run(
                [python, "-m", "compileall", "-q", package], capture_output=True, timeout=300
            )
    except (OSError, subprocess.SubprocessError):
        return
