"""Drive a real program in a real terminal: a private tmux server per session."""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence

_counter = itertools.count()


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


class TmuxSession:
    """One detached tmux session on its own server socket (`tmux -L`), killed on close."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        width: int = 120,
        height: int = 40,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.socket = f"wfbrowse-test-{os.getpid()}-{next(_counter)}"
        self.target = "main"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
        environment.update(env or {})
        environment.setdefault("TERM", "xterm-256color")
        if environment.get("TERM") == "dumb":
            environment["TERM"] = "xterm-256color"
        self._env = environment
        # `remain-on-exit` keeps the pane after the program ends, so its last screen (and
        # exit status) can still be read.
        script = shlex.join(command)
        self._tmux(
            "new-session",
            "-d",
            "-s",
            self.target,
            "-x",
            str(width),
            "-y",
            str(height),
            *(["-c", cwd] if cwd else []),
            script,
        )
        self._tmux("set-option", "-t", self.target, "remain-on-exit", "on")

    def _tmux(self, *args: str, input: str | None = None) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self._env,
            input=input,
            timeout=20,
            check=True,
        )
        return result.stdout

    def send_keys(self, *keys: str, literal: bool = False) -> None:
        self._tmux("send-keys", "-t", self.target, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.target)

    def wait_for(self, predicate: str | Callable[[str], bool], timeout: float = 15.0) -> str:
        """Poll the screen every 20 ms until it shows the text (or the predicate holds)."""
        check = (lambda screen: predicate in screen) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {predicate!r}; the screen shows:\n{screen}")

    def pane_dead(self) -> bool:
        return self._tmux("display-message", "-p", "-t", self.target, "#{pane_dead}").strip() == "1"

    def exit_status(self) -> int | None:
        value = self._tmux("display-message", "-p", "-t", self.target, "#{pane_dead_status}")
        return int(value) if value.strip() else None

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10, check=False
        )

    def __enter__(self) -> TmuxSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
