"""Start-up to first frame, in a real terminal: wfbrowse (empty) against a bare Textual app.

Both run in the same way, in rounds whose order rotates, in fresh tmux sessions; the time is
from asking tmux for the session to the first frame's text appearing on the pane. The first
rounds only warm the file cache and are dropped. A third app runs in each round, not for the
target: Textual with the empty screen's widgets and none of wfbrowse's code
(widget_floor_app.py), which tells Textual's cost for those widgets from wfbrowse's own.

The figure is noisy on a small shared machine, so it is given four ways: the median of the
ratios of wfbrowse to the bare app within each round (the target's figure: a round runs back
to back, so the machine's drift mostly cancels out), and the ratios of the medians, of the
trimmed means and of the minimums.

Then where the time goes: both apps under `startup_probe.py` (timestamps of each phase) and
under `-X importtime` (the modules wfbrowse loads before its first frame that the bare app
does not).
"""

from __future__ import annotations

import compileall
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from tests.bench.common import SUMMARY, isolated_env, median, paired_ratios, trimmed_mean
from tests.tmux import TmuxSession

RUNS = 41
WARMUP = 3
PROBE_RUNS = 5
IMPORTTIME_RUNS = 3
TARGET = 1.20
HERE = Path(__file__).parent
BARE = [sys.executable, str(HERE / "bare_app.py")]
# Textual with the empty screen's widgets and none of wfbrowse's code (not a target's figure:
# it shows how much of wfbrowse's time is Textual's cost for those widgets).
FLOOR = [sys.executable, str(HERE / "widget_floor_app.py")]
WFBROWSE = [sys.executable, "-m", "wfbrowse"]
BARE_MARKER = "bare app ready"
WFBROWSE_MARKER = "workflow ID or Datadog link"


def first_frame(command: list[str], marker: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    with TmuxSession(command, width=120, height=40, env=env) as term:
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


def measure(runs: int, warmup: int) -> tuple[list[float], list[float], list[float]]:
    """First-frame times (seconds) of the bare app, wfbrowse and the widget floor, run in
    rounds whose order rotates, so that each app goes first, second and third alike."""
    env = isolated_env()
    bare: list[float] = []
    ours: list[float] = []
    floor: list[float] = []
    apps = [
        (bare, BARE, BARE_MARKER),
        (ours, WFBROWSE, WFBROWSE_MARKER),
        (floor, FLOOR, WFBROWSE_MARKER),
    ]
    for index in range(warmup + runs):
        order = apps[index % 3 :] + apps[: index % 3]
        results = {id(into): first_frame(command, marker, env) for into, command, marker in order}
        if index >= warmup:
            for into, _, _ in apps:
                into.append(results[id(into)])
    return bare, ours, floor


def report(
    bare: list[float], ours: list[float], floor: list[float], runs: int, warmup: int
) -> dict[str, float]:
    ratios = paired_ratios(ours, bare)
    floor_ratio = median(paired_ratios(floor, bare))
    figures = {
        "bare_ms": median(bare) * 1000,
        "wfbrowse_ms": median(ours) * 1000,
        "bare_trimmed_ms": trimmed_mean(bare) * 1000,
        "wfbrowse_trimmed_ms": trimmed_mean(ours) * 1000,
        "bare_min_ms": min(bare) * 1000,
        "wfbrowse_min_ms": min(ours) * 1000,
        "ratio": median(ratios),
        "floor_ms": median(floor) * 1000,
        "floor_ratio": floor_ratio,
    }
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) >= 2 else [ratios[0]] * 3
    print(
        f"start-up to first frame: {runs} rounds (the order rotates) after {warmup} warm-up "
        "rounds (dropped); tmux 120x40, launch -> first frame's text on the pane"
    )
    print(f"  {'':<20} {'median':>8} {'trimmed mean':>13} {'min':>8}   (trimmed: 20% cut each end)")
    for name, key in (("bare Textual app", "bare"), ("wfbrowse (empty)", "wfbrowse")):
        print(
            f"  {name:<20} {figures[key + '_ms']:6.0f} ms {figures[key + '_trimmed_ms']:10.0f} ms"
            f" {figures[key + '_min_ms']:6.0f} ms"
        )
    print(
        f"  ratio of medians {figures['wfbrowse_ms'] / figures['bare_ms']:.2f}x, "
        f"of trimmed means {figures['wfbrowse_trimmed_ms'] / figures['bare_trimmed_ms']:.2f}x, "
        f"of minimums {figures['wfbrowse_min_ms'] / figures['bare_min_ms']:.2f}x"
    )
    print(
        f"  median of paired ratios {figures['ratio']:.2f}x (quartiles {quartiles[0]:.2f}x.."
        f"{quartiles[2]:.2f}x)   target <= {TARGET:.2f}x"
    )
    print(
        f"  Textual alone with the same widgets (widget_floor_app.py): {figures['floor_ms']:.0f}"
        f" ms, {floor_ratio:.2f}x the bare app (median of paired ratios); wfbrowse's own part "
        f"is the rest: {figures['wfbrowse_ms'] - figures['floor_ms']:.0f} ms of the medians"
    )
    SUMMARY.add(
        f"5. start-up of the empty app to first frame within {TARGET:.2f}x of a bare Textual app",
        f"median of {runs} paired ratios {figures['ratio']:.2f}x (quartiles {quartiles[0]:.2f}.."
        f"{quartiles[2]:.2f}); trimmed means {figures['wfbrowse_trimmed_ms']:.0f} vs "
        f"{figures['bare_trimmed_ms']:.0f} ms = "
        f"{figures['wfbrowse_trimmed_ms'] / figures['bare_trimmed_ms']:.2f}x; minimums "
        f"{figures['wfbrowse_min_ms']:.0f} vs {figures['bare_min_ms']:.0f} ms = "
        f"{figures['wfbrowse_min_ms'] / figures['bare_min_ms']:.2f}x\n"
        f"Textual alone with the same widgets: {floor_ratio:.2f}x the bare app",
        figures["ratio"] <= TARGET,
    )
    return figures


# -- where the time goes -------------------------------------------------------------------------
PROBE = [sys.executable, str(HERE / "startup_probe.py")]


def probe_run(
    which: list[str], env: dict[str, str], *, importtime: str | None = None
) -> dict[str, list[float]]:
    """One run under the probe: every stamp's time since launch (seconds; a label may repeat)."""
    stamps = Path(tempfile.mkdtemp(prefix="wfbrowse-probe-")) / "stamps"
    command = [*PROBE[:1], *(["-X", "importtime"] if importtime else []), *PROBE[1:]]
    run_env = dict(env)
    if importtime:
        run_env["PROBE_IMPORT_LOG"] = importtime
    launched = time.time()
    with TmuxSession([*command, str(stamps), *which], width=120, height=40, env=run_env) as term:
        term.wait_for(lambda _: stamps.exists() and "\nexit " in stamps.read_text(), timeout=60)
    found: dict[str, list[float]] = defaultdict(list)
    for line in stamps.read_text().splitlines():
        label, when = line.split()
        found[label].append(float(when) - launched)
    return found


def phases(stamps: dict[str, list[float]]) -> dict[str, float]:
    """The phases (ms) of one probed start: points in time since launch, and durations."""
    frame = stamps["target-frame"][0]

    def total(label: str) -> float:
        starts, ends = stamps.get(f"{label}.start", []), stamps.get(f"{label}.end", [])
        return sum(e - s for s, e in zip(starts, ends, strict=False) if e <= frame)

    return {
        "interpreter up (at)": stamps["interpreter"][0],
        "imports done (at)": stamps["imports.end"][0],
        "  imports (duration)": stamps["imports.end"][0] - stamps["interpreter"][0],
        "  of which wfbrowse.cli (duration)": total("import-cli"),
        "reading the file (duration)": total("open.load_file"),
        "App.__init__ (duration)": total("app.__init__"),
        "compose (duration)": total("app.compose"),
        "CSS parsing before the frame (total)": total("css.parse") + total("css.reparse"),
        "on_mount (duration)": total("app.on_mount"),
        "showing the document (duration)": total("app.show_document"),
        "collections before the frame (total)": sum(
            total(f"gc{generation}") for generation in range(3)
        ),
        "__init__ start -> frame": frame - stamps["app.__init__.start"][0],
        "first frame (at)": frame,
    }


def phase_table(
    columns: dict[str, list[dict[str, float]]], title: str, *, indent: str = "  "
) -> dict[str, dict[str, float]]:
    medians = {
        name: {key: median([run[key] for run in runs]) * 1000 for key in runs[0]}
        for name, runs in columns.items()
    }
    names = list(columns)
    print(f"{indent}{title}")
    print(f"{indent}  {'phase':<40}" + "".join(f"{name:>14}" for name in names))
    for key in medians[names[0]]:
        values = [medians[name][key] for name in names]
        if not any(values):
            continue
        print(f"{indent}  {key:<40}" + "".join(f"{value:11.1f} ms" for value in values))
    return medians


# Where a profile's time goes: (label, file suffix, function name); cumulative times.
PROFILE_PARTS = (
    ("the app's __init__ (Textual's and the app's own)", "/app.py", "__init__"),
    ("  wfbrowse's theme variables (get_css_variables)", "", "get_css_variables"),
    ("CSS parsing (Stylesheet.parse)", "textual/css/stylesheet.py", "parse"),
    ("CSS applied to widgets (Stylesheet.apply)", "textual/css/stylesheet.py", "apply"),
    ("composing and mounting (Widget._on_compose)", "textual/widget.py", "_on_compose"),
    ("layout (Screen._refresh_layout)", "textual/screen.py", "_refresh_layout"),
    ("rendering widgets' lines (Widget.render_lines)", "textual/widget.py", "render_lines"),
)


def profile_parts(path: str) -> dict[str, float]:
    """ms per part of a cProfile dump (cumulative; parts overlap), and the total."""
    import pstats

    stats = pstats.Stats(path).stats  # type: ignore[attr-defined]
    parts: dict[str, float] = {"total (profiled, so inflated)": 0.0}
    for label, suffix, name in PROFILE_PARTS:
        found = [
            value[3]
            for (file, _, function), value in stats.items()
            if function == name and file.endswith(suffix) and ("wfbrowse" in file or suffix)
        ]
        # The outermost call's cumulative time counts (a subclass's __init__ calls its base's).
        parts[label] = max(found, default=0.0) * 1000
    parts["total (profiled, so inflated)"] = sum(value[2] for value in stats.values()) * 1000
    own = sorted(
        (
            (value[3] * 1000, f"{Path(file).parent.name}/{Path(file).name}:{function}")
            for (file, _, function), value in stats.items()
            if "/wfbrowse/" in file
        ),
        reverse=True,
    )
    parts.update({f"  wfbrowse: {name}": ms for ms, name in own[1:4]})
    return parts


def profile_table(env: dict[str, str]) -> None:
    """One profiled start of each, from the app's __init__ to its first frame."""
    folder = Path(tempfile.mkdtemp(prefix="wfbrowse-cprofile-"))
    columns = {}
    for name in ("bare", "wfbrowse"):
        dump = folder / f"{name}.prof"
        probe_run([name], {**env, "PROBE_CPROFILE": str(dump)})
        columns[name] = profile_parts(str(dump))
    print(
        "  cProfile from the app's __init__ to its first frame (1 run each; cumulative ms, so"
        " parts overlap; wfbrowse functions include the Textual work they call):"
    )
    labels = list(dict.fromkeys([*columns["bare"], *columns["wfbrowse"]]))
    for label in labels:
        bare, ours = columns["bare"].get(label), columns["wfbrowse"].get(label)
        cells = "".join(f"{'':>12}" if v is None else f"{v:9.1f} ms" for v in (bare, ours))
        print(f"    {label:<52}{cells}")


def parse_importtime(path: str) -> dict[str, tuple[int, int]]:
    """Module -> (self us, cumulative us), for imports made before the first frame."""
    modules: dict[str, tuple[int, int]] = {}
    for line in Path(path).read_text().splitlines():
        if line == "PROBE first-frame":
            break
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        modules[name.strip()] = (int(own), int(cumulative))
    return modules


def where_time_goes(probe_runs: int, importtime_runs: int) -> None:
    env = isolated_env()
    columns: dict[str, list[dict[str, float]]] = {"bare": [], "wfbrowse": []}
    for index in range(probe_runs):
        order = [("bare", ["bare"]), ("wfbrowse", ["wfbrowse"])]
        for name, which in order if index % 2 == 0 else reversed(order):
            columns[name].append(phases(probe_run(which, env)))
    print()
    medians = phase_table(
        columns,
        f"where the time goes: startup_probe.py, median of {probe_runs} runs each "
        "(times 'at' are since launch)",
    )
    gap = medians["wfbrowse"]["first frame (at)"] - medians["bare"]["first frame (at)"]
    print(f"    wfbrowse's first frame comes {gap:.0f} ms after the bare app's in these runs")
    if not importtime_runs:
        return
    profile_table(env)

    logs: dict[str, list[dict[str, tuple[int, int]]]] = {"bare": [], "wfbrowse": []}
    folder = Path(tempfile.mkdtemp(prefix="wfbrowse-importtime-"))
    for index in range(importtime_runs):
        for name in ("bare", "wfbrowse"):
            log = folder / f"{name}-{index}.log"
            probe_run([name], env, importtime=str(log))
            logs[name].append(parse_importtime(str(log)))
    bare_modules = set().union(*(set(run) for run in logs["bare"]))
    extra: dict[str, list[int]] = defaultdict(list)
    for run in logs["wfbrowse"]:
        for module, (own, _) in run.items():
            if module not in bare_modules:
                extra[module].append(own)
    own_ms = {module: median(values) / 1000 for module, values in extra.items()}
    groups: dict[str, float] = defaultdict(float)
    for module, value in own_ms.items():
        top = module.split(".")[0]
        groups[module if top == "wfbrowse" else top] += value  # wfbrowse's own one by one
    print(
        f"  imports before the first frame that the bare app does not make (-X importtime, "
        f"median of {importtime_runs}; its own overhead inflates every figure):"
    )
    print(
        f"    {len(own_ms)} modules, {sum(own_ms.values()):.1f} ms of their own import time; "
        "the top ten (wfbrowse's modules one by one, others by package):"
    )
    for name, value in sorted(groups.items(), key=lambda item: -item[1])[:10]:
        print(f"      {value:6.1f} ms  {name}")
    after = [
        len(
            Path(folder / f"wfbrowse-{index}.log")
            .read_text()
            .split("PROBE first-frame")[1]
            .split("\n")
        )
        - 2
        for index in range(importtime_runs)
    ]
    print(f"    (and about {median(after):.0f} more imports right after the first frame)")


def main(
    runs: int = RUNS,
    warmup: int = WARMUP,
    probe_runs: int = PROBE_RUNS,
    importtime_runs: int = IMPORTTIME_RUNS,
) -> dict[str, float]:
    compile_package()
    bare, ours, floor = measure(runs, warmup)
    figures = report(bare, ours, floor, runs, warmup)
    if probe_runs:
        where_time_goes(probe_runs, importtime_runs)
    return figures


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm-256color")
    main()
