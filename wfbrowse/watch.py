"""When to refresh a running run, how to stay within the rate limit, and what changed.

Pure policy: nothing here sleeps, reads a clock or sends anything. The app asks
`WatchPolicy.next_delay` after every fetch of the watched run, asks the shared `RateGate`
before every request it sends, and tells the gate about every response. Times are
`time.monotonic()` values passed in as `now`, so all of it can be driven by simulated time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from wfbrowse.ratelimit import MAX_RESET, RateLimit

__all__ = [
    "DEFAULT_BLOCK",
    "MAX_BLOCK",
    "REASON_BACKOFF",
    "REASON_ENDED",
    "REASON_PACING",
    "REASON_RATE_LIMIT",
    "REASON_REFRESH",
    "RESET_MARGIN",
    "RateGate",
    "TreePath",
    "WatchPolicy",
    "changed_paths",
]

REASON_REFRESH = "refresh"
REASON_BACKOFF = "backing off"
REASON_PACING = "pacing for the rate limit"
REASON_RATE_LIMIT = "waiting for the rate limit to reset"
REASON_ENDED = "run ended"

# Reset is whole seconds on the wire and may be rounded either way: wait a little longer.
RESET_MARGIN = 1.0
# How long to hold back when the budget is spent (or a 429 came) and no Reset says for how long.
DEFAULT_BLOCK = 10.0
# The longest anything here ever holds requests back. `RateLimit.from_headers` already cuts a
# Reset to an hour, but a RateLimit can be built by other means, and a Period alone (used when
# no Reset came) is not cut: a header claiming a reset years away must not stop the user for
# years, nor the watch.
MAX_BLOCK = MAX_RESET + RESET_MARGIN

TreePath: TypeAlias = tuple[str | int, ...]  # member names and item indexes, from the root
_Chain: TypeAlias = "tuple[str | int, _Chain] | None"  # a path, innermost key first


@dataclass
class WatchPolicy:
    """The cadence of an auto-refresh: quick at first, slower while nothing changes.

    Keeps the current interval between calls; `restart` goes back to the base cadence (for
    when the watch is switched on again).
    """

    base: float = 2.0
    max_interval: float = 30.0
    factor: float = 1.5
    reserve: int = 2  # keep this many requests of the budget for the user's own actions
    interval: float | None = field(default=None, compare=False)

    def restart(self) -> None:
        self.interval = None

    def next_delay(
        self,
        *,
        changed: bool,
        running: bool,
        rate_limit: RateLimit | None,
        now: float,
    ) -> tuple[float | None, str]:
        """Seconds until the next refresh and why; (None, reason) when the run has ended.

        `changed`: whether the fetch just made differs from the one before it; `rate_limit`:
        the most recent rate-limit headers seen (of any response), if any.
        """
        if not running:
            self.interval = None
            return None, REASON_ENDED
        if self.interval is None or changed:
            self.interval = self.base
        else:
            self.interval = min(self.max_interval, max(self.base, self.interval * self.factor))
        delay = self.interval
        reason = REASON_REFRESH if delay <= self.base else REASON_BACKOFF
        wait = self._rate_wait(rate_limit, now)
        if wait is not None and wait[0] > delay:
            delay, reason = wait
        return delay, reason

    def _rate_wait(self, rate_limit: RateLimit | None, now: float) -> tuple[float, str] | None:
        """The least delay the rate limit asks for, or None when it asks for none."""
        if rate_limit is None or rate_limit.remaining is None:
            return None
        left = rate_limit.reset_in(now)
        budget = rate_limit.remaining - max(0, self.reserve)
        if budget <= 0:
            if left is None:  # no Reset: wait a whole period, whichever is known
                period = float(rate_limit.period or DEFAULT_BLOCK)
                return min(period, MAX_BLOCK), REASON_RATE_LIMIT
            return min(left + RESET_MARGIN, MAX_BLOCK), REASON_RATE_LIMIT
        if left is None or left <= 0:
            return None
        # Requests at left/budget, 2·left/budget, …: at most `budget` of them before the reset.
        # Each fetch brings fresh headers and this is worked out again, so it adapts.
        return min(left / budget, MAX_BLOCK), REASON_PACING


@dataclass
class RateGate:
    """Shared by every request of the app: after a 429 (or when the budget is spent) nothing
    may be sent before `not_before`.

    Only ever moves later: a response from another bucket cannot lift a block.
    """

    not_before: float = -math.inf

    def note(self, rate_limit: RateLimit | None, *, status: int, now: float) -> None:
        """Take in a response's status and rate-limit headers."""
        spent = rate_limit is not None and rate_limit.remaining == 0
        if status != 429 and not spent:
            return
        left = None if rate_limit is None else rate_limit.reset_in(now)
        if left is None:
            period = None if rate_limit is None else rate_limit.period
            block = float(period) if period else DEFAULT_BLOCK
        else:
            block = left + RESET_MARGIN
        self.not_before = max(self.not_before, now + min(block, MAX_BLOCK))

    def wait_needed(self, now: float) -> float:
        """Seconds to wait before the next request: 0 when it may go now."""
        return max(0.0, self.not_before - now)


def _same_scalar(old: Any, new: Any) -> bool:
    if type(old) is not type(new):  # 1, 1.0 and true are different JSON
        return False
    if old == new:
        return True
    return isinstance(old, float) and math.isnan(old) and math.isnan(new)


def changed_paths(old: Any, new: Any, limit: int = 10_000) -> set[TreePath]:
    """Where `new` differs from `old`, as paths into `new` (tuples of member names and indexes).

    A path is included for a scalar whose value or type changed, for a value (scalar or
    container, not its contents) that is new, for a value that turned into or out of a
    container, and for a container that lost members (the lost ones are nowhere in `new`).
    Walks with an explicit stack, so any depth is fine; stops after `limit` paths.
    """
    found: set[TreePath] = set()
    if limit <= 0:
        return found
    # A path is held as a chain (key, parent chain) and made a tuple only when it is found:
    # building a tuple for every node would cost depth² on a deep document.
    stack: list[tuple[_Chain, Any, Any]] = [(None, old, new)]
    while stack:
        chain, before, after = stack.pop()
        if before is after:
            continue  # the same object: nothing below can differ
        if isinstance(after, dict) and isinstance(before, dict):
            if any(key not in after for key in before):
                found.add(_as_path(chain))
            for key, value in after.items():
                if key in before:
                    stack.append(((key, chain), before[key], value))
                else:
                    found.add(_as_path((key, chain)))
                    if len(found) >= limit:
                        return found
        elif isinstance(after, list) and isinstance(before, list):
            if len(before) > len(after):
                found.add(_as_path(chain))
            for index, value in enumerate(after):
                if index < len(before):
                    stack.append(((index, chain), before[index], value))
                else:
                    found.add(_as_path((index, chain)))
                    if len(found) >= limit:
                        return found
        elif isinstance(after, (dict, list)) or isinstance(before, (dict, list)):
            found.add(_as_path(chain))  # a container appeared, vanished or changed kind here
        elif not _same_scalar(before, after):
            found.add(_as_path(chain))
        if len(found) >= limit:
            return found
    return found


def _as_path(chain: _Chain) -> TreePath:
    keys: list[str | int] = []
    while chain is not None:
        key, chain = chain
        keys.append(key)
    keys.reverse()
    return tuple(keys)
