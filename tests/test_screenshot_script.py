"""screenshots/make_screenshots.py, run as a user runs it, on a few of its shots."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "screenshots" / "make_screenshots.py"
SVG = "{http://www.w3.org/2000/svg}"

# What a user sees on each screen.
EXPECTED = {
    "run-failed": [
        "Triage high error rate on checkout-api",
        "● Failed",
        "Fetch_recent_deploys",
        "FAILED",
        "Request failed with status code 503",
        "loaded instance 9b5f8544-d92d-48ec-b0a5-002b898396dc",
    ],
    "search": ["Triage high error rate on checkout-api", "match 1 of", '"checkout-api"'],
    "keys-screen": ["Datadog keys", "API key", "Application key", "stored for 'default'", "•"],
}


@pytest.fixture(scope="module")
def script() -> ModuleType:
    """The script's module, for its constants (the shots are taken in a subprocess)."""
    spec = importlib.util.spec_from_file_location("make_screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def visible_text(root: ElementTree.Element) -> str:
    """The screen's text as the SVG draws it: the <text> runs of each row, left to right."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for element in root.iter(f"{SVG}text"):
        y, x = float(element.get("y", "0")), float(element.get("x", "0"))
        rows.setdefault(y, []).append((x, "".join(element.itertext())))
    lines = ("".join(text for _, text in sorted(cells)) for _, cells in sorted(rows.items()))
    return "\n".join(line.replace("\xa0", " ") for line in lines)


def run_script(out: Path, *names: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), "--only", ",".join(names)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # a guard against a hang, not a speed check
        check=False,
    )


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory, script: ModuleType) -> Path:
    """The script run once, on every shot, into a folder of its own."""
    out = tmp_path_factory.mktemp("screenshots")
    done = run_script(out, *(shot.name for shot in script.SHOTS))
    assert done.returncode == 0, done.stderr
    return out


def test_each_shot_is_an_svg_of_what_the_user_sees(shots: Path, script: ModuleType) -> None:
    assert sorted(path.name for path in shots.iterdir()) == sorted(
        f"{shot.name}.svg" for shot in script.SHOTS
    )
    titles = {shot.name: shot.title for shot in script.SHOTS}
    for name, expected_texts in EXPECTED.items():
        svg = (shots / f"{name}.svg").read_text(encoding="utf-8")
        root = ElementTree.fromstring(svg)  # well-formed XML
        assert root.tag == f"{SVG}svg"
        text = visible_text(root)
        assert titles[name] in text
        for expected in expected_texts:
            assert expected in text, f"{name}: {expected!r} not on screen"
        # The loopback port, which changes on every run, is pinned.
        assert script.SHOWN_URL in text


def test_the_screenshots_kept_show_what_the_app_shows_now(shots: Path, script: ModuleType) -> None:
    """The SVGs in screenshots/ are the script's output for the app as it is: a change that
    shows something else on one of them is followed by running the script again."""
    for shot in script.SHOTS:
        kept = ElementTree.parse(ROOT / "screenshots" / f"{shot.name}.svg").getroot()
        made = ElementTree.parse(shots / f"{shot.name}.svg").getroot()
        assert visible_text(kept) == visible_text(made), (
            f"screenshots/{shot.name}.svg is out of date: run screenshots/make_screenshots.py"
        )


def test_keys_show_masked_and_never_in_clear(shots: Path, script: ModuleType) -> None:
    svg = (shots / "keys-screen.svg").read_text(encoding="utf-8")
    text = visible_text(ElementTree.fromstring(svg))
    assert f"API key …{script.STORED_API_KEY[-4:]}" in text
    assert f"application key …{script.STORED_APP_KEY[-4:]}" in text
    for key in script.FAKE_KEYS:
        assert key.startswith("FAKE")
        assert key[:-4] not in svg
        assert key[:12] not in text
    assert "FAKE" not in svg


def test_an_unknown_shot_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_script(out, "no-such-shot")
    assert done.returncode != 0
    assert "no-such-shot" in done.stderr
    assert not out.exists()
