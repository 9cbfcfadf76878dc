"""Drive a real program in a real terminal: a private tmux server per session."""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

_counter = itertools.count()


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


def terminal_env() -> dict[str, str]:
    """This process's environment for a private tmux server and what runs in it: no TMUX
    variables (they name the developer's own server), and no COLUMNS or LINES (set by
    pytest-xdist's workers, 80x24), which Textual would take over the pane's own size."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TMUX") and k not in ("COLUMNS", "LINES")
    }


def kill_server(socket: str, env: Mapping[str, str] | None = None) -> None:
    """Stop the tmux server on `-L socket` and remove its socket file, which tmux (3.3)
    leaves behind: a test run would otherwise leave hundreds in the temporary folder."""
    environment = os.environ if env is None else env
    subprocess.run(
        ["tmux", "-L", socket, "kill-server"],
        capture_output=True,
        env=environment,
        timeout=10,
        check=False,
    )
    folder = Path(environment.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
    (folder / socket).unlink(missing_ok=True)


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
        environment = terminal_env()
        environment.update(env or {})
        environment.setdefault("TERM", "xterm-256color")
        if environment.get("TERM") == "dumb":
            environment["TERM"] = "xterm-256color"
        self._env = environment
        # The shell around the program writes its exit status to a file: tmux's own
        # `pane_dead_status` is sometimes left empty when the pane's terminal closes before
        # the process is reaped. `remain-on-exit` keeps the last screen readable.
        self._status_file = Path(tempfile.mkdtemp(prefix="wfbrowse-tmux-")) / "status"
        script = f"{shlex.join(command)}; echo $? > {shlex.quote(str(self._status_file))}"
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

    def screen_with_escapes(self) -> str:
        """The screen with its colours and text attributes as SGR escape sequences."""
        return self._tmux("capture-pane", "-p", "-e", "-t", self.target)

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

    def send_until(
        self, keys: Sequence[str], expect: str, *, attempts: int = 5, each: float = 1.0
    ) -> str:
        """Send keys until the screen shows `expect`.

        For the first keys after start-up only: Textual asks the terminal a few questions as
        it starts, and keys that arrive while those answers are parsed can be dropped.
        """
        for _ in range(attempts - 1):
            self.send_keys(*keys)
            try:
                return self.wait_for(expect, timeout=each)
            except AssertionError:
                continue
        self.send_keys(*keys)
        return self.wait_for(expect, timeout=each)

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the program to end; its exit status (tmux records it a moment after the
        pane dies, so wait for the status itself)."""
        self.wait_for(lambda _: self.exit_status() is not None, timeout=timeout)
        status = self.exit_status()
        assert status is not None
        return status

    def exit_status(self) -> int | None:
        """The program's exit status once it has ended, else None."""
        try:
            value = self._status_file.read_text()
        except FileNotFoundError:
            return None
        return int(value) if value.strip() else None

    def close(self) -> None:
        kill_server(self.socket, self._env)
        shutil.rmtree(self._status_file.parent, ignore_errors=True)

    def __enter__(self) -> TmuxSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
