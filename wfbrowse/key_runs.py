"""Where a text holds one of the user's keys, or a long enough part of one to give it away.

A run's data can echo a key (a step that called Datadog's API and logged its request headers,
say). Copying such text is refused (`holds_part_of`), and on screen the key is hidden
(`hide_runs`, which `textsafe.escape_controls` applies to every server text it is given).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

# A text that shares this many characters in a row with a key holds too much of it.
# (Sixteen hex digits are 64 bits: no run that long matches a key by chance.)
SHARED_RUN = 16
_CHUNK = SHARED_RUN // 2

# Shorter values are never looked for as keys where they are blanked out (the debug log, the
# screen): blanking every "demo" or "a1b2" would garble the text, and no real key is that short.
MIN_KEY_LEN = 8


def holds_part_of(text: str, secrets: Iterable[str]) -> bool:
    """Whether `text` holds any secret, or SHARED_RUN characters in a row of one. Secrets
    shorter than MIN_KEY_LEN are not looked for (a test's dummy "x", a field half typed):
    they would be found in almost any text."""
    keys = [secret for secret in secrets if len(secret) >= MIN_KEY_LEN]
    return next(_runs(text, keys), None) is not None


def key_runs(text: str, secrets: Iterable[str]) -> list[tuple[int, int]]:
    """The (start, stop) spans of `text` that `holds_part_of` answers for, widened to all the
    characters each shares with a secret; in order, overlapping spans merged."""
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(_runs(text, secrets)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return merged


def hide_runs(text: str, secrets: Iterable[str], marker: str) -> str:
    """`text` with each of its `key_runs` replaced by `marker`."""
    runs = key_runs(text, secrets)
    if not runs:
        return text
    pieces: list[str] = []
    done = 0
    for start, stop in runs:
        pieces += (text[done:start], marker)
        done = stop
    pieces.append(text[done:])
    return "".join(pieces)


def _runs(text: str, secrets: Iterable[str]) -> Iterator[tuple[int, int]]:
    """Every place `text` holds a whole secret, or SHARED_RUN characters in a row of one.

    A run that long always holds a whole chunk of the secret cut at a multiple of
    SHARED_RUN // 2, so each chunk is looked for (a fast `str.find`) and each place it
    occurs is widened to the longest run the text and the secret share. A secret that short
    is looked for whole.
    """
    for secret in secrets:
        if not secret:
            continue
        if len(secret) <= SHARED_RUN:
            at = text.find(secret)
            while at != -1:
                yield at, at + len(secret)
                at = text.find(secret, at + 1)
            continue
        for start in range(0, len(secret) - _CHUNK + 1, _CHUNK):
            chunk = secret[start : start + _CHUNK]
            at = text.find(chunk)
            while at != -1:
                begin, end = _shared_run(text, at, secret, start)
                if end - begin >= SHARED_RUN:
                    yield begin, end
                at = text.find(chunk, at + 1)


def _shared_run(text: str, at: int, secret: str, start: int) -> tuple[int, int]:
    """The span of `text` it shares with `secret` around `at`, widened both ways from the
    _CHUNK characters known to match there (`secret[start:]` lies at `at`)."""
    before = 0
    while before < start and before < at and text[at - before - 1] == secret[start - before - 1]:
        before += 1
    after = _CHUNK
    while (
        start + after < len(secret)
        and at + after < len(text)
        and text[at + after] == secret[start + after]
    ):
        after += 1
    return at - before, at + after
