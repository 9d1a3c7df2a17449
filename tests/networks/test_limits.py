"""Budgets: what an account may still post, from the documented windows and the headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.networks.bluesky import limits as bluesky
from app.networks.limits import HeaderLimit
from app.networks.mastodon import limits as mastodon
from app.networks.x import budget as x

NOW = datetime(2026, 2, 8, 20, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_a_burst_beyond_xs_15_minute_window_waits_for_its_oldest_post_to_leave_it() -> None:
    clock = Clock()
    budget = x.budget(clock)
    for _ in range(100):
        assert budget.ready_at() is None
        budget.spend()
        clock.now += timedelta(seconds=1)
    assert budget.ready_at() == NOW + timedelta(minutes=15)
    clock.now = NOW + timedelta(minutes=15, seconds=0.5)
    assert budget.ready_at() is None
    assert budget.snapshot()["windows"][0]["used"] == 99


def test_bluesky_counts_points_three_a_post() -> None:
    clock = Clock()
    budget = bluesky.budget(clock)
    for _ in range(1666):
        budget.spend()
    assert budget.snapshot()["windows"][0] == {
        "name": "hour", "unit": "points", "limit": 5000, "used": 4998,
        "resets_at": "2026-02-08T21:00:00Z",
    }  # fmt: skip
    assert budget.ready_at() == NOW + timedelta(hours=1)


def test_a_header_at_zero_waits_until_its_reset() -> None:
    clock = Clock()
    budget = mastodon.budget(clock)
    budget.observe(HeaderLimit(limit=300, remaining=0, reset_at=NOW + timedelta(minutes=5)))
    assert budget.ready_at() == NOW + timedelta(minutes=5)
    clock.now += timedelta(minutes=5)
    assert budget.ready_at() is None


def test_the_headers_are_read_as_each_network_writes_them() -> None:
    epoch = str(int((NOW + timedelta(minutes=15)).timestamp()))
    read = x.read({"x-rate-limit-limit": "100", "x-rate-limit-remaining": "7",
                   "x-rate-limit-reset": epoch})  # fmt: skip
    assert read == HeaderLimit(100, 7, NOW + timedelta(minutes=15))
    assert bluesky.read({"ratelimit-limit": "5000", "ratelimit-remaining": "1",
                         "ratelimit-reset": epoch}) is not None  # fmt: skip
    iso = mastodon.read({"x-ratelimit-limit": "300", "x-ratelimit-remaining": "299",
                         "x-ratelimit-reset": "2026-02-08T20:05:00.000Z"})  # fmt: skip
    assert iso is not None and iso.reset_at == NOW + timedelta(minutes=5)
    assert x.read({"x-rate-limit-limit": "100"}) is None
