"""X's documented reconnect rules and the month's reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.config import Settings
from app.ingest.sources.stateful import StreamFailure
from app.networks.x.limits import ReadCounter, x_backoff

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def network() -> StreamFailure:
    return StreamFailure("network", "connection reset")


def test_x_network_errors_back_off_linearly_by_a_quarter_second_up_to_16_s() -> None:
    backoff = x_backoff(Settings())
    assert backoff.delay(network(), NOW, was_connected=True) == 0.0  # once at once
    waits = [backoff.delay(network(), NOW, was_connected=False) for _ in range(70)]
    assert waits[:4] == [0.25, 0.5, 0.75, 1.0]
    assert max(waits) == 16.0 and waits[-1] == 16.0


def test_x_http_errors_double_from_5_s_to_320_s_and_429s_from_a_minute() -> None:
    backoff = x_backoff(Settings())
    http = [backoff.delay(StreamFailure("http", "503"), NOW, False) for _ in range(8)]
    assert http == [5, 10, 20, 40, 80, 160, 320, 320]
    limited = [backoff.delay(StreamFailure("rate_limited", "429"), NOW, False) for _ in range(3)]
    assert limited == [60, 120, 240]


def test_a_429s_reset_header_wins_and_a_working_connection_resets_the_ladders() -> None:
    backoff = x_backoff(Settings())
    reset = StreamFailure("rate_limited", "429", 429, NOW + timedelta(seconds=42))
    assert backoff.delay(reset, NOW, False) == 42.0
    backoff.delay(StreamFailure("http", "503"), NOW, False)
    backoff.reset()
    assert backoff.delay(StreamFailure("http", "503"), NOW, False) == 5.0


def test_reads_count_per_month_and_carry_on_from_a_restart_in_the_same_month() -> None:
    reads = ReadCounter(cap=100)
    reads.seed({"reads_month": 40, "reads_month_of": "2026-12"}, NOW)
    reads.add(2, NOW)
    assert reads.figures() == {"reads_month": 42, "reads_month_of": "2026-12", "reads_cap": 100}
    reads.add(1, NOW + timedelta(days=31))
    assert reads.figures()["reads_month"] == 1
