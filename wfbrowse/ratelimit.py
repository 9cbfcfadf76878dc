"""Datadog's rate-limit headers, read leniently and turned into a countdown.

Every Datadog response may carry `X-RateLimit-{Limit,Period,Remaining,Reset,Name}`. Header
names arrive in any letter case (both spellings are seen in recorded traffic), values may be
missing or junk (a proxy rewriting them, a repeated header joined with commas), and `Reset` is
a delay in seconds, not an epoch. This module folds case itself so it works on any mapping or
list of pairs, not only on `httpx.Headers`.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_PREFIX = "x-ratelimit-"
_FIELDS = ("limit", "period", "remaining", "reset", "name")

# A bucket name is shown in the status bar: keep it short and printable.
_MAX_NAME = 64
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Datadog's budgets are requests by the hundred or thousand per period. A count above this is
# a broken header (a proxy's, say), not a budget: shown, it would fill the status bar with
# digits (and a float such as 1e300 read as a count is not even the number sent), so it is
# ignored like any other junk.
MAX_COUNT = 1_000_000_000
# The longest a Reset is believed. Reset is the time left in the current period, so it can
# never exceed the Period; a bigger figure (years, from a broken header) taken at its word
# would hold every request back, and the live watch, for as long as it claims. So it is cut
# to the period when one is given, and to an hour in any case: a guess that turns out too
# short only costs one more 429, which brings fresh headers.
MAX_RESET = 3600.0


@dataclass(frozen=True)
class RateLimit:
    """One response's view of its rate-limit bucket."""

    limit: int | None
    period: int | None
    remaining: int | None
    reset: float | None  # seconds until the bucket resets, as of `received_at`
    name: str | None
    received_at: float  # time.monotonic() when the headers were read

    @classmethod
    def from_headers(
        cls,
        headers: Mapping[str, str] | Iterable[tuple[str, str]],
        now: float | None = None,
    ) -> RateLimit | None:
        """Read the rate-limit headers; None when none of them carries a usable value."""
        raw = _collect(headers)
        limit = _parse_count(raw.get("limit"))
        period = _parse_count(raw.get("period"))
        remaining = _parse_count(raw.get("remaining"))
        reset = _parse_seconds(raw.get("reset"))
        name = _parse_name(raw.get("name"))
        if (limit, period, remaining, reset, name) == (None, None, None, None, None):
            return None
        if reset is not None:
            reset = min(reset, float(period) if period else MAX_RESET, MAX_RESET)
        if limit is not None and remaining is not None and remaining > limit:
            # One of the two is wrong, and "rate 5000/10" helps nobody. Remaining is the one
            # that decides whether to hold back (0: spent), so it stays and the limit goes.
            limit = None
        received_at = time.monotonic() if now is None else now
        return cls(limit, period, remaining, reset, name, received_at)

    def reset_in(self, now: float | None = None) -> float | None:
        """Seconds left until the bucket resets, counting down from when it was read."""
        if self.reset is None:
            return None
        current = time.monotonic() if now is None else now
        return max(0.0, self.reset - (current - self.received_at))

    def describe(self, now: float | None = None) -> str:
        """A short status-bar text, e.g. "rate 987/1000 · resets 42s · workflows_instances"."""
        parts: list[str] = []
        if self.remaining is not None and self.limit is not None:
            parts.append(f"rate {self.remaining}/{self.limit}")
        elif self.remaining is not None:
            parts.append(f"rate {self.remaining} left")
        elif self.limit is not None:
            parts.append(f"rate limit {self.limit}")
        left = self.reset_in(now)
        if left is not None:
            parts.append(f"resets {format_delay(left)}")
        if self.name:
            parts.append(self.name)
        return " · ".join(parts)


def format_delay(seconds: float) -> str:
    """Compact human delay, rounded up so "resets 1s" is never shown when 1.4 s are left."""
    whole = max(0, math.ceil(seconds))
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        minutes, secs = divmod(whole, 60)
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    hours, rest = divmod(whole, 3600)
    minutes = rest // 60
    return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"


def _collect(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """The rate-limit values keyed by field name; the first occurrence of a header wins."""
    pairs: Iterable[tuple[str, str]]
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    found: dict[str, str] = {}
    for key, value in pairs:
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        folded = key.strip().casefold()
        if not folded.startswith(_PREFIX):
            continue
        field_name = folded[len(_PREFIX) :]
        if field_name in _FIELDS and field_name not in found:
            found[field_name] = value
    return found


def _first_token(value: str | None) -> str | None:
    # A header sent twice is often joined as "100, 100": the first value is the one to trust.
    if value is None:
        return None
    token = value.split(",", 1)[0].strip()
    return token or None


def _parse_seconds(value: str | None) -> float | None:
    token = _first_token(value)
    if token is None:
        return None
    try:
        number = float(token)
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    return number


def _parse_count(value: str | None) -> int | None:
    number = _parse_seconds(value)
    if number is None or number > MAX_COUNT or number != int(number):
        return None
    return int(number)


def _parse_name(value: str | None) -> str | None:
    if value is None:
        return None
    # The name goes on screen: drop control and format characters rather than escape them.
    cleaned = "".join(ch for ch in value.strip() if unicodedata.category(ch) not in _UNPRINTABLE)
    return cleaned[:_MAX_NAME] or None
