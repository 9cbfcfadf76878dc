from __future__ import annotations

import pytest

from wfbrowse.ratelimit import RateLimit, format_delay

FULL = {
    "X-RateLimit-Limit": "1000",
    "X-RateLimit-Period": "60",
    "X-RateLimit-Remaining": "987",
    "X-RateLimit-Reset": "42",
    "X-RateLimit-Name": "workflows_instances",
}


def test_reads_every_field():
    rl = RateLimit.from_headers(FULL, now=100.0)
    assert rl == RateLimit(
        limit=1000,
        period=60,
        remaining=987,
        reset=42.0,
        name="workflows_instances",
        received_at=100.0,
    )


@pytest.mark.parametrize(
    "name",
    [
        "X-RateLimit-Remaining",
        "x-ratelimit-remaining",
        "X-RATELIMIT-REMAINING",
        "x-RateLimit-remaining",
    ],
)
def test_header_names_in_any_case(name):
    rl = RateLimit.from_headers({name: "5"})
    assert rl is not None
    assert rl.remaining == 5


def test_mixed_case_names_together():
    rl = RateLimit.from_headers(
        [("X-RATELIMIT-LIMIT", "100"), ("x-ratelimit-remaining", "7"), ("X-RateLimit-Reset", "3")]
    )
    assert rl is not None
    assert (rl.limit, rl.remaining, rl.reset) == (100, 7, 3.0)


def test_list_of_pairs_first_occurrence_wins():
    rl = RateLimit.from_headers([("x-ratelimit-limit", "100"), ("X-RateLimit-Limit", "999")])
    assert rl is not None
    assert rl.limit == 100


def test_no_rate_limit_headers_gives_none():
    assert RateLimit.from_headers({}) is None
    assert RateLimit.from_headers({"content-type": "application/json", "x-ratelimit": "5"}) is None


@pytest.mark.parametrize(
    "value", ["", "  ", "abc", "-1", "nan", "inf", "1e999", "12abc", "0x10", "1.5"]
)
def test_junk_counts_are_ignored(value):
    rl = RateLimit.from_headers({"X-RateLimit-Limit": value, "X-RateLimit-Remaining": "3"})
    assert rl is not None
    assert rl.limit is None
    assert rl.remaining == 3


def test_only_junk_gives_none():
    assert (
        RateLimit.from_headers({"X-RateLimit-Limit": "lots", "X-RateLimit-Reset": "soon"}) is None
    )


def test_repeated_header_joined_with_commas_takes_first():
    rl = RateLimit.from_headers({"x-ratelimit-remaining": "9, 9"})
    assert rl is not None
    assert rl.remaining == 9


def test_fractional_reset_and_integer_like_count():
    rl = RateLimit.from_headers({"X-RateLimit-Reset": "1.5", "X-RateLimit-Limit": "100.0"})
    assert rl is not None
    assert rl.reset == 1.5
    assert rl.limit == 100


def test_name_is_cleaned_for_the_screen():
    rl = RateLimit.from_headers({"X-RateLimit-Name": " bucket\x1b[31m\u202e \n"})
    assert rl is not None
    assert rl.name == "bucket[31m"


def test_reset_counts_down_and_stops_at_zero():
    rl = RateLimit.from_headers({"X-RateLimit-Reset": "10"}, now=1000.0)
    assert rl is not None
    assert rl.reset_in(now=1000.0) == 10.0
    assert rl.reset_in(now=1004.5) == 5.5
    assert rl.reset_in(now=1010.0) == 0.0
    assert rl.reset_in(now=2000.0) == 0.0


def test_reset_in_defaults_to_monotonic_clock():
    rl = RateLimit.from_headers({"X-RateLimit-Reset": "60"})
    assert rl is not None
    left = rl.reset_in()
    assert left is not None
    assert 59.0 < left <= 60.0


def test_reset_in_unknown():
    rl = RateLimit.from_headers({"X-RateLimit-Limit": "10"})
    assert rl is not None
    assert rl.reset_in() is None


def test_describe_full():
    rl = RateLimit.from_headers(FULL, now=0.0)
    assert rl is not None
    assert rl.describe(now=0.0) == "rate 987/1000 · resets 42s · workflows_instances"
    assert rl.describe(now=41.2) == "rate 987/1000 · resets 1s · workflows_instances"


def test_describe_omits_unknown_parts():
    only_remaining = RateLimit.from_headers({"x-ratelimit-remaining": "4"})
    assert only_remaining is not None
    assert only_remaining.describe() == "rate 4 left"
    only_name = RateLimit.from_headers({"x-ratelimit-name": "logs"})
    assert only_name is not None
    assert only_name.describe() == "logs"
    only_limit = RateLimit.from_headers({"x-ratelimit-limit": "10"})
    assert only_limit is not None
    assert only_limit.describe() == "rate limit 10"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (0.2, "1s"), (59, "59s"), (60, "1m"), (61, "1m01s"), (3600, "1h"), (3720, "1h02m")],
)
def test_format_delay(seconds, text):
    assert format_delay(seconds) == text
