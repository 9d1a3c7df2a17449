"""Pacing: a recording plays in its order, each item at its offset divided by the speed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta

import pytest

from app.ingest.sources import pacing
from tests.ingest.clock import FakeClock, TimedSink


async def timeline(items: Iterable[tuple[float, str]]) -> AsyncIterator[tuple[float, str]]:
    for item in items:
        yield item


async def test_items_arrive_at_their_offsets_in_order() -> None:
    clock = FakeClock()
    sink = TimedSink(clock)
    played = await pacing.play(timeline([(0.0, "a"), (1.5, "b"), (4.0, "c")]), sink, clock)
    assert played == 3
    assert sink.batches == [(0.0, ["a"]), (1.5, ["b"]), (4.0, ["c"])]


async def test_items_close_together_arrive_in_one_batch() -> None:
    clock = FakeClock()
    sink = TimedSink(clock)
    await pacing.play(timeline([(0.0, "a"), (0.005, "b"), (0.01, "c"), (2.0, "d")]), sink, clock)
    assert sink.batches == [(0.0, ["a", "b", "c"]), (2.0, ["d"])]


async def test_an_item_recorded_before_the_one_ahead_keeps_its_place() -> None:
    clock = FakeClock()
    sink = TimedSink(clock)
    await pacing.play(timeline([(0.0, "a"), (3.0, "b"), (1.0, "c"), (5.0, "d")]), sink, clock)
    assert sink.items == ["a", "b", "c", "d"]
    assert sink.arrival(lambda item: item == "c") == 3.0
    assert sink.arrival(lambda item: item == "d") == 5.0


async def test_a_resumed_playback_hands_over_what_fell_due_meanwhile_at_once() -> None:
    clock = FakeClock()
    sink = TimedSink(clock)
    await pacing.play(
        timeline([(0.0, "a"), (1.0, "b"), (2.0, "c"), (6.0, "d")]), sink, clock, elapsed=2.5
    )
    assert sink.batches == [(0.0, ["a", "b", "c"]), (3.5, ["d"])]


async def test_a_dense_recording_goes_in_bounded_batches() -> None:
    clock = FakeClock()
    sink = TimedSink(clock)
    items = [(0.0, str(n)) for n in range(pacing.MAX_BATCH * 2 + 1)]
    await pacing.play(timeline(items), sink, clock)
    assert [len(batch) for _at, batch in sink.batches] == [pacing.MAX_BATCH, pacing.MAX_BATCH, 1]


@pytest.mark.parametrize("speed", [1.0, 10.0, 60.0])
def test_the_timeline_divides_recorded_time_by_the_speed(speed: float) -> None:
    origin = datetime(2025, 7, 13, 19, 0, tzinfo=UTC)
    started = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    line = pacing.Timeline(origin, started, speed)
    later = origin + timedelta(minutes=6)
    assert line.offset(later) == pytest.approx(360 / speed)
    assert line.live(later) == started + timedelta(seconds=360 / speed)
