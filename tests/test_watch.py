"""The watch's cadence, its rate-limit manners, and the change marks: all in simulated time."""

from __future__ import annotations

import copy
import itertools
import math
import random
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfbrowse.ratelimit import RateLimit
from wfbrowse.watch import (
    REASON_BACKOFF,
    REASON_ENDED,
    REASON_PACING,
    REASON_RATE_LIMIT,
    REASON_REFRESH,
    RESET_MARGIN,
    RateGate,
    WatchPolicy,
    changed_paths,
)


def limit(remaining: int | None, reset: float | None, now: float, **more: int) -> RateLimit:
    return RateLimit(more.get("limit"), more.get("period"), remaining, reset, None, now)


# -- cadence -------------------------------------------------------------------------------------


def test_base_cadence_is_two_seconds() -> None:
    policy = WatchPolicy()
    assert policy.next_delay(changed=False, running=True, rate_limit=None, now=0) == (
        2.0,
        REASON_REFRESH,
    )
    for step in range(5):
        delay, reason = policy.next_delay(changed=True, running=True, rate_limit=None, now=step)
        assert (delay, reason) == (2.0, REASON_REFRESH)


def test_backs_off_while_nothing_changes_up_to_the_cap() -> None:
    policy = WatchPolicy()
    delays: list[float] = []
    for step in range(16):
        delay, reason = policy.next_delay(changed=False, running=True, rate_limit=None, now=0)
        assert delay is not None
        assert reason == (REASON_REFRESH if step == 0 else REASON_BACKOFF)
        delays.append(delay)
    assert delays[:4] == [2.0, 3.0, 4.5, 6.75]
    assert all(b >= a for a, b in itertools.pairwise(delays))
    assert delays[-1] == 30.0 == max(delays)


def test_a_change_goes_back_to_the_base_cadence() -> None:
    policy = WatchPolicy()
    for _ in range(6):
        policy.next_delay(changed=False, running=True, rate_limit=None, now=0)
    assert policy.next_delay(changed=True, running=True, rate_limit=None, now=0) == (
        2.0,
        REASON_REFRESH,
    )
    assert policy.next_delay(changed=False, running=True, rate_limit=None, now=0)[0] == 3.0


def test_stops_when_the_run_ends_and_restarts_at_base() -> None:
    policy = WatchPolicy()
    for _ in range(6):
        policy.next_delay(changed=False, running=True, rate_limit=None, now=0)
    assert policy.next_delay(changed=True, running=False, rate_limit=None, now=0) == (
        None,
        REASON_ENDED,
    )
    assert policy.next_delay(changed=False, running=True, rate_limit=None, now=0)[0] == 2.0
    policy.next_delay(changed=False, running=True, rate_limit=None, now=0)
    policy.restart()
    assert policy.next_delay(changed=False, running=True, rate_limit=None, now=0)[0] == 2.0


def test_nearly_spent_budget_waits_for_the_reset() -> None:
    policy = WatchPolicy()
    seen = limit(remaining=2, reset=8, now=100.0)
    delay, reason = policy.next_delay(changed=True, running=True, rate_limit=seen, now=101.0)
    assert reason == REASON_RATE_LIMIT
    assert delay == pytest.approx(7.0 + RESET_MARGIN)


def test_spent_budget_without_reset_waits_a_period() -> None:
    policy = WatchPolicy()
    seen = limit(remaining=0, reset=None, now=0.0, period=60)
    assert policy.next_delay(changed=True, running=True, rate_limit=seen, now=0.0) == (
        60.0,
        REASON_RATE_LIMIT,
    )


def test_the_budget_is_spread_over_the_time_to_reset() -> None:
    policy = WatchPolicy()
    seen = limit(remaining=6, reset=40, now=0.0)  # 4 for the watch in 40 s: one per 10 s
    assert policy.next_delay(changed=True, running=True, rate_limit=seen, now=0.0) == (
        10.0,
        REASON_PACING,
    )
    plenty = limit(remaining=1000, reset=40, now=0.0)
    assert policy.next_delay(changed=True, running=True, rate_limit=plenty, now=0.0) == (
        2.0,
        REASON_REFRESH,
    )


def test_an_old_reading_whose_reset_has_passed_does_not_slow_the_watch() -> None:
    policy = WatchPolicy()
    seen = limit(remaining=3, reset=5, now=0.0)
    assert policy.next_delay(changed=True, running=True, rate_limit=seen, now=20.0) == (
        2.0,
        REASON_REFRESH,
    )


# -- the gate ------------------------------------------------------------------------------------


def test_after_a_429_nothing_goes_before_reset() -> None:
    gate = RateGate()
    assert gate.wait_needed(50.0) == 0
    gate.note(limit(remaining=0, reset=7, now=50.0), status=429, now=50.0)
    for tenth in range(70):
        now = 50.0 + tenth / 10
        assert gate.wait_needed(now) >= 57.0 - now > 0
    assert gate.wait_needed(57.0 + RESET_MARGIN) == 0


def test_a_429_without_headers_still_blocks() -> None:
    gate = RateGate()
    gate.note(None, status=429, now=0.0)
    assert gate.wait_needed(5.0) > 0


def test_a_later_response_cannot_lift_a_block() -> None:
    gate = RateGate()
    gate.note(limit(remaining=0, reset=30, now=0.0), status=429, now=0.0)
    gate.note(limit(remaining=900, reset=2, now=1.0), status=200, now=1.0)  # another bucket
    gate.note(limit(remaining=0, reset=1, now=2.0), status=429, now=2.0)
    assert gate.wait_needed(29.0) > 0


def test_a_spent_budget_blocks_even_without_a_429() -> None:
    gate = RateGate()
    gate.note(limit(remaining=0, reset=4, now=0.0), status=200, now=0.0)
    assert gate.wait_needed(3.9) > 0
    assert gate.wait_needed(4.0 + RESET_MARGIN) == 0
    gate.note(limit(remaining=1, reset=4, now=10.0), status=200, now=10.0)
    assert gate.wait_needed(10.0) == 0


# -- against a server with a real fixed-window limit ---------------------------------------------


@dataclass
class FixedWindowServer:
    """Counts requests per window of `period` s; answers 429 past `limit`, like Datadog."""

    limit: int = 5
    period: float = 10.0
    rounding: str = "exact"  # how Reset is rounded on the wire
    counts: dict[int, int] = field(default_factory=dict)

    def request(self, now: float) -> tuple[int, RateLimit]:
        window = math.floor(now / self.period)
        self.counts[window] = self.counts.get(window, 0) + 1
        reset = (window + 1) * self.period - now
        if self.rounding == "ceil":
            reset = math.ceil(reset)
        elif self.rounding == "floor":
            reset = math.floor(reset)
        remaining = max(0, self.limit - self.counts[window])
        status = 429 if self.counts[window] > self.limit else 200
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Period": str(int(self.period)),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(reset),
        }
        seen = RateLimit.from_headers(headers, now=now)
        assert seen is not None
        return status, seen


@dataclass
class Sent:
    at: float
    status: int
    by: str  # "watch" or "user"


def simulate(
    server: FixedWindowServer,
    *,
    until: float,
    changes: bool,
    users: tuple[float, ...] = (),
    others: tuple[float, ...] = (),
) -> list[Sent]:
    """Drive the policy and the gate over simulated time as the app does.

    `users`: when the user asks for something (through the app, hence through the gate);
    `others`: requests of another program sharing the key (the app never sees them).
    """
    policy, gate = WatchPolicy(), RateGate()
    pending_users, pending_others = sorted(users), sorted(others)
    latest: RateLimit | None = None
    sent: list[Sent] = []
    due: float | None = 0.0
    while True:
        next_user = pending_users[0] if pending_users else math.inf
        next_other = pending_others[0] if pending_others else math.inf
        next_watch = math.inf if due is None else due
        now = min(next_user, next_other, next_watch)
        if now >= until:
            return sent
        if now == next_other:
            server.request(pending_others.pop(0))
            continue
        wait = gate.wait_needed(now)
        if now == next_user:
            pending_users.pop(0)
            if wait > 0:  # the app holds the request back until the gate opens
                pending_users.insert(0, now + wait)
                continue
            status, latest = server.request(now)
            gate.note(latest, status=status, now=now)
            sent.append(Sent(now, status, "user"))
            continue
        if wait > 0:
            due = now + wait
            continue
        status, latest = server.request(now)
        gate.note(latest, status=status, now=now)
        sent.append(Sent(now, status, "watch"))
        delay, _ = policy.next_delay(changed=changes, running=True, rate_limit=latest, now=now)
        due = None if delay is None else now + delay


@pytest.mark.parametrize("rounding", ["exact", "ceil", "floor"])
@pytest.mark.parametrize("changes", [True, False])
def test_the_watch_never_exceeds_a_real_budget(rounding: str, changes: bool) -> None:
    server = FixedWindowServer(rounding=rounding)
    sent = simulate(server, until=120.0, changes=changes)
    assert max(server.counts.values()) <= server.limit  # never a 6th request in a window
    assert {request.status for request in sent} == {200}
    # It keeps refreshing: never a long gap, and while things change, in every window.
    times = [request.at for request in sent]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert max(gaps) <= WatchPolicy().max_interval
    assert times[-1] >= 120.0 - WatchPolicy().max_interval
    if changes:
        assert len(server.counts) == 12
        assert len(sent) >= 24  # about the 3 a window the budget leaves, not 1


def test_the_watch_leaves_the_reserve_to_the_user() -> None:
    """With the user asking twice in each window, nobody ever meets a 429 or waits."""
    server = FixedWindowServer()
    users = tuple(window * 10.0 + offset for window in range(12) for offset in (6.5, 8.5))
    sent = simulate(server, until=120.0, changes=True, users=users)
    assert {request.status for request in sent} == {200}
    assert max(server.counts.values()) <= server.limit
    assert sorted(r.at for r in sent if r.by == "user") == sorted(users)  # none held back


@pytest.mark.parametrize("seed", range(25))
def test_any_user_traffic_plus_the_watch_never_meets_a_429(seed: int) -> None:
    rng = random.Random(seed)
    server = FixedWindowServer(rounding=rng.choice(["exact", "ceil", "floor"]))
    users = tuple(rng.uniform(0, 120) for _ in range(rng.randint(0, 80)))
    sent = simulate(server, until=120.0, changes=rng.random() < 0.5, users=users)
    assert max(server.counts.values()) <= server.limit
    assert {request.status for request in sent} <= {200}


def test_after_a_429_nothing_is_sent_before_reset() -> None:
    """Another program spends the budget; the app's next request meets a 429 and then the
    app (watch and user alike) sends nothing until the window has reset."""
    server = FixedWindowServer()
    sent = simulate(server, until=30.0, changes=True, users=(5.0, 6.0), others=(2.5, 2.6, 2.7, 2.8))
    refused = [request for request in sent if request.status == 429]
    assert len(refused) == 1
    after = [request for request in sent if request.at > refused[0].at]
    assert after and all(request.at >= 10.0 for request in after)
    assert {request.by for request in after} == {"watch", "user"}  # the user's were delayed


# -- what changed --------------------------------------------------------------------------------


def test_changed_scalars_in_nested_documents() -> None:
    old = {"data": {"attributes": {"status": "IN_PROGRESS", "steps": [{"s": 1}, {"s": 2}]}}}
    new: Any = copy.deepcopy(old)
    new["data"]["attributes"]["status"] = "SUCCEEDED"
    new["data"]["attributes"]["steps"][1]["s"] = 3
    assert changed_paths(old, new) == {
        ("data", "attributes", "status"),
        ("data", "attributes", "steps", 1, "s"),
    }


def test_equal_documents_have_no_changes() -> None:
    document: Any = {"a": [1, 2.5, None, True, "x", {"b": []}], "c": {}}
    assert changed_paths(document, copy.deepcopy(document)) == set()
    assert changed_paths(document, document) == set()
    assert changed_paths(float("nan"), float("nan")) == set()


def test_type_changes_are_changes() -> None:
    assert changed_paths({"a": 1}, {"a": 1.0}) == {("a",)}
    assert changed_paths({"a": 1}, {"a": True}) == {("a",)}
    assert changed_paths({"a": 1}, {"a": "1"}) == {("a",)}
    assert changed_paths({"a": {"x": 1}}, {"a": [1]}) == {("a",)}
    assert changed_paths({"a": [1]}, {"a": 1}) == {("a",)}
    assert changed_paths({"a": None}, {"a": {"deep": {"er": 1}}}) == {("a",)}
    assert changed_paths([1], {"0": 1}) == {()}
    assert changed_paths("a", "b") == {()}


def test_additions_mark_the_new_value_not_its_contents() -> None:
    assert changed_paths({"a": 1}, {"a": 1, "b": {"c": [1, 2]}}) == {("b",)}
    assert changed_paths([1], [1, 2, [3]]) == {(1,), (2,)}


def test_removals_mark_the_container_that_lost_them() -> None:
    assert changed_paths({"a": {"x": 1, "y": 2}}, {"a": {"x": 1}}) == {("a",)}
    assert changed_paths({"l": [1, 2, 3]}, {"l": [1, 2]}) == {("l",)}
    assert changed_paths({"l": [1, 2, 3]}, {"l": [1, 5]}) == {("l",), ("l", 1)}


def test_a_very_deep_document_needs_no_recursion() -> None:
    def nested(depth: int, leaf: object) -> object:
        value: object = leaf
        for level in range(depth):
            value = {"k": value} if level % 2 else [value]
        return value

    old, new = nested(5000, 1), nested(5000, 2)
    (path,) = changed_paths(old, new)
    assert len(path) == 5000
    assert changed_paths(old, nested(5000, 1)) == set()


def test_collection_stops_at_the_limit() -> None:
    old = {"items": list(range(50_000))}
    new = {"items": [n + 1 for n in range(50_000)]}
    assert len(changed_paths(old, new, limit=100)) == 100
    assert len(changed_paths(old, new)) == 10_000
    assert len(changed_paths({}, {str(n): n for n in range(500)}, limit=7)) == 7
    assert changed_paths(old, new, limit=0) == set()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=50,
)


@given(json_values)
def test_a_document_never_differs_from_itself(document: object) -> None:
    assert changed_paths(document, document) == set()
    assert changed_paths(document, copy.deepcopy(document)) == set()


@given(json_values, json_values)
def test_changes_are_paths_into_the_new_document(old: object, new: object) -> None:
    for path in changed_paths(old, new):
        value = new
        for key in path:
            assert isinstance(value, (dict, list))
            value = value[key]  # type: ignore[index]
    assert (changed_paths(old, new) == set()) == (
        type(old) is type(new) and old == new and _same_types(old, new)
    )


def _same_types(old: object, new: object) -> bool:
    if type(old) is not type(new):
        return False
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same_types(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(
            _same_types(a, b) for a, b in zip(old, new, strict=True)
        )
    return True
