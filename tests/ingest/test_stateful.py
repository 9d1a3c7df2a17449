"""The reconnect rules, state and gaps every networked source shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.ingest.sources.stateful import (
    MALFORMED_SAMPLE_CHARS,
    MALFORMED_SAMPLES,
    GapTracker,
    Links,
    SourceState,
    StreamFailure,
)
from tests.networks.harness import Kept

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def network() -> StreamFailure:
    return StreamFailure("network", "connection reset")


async def test_the_counters_are_reported_at_most_every_few_seconds_a_status_change_at_once() -> (
    None
):
    kept, clock = Kept(), Clock()
    state = SourceState(kept, clock=clock, report_interval=5)
    await state.connected()
    await state.items(3)
    await state.items(2)
    assert kept.statuses == ["connected"]
    clock.now += timedelta(seconds=6)
    await state.items(1)
    assert kept.states[-1]["items_per_minute"] == 6
    await state.failed(network(), 0.25)
    assert kept.statuses[-1] == "reconnecting"
    assert kept.states[-1]["reconnecting_since"] == "2026-12-01T20:00:06.000Z"
    clock.now += timedelta(minutes=2)
    assert state.items_per_minute() == 0


async def test_malformed_payloads_are_counted_with_a_bounded_sample() -> None:
    state = SourceState(Kept(), clock=Clock(), report_interval=0)
    for n in range(MALFORMED_SAMPLES + 5):
        await state.malformed_payload("x" * 10_000 + str(n), "not JSON")
    assert state.malformed == MALFORMED_SAMPLES + 5
    assert len(state.samples) == MALFORMED_SAMPLES
    assert all(len(sample) <= MALFORMED_SAMPLE_CHARS + 20 for sample in state.samples)


async def test_a_source_of_several_links_closes_its_gap_once_all_are_back() -> None:
    kept, clock = Kept(), Clock()
    links = Links(SourceState(kept, clock=clock), GapTracker(kept, "mastodon", clock=clock))
    one, two = links.link("a"), links.link("b")
    await one.lost()
    await two.lost()
    await one.back(True)
    assert [kind for kind, _ in kept.gaps] == ["opened"]
    await two.back(False)
    assert [kind for kind, _ in kept.gaps] == ["opened", "closed"]
    assert kept.gaps[1][1]["backfilled"] is False
