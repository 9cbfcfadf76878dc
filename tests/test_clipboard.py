"""copy_routes against real programs: a private tmux server, and stand-in desktop tools."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tmux import kill_server, terminal_env, tmux_available
from wfbrowse.clipboard import Delivery, copy_routes

needs_tmux = pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")

MULTILINE = '{\n  "status": "failed",\n  "step": "Étape ✓ 日本語"\n}\n'
CONTROLS = "a\x1b]52;c;aGk=\x07b\x00c\r\nd\x7f\x1b[31mred\x1b[0m\tend"
BIG = "".join(f"{n:06d} línea de prueba ✓ {'x' * 40}\n" for n in range(2000))  # ~ 110 KB


class PrivateTmux:
    """A tmux server on its own `-L` socket, with the `$TMUX` value tmux gives its panes."""

    def __init__(self, tmp_path: Path) -> None:
        self.name = f"wfbrowse-clip-{os.getpid()}-{tmp_path.name}"
        self._tmux("new-session", "-d", "-s", "main", "sleep 3600")
        self.tmux_value = self._tmux("display", "-p", "#{socket_path},#{pid},0").strip()

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.name, "-f", "/dev/null", *args],
            capture_output=True,
            env=terminal_env(),
            timeout=20,
            check=True,
        )
        return result.stdout.decode("utf-8", errors="replace")

    def show_buffer(self) -> bytes:
        return subprocess.run(
            ["tmux", "-L", self.name, "show-buffer"],
            capture_output=True,
            env=terminal_env(),
            timeout=20,
            check=True,
        ).stdout

    def environ(self) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", os.defpath), "TMUX": self.tmux_value}

    def close(self) -> None:
        kill_server(self.name, terminal_env())


@pytest.fixture
def private_tmux(tmp_path: Path) -> Iterator[PrivateTmux]:
    server = PrivateTmux(tmp_path)
    try:
        yield server
    finally:
        server.close()


# --- tmux buffer ---------------------------------------------------------------------------


@needs_tmux
@pytest.mark.parametrize(
    "text",
    [MULTILINE, CONTROLS, BIG, "plain"],
    ids=["multiline-unicode", "controls-and-osc52", "100KB", "plain"],
)
def test_tmux_buffer_holds_exactly_the_text(private_tmux: PrivateTmux, text: str) -> None:
    sent: list[str] = []
    delivery = copy_routes(text, osc52=sent.append, environ=private_tmux.environ())

    assert delivery == Delivery(routes=("OSC 52", "tmux buffer"), failures=())
    assert sent == [text]
    assert private_tmux.show_buffer() == text.encode("utf-8")


@needs_tmux
def test_each_copy_becomes_the_newest_buffer(private_tmux: PrivateTmux) -> None:
    for text in ("first", "second ✓"):
        copy_routes(text, osc52=lambda _: None, environ=private_tmux.environ())
        assert private_tmux.show_buffer() == text.encode("utf-8")


@needs_tmux
def test_dead_tmux_socket_is_one_failure(tmp_path: Path) -> None:
    sent: list[str] = []
    environ = {
        "PATH": os.environ.get("PATH", os.defpath),
        "TMUX": f"{tmp_path / 'no-server'},12345,0",
    }
    delivery = copy_routes("secret-ish text", osc52=sent.append, environ=environ)

    assert sent == ["secret-ish text"]
    assert delivery.routes == ("OSC 52",)
    assert delivery.failures == ("tmux buffer: tmux exited 1",)
    assert delivery.describe() == ("sent to clipboard: OSC 52; tmux buffer failed: tmux exited 1")
    assert "secret-ish" not in delivery.describe()


def test_tmux_not_installed_is_not_tried(tmp_path: Path) -> None:
    environ = {"PATH": str(tmp_path), "TMUX": "/tmp/tmux-0/default,1,0"}
    delivery = copy_routes("x", osc52=lambda _: None, environ=environ)
    assert delivery == Delivery(routes=("OSC 52",), failures=())


# --- OSC 52 only -------------------------------------------------------------------------


def test_no_tmux_no_display_is_osc52_only() -> None:
    sent: list[str] = []
    environ = {"PATH": os.environ.get("PATH", os.defpath), "HOME": "/nonexistent"}
    delivery = copy_routes(CONTROLS, osc52=sent.append, environ=environ)

    assert delivery == Delivery(routes=("OSC 52",), failures=())
    assert sent == [CONTROLS]
    assert delivery.describe() == "sent to clipboard: OSC 52"


def test_empty_tmux_and_display_variables_count_as_unset(tmp_path: Path) -> None:
    _fake_tool(tmp_path, "xclip", "exit 0")
    environ = {"PATH": str(tmp_path), "TMUX": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    delivery = copy_routes("x", osc52=lambda _: None, environ=environ)
    assert delivery == Delivery(routes=("OSC 52",), failures=())


def test_osc52_that_raises_is_a_failure_not_an_exception() -> None:
    def broken(text: str) -> None:
        raise RuntimeError(f"could not write {text}")

    delivery = copy_routes("hidden words", osc52=broken, environ={})
    assert delivery == Delivery(routes=(), failures=("OSC 52: RuntimeError",))
    assert "hidden words" not in delivery.describe()
    assert delivery.describe() == "nothing sent to clipboard; OSC 52 failed: RuntimeError"


# --- local tools -------------------------------------------------------------------------
# A desktop clipboard tool cannot run here (no X or Wayland display), so each test puts its
# own small executable under the tool's name on a temporary PATH: a real process that gets
# the text on stdin exactly as wl-copy, xclip or xsel would.


def _fake_tool(folder: Path, name: str, body: str) -> Path:
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def _cat() -> str:
    cat = shutil.which("cat")
    assert cat is not None
    return cat


def _recording_tool(folder: Path, name: str, out: Path, args: Path) -> None:
    _fake_tool(
        folder,
        name,
        f'printf "%s\\n" "$@" > {shlex.quote(str(args))}\n'
        f"exec {shlex.quote(_cat())} > {shlex.quote(str(out))}",
    )


@pytest.mark.parametrize("text", [MULTILINE, CONTROLS, BIG], ids=["multiline", "controls", "big"])
def test_xclip_gets_exactly_the_text(tmp_path: Path, text: str) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    out, args = tmp_path / "clipboard", tmp_path / "args"
    _recording_tool(bin_dir, "xclip", out, args)

    sent: list[str] = []
    environ = {"PATH": str(bin_dir), "DISPLAY": ":99"}
    delivery = copy_routes(text, osc52=sent.append, environ=environ)

    assert delivery == Delivery(routes=("OSC 52", "xclip"), failures=())
    assert sent == [text]
    assert out.read_bytes() == text.encode("utf-8")
    assert args.read_text().splitlines() == ["-selection", "clipboard"]
    assert delivery.describe() == "sent to clipboard: OSC 52, xclip"


def test_xsel_when_xclip_is_missing(tmp_path: Path) -> None:
    out, args = tmp_path / "clipboard", tmp_path / "args"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _recording_tool(bin_dir, "xsel", out, args)

    delivery = copy_routes(
        "via xsel", osc52=lambda _: None, environ={"PATH": str(bin_dir), "DISPLAY": ":99"}
    )

    assert delivery.routes == ("OSC 52", "xsel")
    assert out.read_bytes() == b"via xsel"
    assert args.read_text().splitlines() == ["--clipboard", "--input"]


def test_wl_copy_on_wayland(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    out, args = tmp_path / "clipboard", tmp_path / "args"
    _recording_tool(bin_dir, "wl-copy", out, args)
    _fake_tool(bin_dir, "xclip", "exit 3")

    environ = {"PATH": str(bin_dir), "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":99"}
    delivery = copy_routes(MULTILINE, osc52=lambda _: None, environ=environ)

    assert delivery == Delivery(routes=("OSC 52", "wl-copy"), failures=())
    assert out.read_bytes() == MULTILINE.encode("utf-8")


def test_display_without_any_tool_is_not_a_failure(tmp_path: Path) -> None:
    delivery = copy_routes(
        "x", osc52=lambda _: None, environ={"PATH": str(tmp_path), "DISPLAY": ":99"}
    )
    assert delivery == Delivery(routes=("OSC 52",), failures=())


def test_tool_that_exits_1_is_a_failure_without_the_text(tmp_path: Path) -> None:
    _fake_tool(tmp_path, "xclip", f"{shlex.quote(_cat())} > /dev/null\nexit 1")

    delivery = copy_routes(
        "the copied words", osc52=lambda _: None, environ={"PATH": str(tmp_path), "DISPLAY": ":99"}
    )

    assert delivery.routes == ("OSC 52",)
    assert delivery.failures == ("xclip: exited 1",)
    assert delivery.describe() == "sent to clipboard: OSC 52; xclip failed: exited 1"
    assert "copied words" not in repr(delivery)


def test_tool_that_cannot_start_is_a_failure(tmp_path: Path) -> None:
    # Executable, but its interpreter does not exist: exec fails in the child.
    script = tmp_path / "xclip"
    script.write_text(f"#!{tmp_path / 'no-such-shell'}\n")
    script.chmod(0o755)

    delivery = copy_routes(
        "x", osc52=lambda _: None, environ={"PATH": str(tmp_path), "DISPLAY": ":99"}
    )

    assert delivery.routes == ("OSC 52",)
    assert len(delivery.failures) == 1
    assert delivery.failures[0].startswith("xclip: could not start (")


def test_selection_holder_still_running_after_reading_counts_as_delivered(
    tmp_path: Path,
) -> None:
    # xclip and wl-copy stay alive (or leave a child alive) to serve the selection.
    out, pid_file = tmp_path / "clipboard", tmp_path / "pid"
    _fake_tool(
        tmp_path,
        "xclip",
        f"echo $$ > {shlex.quote(str(pid_file))}\n"
        f"{shlex.quote(_cat())} > {shlex.quote(str(out))}\n"
        "exec sleep 30",
    )
    try:
        started = time.monotonic()
        delivery = copy_routes(
            "held",
            osc52=lambda _: None,
            environ={"PATH": f"{tmp_path}:/usr/bin:/bin", "DISPLAY": ":99"},
            timeout=0.5,
        )
        assert time.monotonic() - started < 5
        assert delivery == Delivery(routes=("OSC 52", "xclip"), failures=())
        assert out.read_bytes() == b"held"
    finally:
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


def test_daemon_child_does_not_hold_up_the_copy(tmp_path: Path) -> None:
    # The real xclip forks: the parent exits at once, the child keeps the selection.
    out, pid_file = tmp_path / "clipboard", tmp_path / "pid"
    _fake_tool(
        tmp_path,
        "xclip",
        f"{shlex.quote(_cat())} > {shlex.quote(str(out))}\n"
        f"sleep 30 &\necho $! > {shlex.quote(str(pid_file))}\nexit 0",
    )
    try:
        started = time.monotonic()
        delivery = copy_routes(
            "forked",
            osc52=lambda _: None,
            environ={"PATH": f"{tmp_path}:/usr/bin:/bin", "DISPLAY": ":99"},
        )
        assert time.monotonic() - started < 1.5
        assert delivery == Delivery(routes=("OSC 52", "xclip"), failures=())
        assert out.read_bytes() == b"forked"
    finally:
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


def test_tool_that_hangs_without_holding_the_selection_times_out(tmp_path: Path) -> None:
    # xsel is not given the benefit of the doubt: still running at the time limit is a failure.
    pid_file = tmp_path / "pid"
    _fake_tool(tmp_path, "xsel", f"echo $$ > {shlex.quote(str(pid_file))}\nexec sleep 30")

    started = time.monotonic()
    delivery = copy_routes(
        "x",
        osc52=lambda _: None,
        environ={"PATH": f"{tmp_path}:/usr/bin:/bin", "DISPLAY": ":99"},
        timeout=0.3,
    )

    assert time.monotonic() - started < 3
    assert delivery.routes == ("OSC 52",)
    assert delivery.failures == ("xsel: timed out after 0.3s",)


# --- describe ----------------------------------------------------------------------------


def test_describe_formats() -> None:
    assert Delivery(routes=("OSC 52",)).describe() == "sent to clipboard: OSC 52"
    assert (
        Delivery(routes=("OSC 52", "tmux buffer", "wl-copy")).describe()
        == "sent to clipboard: OSC 52, tmux buffer, wl-copy"
    )
    assert (
        Delivery(
            routes=("OSC 52",),
            failures=("tmux buffer: tmux exited 1", "xclip: timed out after 2s"),
        ).describe()
        == "sent to clipboard: OSC 52; tmux buffer failed: tmux exited 1;"
        " xclip failed: timed out after 2s"
    )
    assert Delivery(routes=(), failures=()).describe() == "nothing sent to clipboard"
    assert Delivery(routes=("OSC 52",), failures=("odd",)).describe() == (
        "sent to clipboard: OSC 52; failed: odd"
    )
    # Always one line.
    assert "\n" not in Delivery(routes=("OSC 52",), failures=("a: b\nc",)).describe()


def test_lone_surrogate_does_not_raise(tmp_path: Path) -> None:
    out, args = tmp_path / "clipboard", tmp_path / "args"
    _recording_tool(tmp_path, "xclip", out, args)
    sent: list[str] = []
    environ = {"PATH": str(tmp_path), "DISPLAY": ":99"}
    delivery = copy_routes("a\ud800b", osc52=sent.append, environ=environ)
    assert delivery == Delivery(routes=("OSC 52", "xclip"), failures=())
    assert sent == ["a\ud800b"]
    assert out.read_bytes() == b"a?b"
