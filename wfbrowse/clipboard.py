"""Put text on the clipboard by every route that can reach the user.

OSC 52 (written by the app) is the only route that crosses SSH to the user's own terminal,
but inside tmux it arrives only when the tmux server has `set-clipboard on`. So the text
also goes into the tmux paste buffer (`tmux load-buffer -`, which works whatever
set-clipboard says) when `$TMUX` is set, and to a local clipboard tool (wl-copy, xclip,
xsel, pbcopy) when a desktop session is there to receive it.

`copy_routes` blocks on subprocesses: call it from a worker thread. It keeps no global
state and never raises; every failure becomes a short phrase in `Delivery.failures`. The
copied text never appears in those phrases.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

OSC52_ROUTE = "OSC 52"
TMUX_ROUTE = "tmux buffer"

# Tools that fork (or stay) in the background to serve the selection once they have read
# their input: still running when the time limit ends is success for them.
_SELECTION_HOLDERS = frozenset({"wl-copy", "xclip"})


@dataclass(frozen=True)
class Delivery:
    """Where the text went: the routes that took it, in order, and what failed."""

    routes: tuple[str, ...]
    failures: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the status bar, e.g. `sent to clipboard: OSC 52, tmux buffer`."""
        if self.routes:
            line = "sent to clipboard: " + ", ".join(self.routes)
        else:
            line = "nothing sent to clipboard"
        for failure in self.failures:
            route, sep, reason = failure.partition(": ")
            line += f"; {route} failed: {reason}" if sep else f"; failed: {failure}"
        return " ".join(line.split())


@dataclass(frozen=True)
class _Outcome:
    ok: bool
    reason: str = ""


def copy_routes(
    text: str,
    *,
    osc52: Callable[[str], None],
    environ: Mapping[str, str] | None = None,
    timeout: float = 2.0,
) -> Delivery:
    """Send `text` to OSC 52, the tmux paste buffer and a local clipboard tool.

    `osc52` is always called (the app sends OSC 52 itself, from its UI thread, and passes a
    no-op). The tmux buffer is tried when `$TMUX` is set and `tmux` is on PATH; a local tool
    when a display is there and the tool is installed. Each subprocess gets `timeout`
    seconds. Routes that cannot apply (no tmux, no display, tool missing) are not tried and
    are not failures.
    """
    env = dict(os.environ if environ is None else environ)
    routes: list[str] = []
    failures: list[str] = []

    try:
        osc52(text)
    except Exception as exc:
        # The message of an arbitrary exception could quote the text: name the type only.
        failures.append(f"{OSC52_ROUTE}: {type(exc).__name__}")
    else:
        routes.append(OSC52_ROUTE)

    data = text.encode("utf-8", errors="replace")

    if env.get("TMUX"):
        tmux = _which("tmux", env)
        if tmux is not None:
            outcome = _run([tmux, "load-buffer", "-"], data, env, timeout, name="tmux")
            if outcome.ok:
                routes.append(TMUX_ROUTE)
            else:
                failures.append(f"{TMUX_ROUTE}: tmux {outcome.reason}")

    tool = _local_tool(env)
    if tool is not None:
        name, argv, tool_env = tool
        outcome = _run(argv, data, tool_env, timeout, name=name)
        if outcome.ok:
            routes.append(name)
        else:
            failures.append(f"{name}: {outcome.reason}")

    return Delivery(routes=tuple(routes), failures=tuple(failures))


def _which(program: str, env: Mapping[str, str]) -> str | None:
    """The program's path on the PATH of `env` (or of this process when `env` has none)."""
    return shutil.which(program, path=env.get("PATH"))


def _local_tool(env: dict[str, str]) -> tuple[str, list[str], dict[str, str]] | None:
    """The desktop clipboard tool to use: its route name, command line and environment."""
    if sys.platform == "darwin":
        pbcopy = _which("pbcopy", env)
        if pbcopy is None:
            return None
        tool_env = dict(env)
        # pbcopy reads its input in the locale's encoding; without one, non-ASCII is garbled.
        if not any(tool_env.get(name) for name in ("LC_ALL", "LC_CTYPE", "LANG")):
            tool_env["LANG"] = "en_US.UTF-8"
        return "pbcopy", [pbcopy], tool_env
    if sys.platform == "win32":
        return None
    candidates: list[tuple[str, list[str]]] = []
    if env.get("WAYLAND_DISPLAY"):
        candidates.append(("wl-copy", []))
    if env.get("DISPLAY"):
        candidates.append(("xclip", ["-selection", "clipboard"]))
        candidates.append(("xsel", ["--clipboard", "--input"]))
    for name, args in candidates:
        path = _which(name, env)
        if path is not None:
            return name, [path, *args], env
    return None


def _run(
    argv: Sequence[str], data: bytes, env: Mapping[str, str], timeout: float, *, name: str
) -> _Outcome:
    """Run one tool with `data` on stdin; never raises."""
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            env=dict(env),
            # Its own session: a daemon left holding the selection must not get the
            # terminal's hangup or the app's signals.
            start_new_session=True,
        )
    except OSError as exc:
        return _Outcome(False, f"could not start ({type(exc).__name__})")
    try:
        proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        # communicate() closes stdin once all input is written.
        written = proc.stdin is None or proc.stdin.closed
        if written and name in _SELECTION_HOLDERS:
            # Still serving the selection in the foreground: leave it be, and reap it when
            # it ends (when something else takes the clipboard).
            threading.Thread(target=proc.wait, name=f"reap-{name}", daemon=True).start()
            return _Outcome(True)
        _stop(proc)
        return _Outcome(False, f"timed out after {timeout:g}s")
    except OSError as exc:
        # EPIPE and friends: the tool went away before it read everything.
        _stop(proc)
        return _Outcome(False, f"failed ({type(exc).__name__})")
    code = proc.returncode
    if code == 0:
        return _Outcome(True)
    if code < 0:
        return _Outcome(False, f"killed by signal {-code}")
    return _Outcome(False, f"exited {code}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        proc.kill()
        proc.wait(timeout=1.0)
    except (OSError, subprocess.TimeoutExpired):
        pass
