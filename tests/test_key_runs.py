"""A key, or a long part of one, in a text: found (copies are refused) and hidden (on screen)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_API_KEY, TEST_APP_KEY
from wfbrowse.key_runs import MIN_KEY_LEN, SHARED_RUN, hide_runs, holds_part_of, key_runs
from wfbrowse.textsafe import KEY_HIDDEN, escape_controls, hide_keys, hide_on_screen

MARK = "<>"


def _covered(text: str, key: str) -> list[bool]:
    """Plain search: which characters of `text` lie in a stretch it shares with `key` that
    is the whole key or SHARED_RUN characters long (every such window of the text)."""
    width = len(key) if len(key) <= SHARED_RUN else SHARED_RUN
    covered = [False] * len(text)
    for start in range(len(text) - width + 1):
        if key and text[start : start + width] in key:
            for index in range(start, start + width):
                covered[index] = True
    return covered


def _hidden_by_plain_search(text: str, key: str) -> str:
    """What `hide_runs` must give: each stretch of covered characters replaced by MARK."""
    covered = _covered(text, key)
    out: list[str] = []
    for index, char in enumerate(text):
        if not covered[index]:
            out.append(char)
        elif index == 0 or not covered[index - 1]:
            out.append(MARK)
    return "".join(out)


def test_a_key_or_sixteen_characters_of_one_are_found_anywhere_in_a_text() -> None:
    key = TEST_API_KEY
    assert holds_part_of(f"a run echoing {key} in its output", [key])
    assert holds_part_of(key[3 : 3 + SHARED_RUN], [key])
    assert not holds_part_of(key[3 : 3 + SHARED_RUN - 1], [key])
    assert not holds_part_of("no key here", [key, ""])  # an empty key is no key
    assert not holds_part_of("a text with x in it", ["x"])  # nor a test's dummy "x"


def test_each_stretch_holding_a_key_is_hidden_whole_and_the_rest_is_kept() -> None:
    api, app = TEST_API_KEY, TEST_APP_KEY
    text = f"api={api}&app={app[:-3]}&tail={api[-SHARED_RUN + 1 :]}"
    assert key_runs(text, [api, app]) == [(4, 4 + len(api)), (5 + len(api) + 4, text.index("&t"))]
    assert hide_runs(text, [api, app], MARK) == f"api={MARK}&app={MARK}&tail={api[-15:]}"
    # Side by side, two keys' stretches make one.
    assert hide_runs(api + app, [api, app], MARK) == MARK


@given(
    key=st.text(alphabet="0123456789abcdef", min_size=1, max_size=48),
    before=st.text(alphabet="0123456789abcdefx", max_size=40),
    after=st.text(alphabet="0123456789abcdefx", max_size=40),
    start=st.integers(min_value=0, max_value=48),
    length=st.integers(min_value=0, max_value=48),
)
@settings(max_examples=500, deadline=None)
def test_finding_and_hiding_agree_with_a_plain_search(
    key: str, before: str, after: str, start: int, length: int
) -> None:
    text = before + key[start : start + length] + after
    # Keys shorter than MIN_KEY_LEN are not looked for (they would be in almost any text).
    assert holds_part_of(text, [key]) == (len(key) >= MIN_KEY_LEN and any(_covered(text, key)))
    hidden = hide_runs(text, [key], MARK)
    assert hidden == _hidden_by_plain_search(text, key)
    assert not holds_part_of(hidden, [key])


def test_the_screen_hides_the_keys_named_to_it_and_keeps_them_hidden() -> None:
    echo = f"DD-API-KEY: {TEST_API_KEY}\x1b[31m"
    assert escape_controls(echo) == f"DD-API-KEY: {TEST_API_KEY}\\x1b[31m"  # none named yet
    hide_on_screen([TEST_API_KEY, "short", ""])
    assert escape_controls(echo) == f"DD-API-KEY: {KEY_HIDDEN}\\x1b[31m"
    assert escape_controls("short and plain") == "short and plain"  # too short to be a key
    hide_on_screen([TEST_APP_KEY])  # keys switched: the ones before are still secrets
    assert hide_keys(f"{TEST_API_KEY} {TEST_APP_KEY[5:30]}") == f"{KEY_HIDDEN} {KEY_HIDDEN}"


def test_an_escape_beside_a_shorter_part_of_a_key_does_not_lengthen_it_on_screen() -> None:
    # 15 characters of the key, one short of hiding; the escape of U+202E before them ends in
    # "e", the key's character just before them: shown, 16 in a row would be the key's.
    part = TEST_API_KEY[11:26]
    assert TEST_API_KEY[10] == "e" and not holds_part_of(part, [TEST_API_KEY])
    hide_on_screen([TEST_API_KEY])
    shown = escape_controls("\u202e" + part)
    assert not holds_part_of(shown, [TEST_API_KEY])
    assert KEY_HIDDEN in shown
