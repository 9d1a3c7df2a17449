"""The export streams: its peak memory is that of a page, not of the event. Measured with
tracemalloc on an event of 10,000 mentions and again once it holds 30,000, with pages of
500 rows so that the event is many pages long either way (the 1,000,000-mention run, with
the real page size, is bench/replay.py's export section)."""

from __future__ import annotations

import tracemalloc

import httpx

from app.db import Database
from app.reports import export
from app.reports.export import ExportFormat, ExportKind
from tests.reports.helpers import bulk_mentions

PAGE_ROWS = 500


async def _peak_while_exporting(db: Database, event_id: int, fmt: ExportFormat) -> tuple[int, int]:
    """(peak bytes allocated while the export runs, bytes it sent)."""
    sent = 0
    tracemalloc.start()
    try:
        async for chunk in export.stream(
            db.read_engine, event_id, ExportKind.mentions, fmt, "team", page_rows=PAGE_ROWS
        ):
            sent += len(chunk)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, sent


async def test_export_memory_does_not_grow_with_the_event(
    db: Database, producer: httpx.AsyncClient, event_id: int
) -> None:
    await bulk_mentions(db, event_id, 10_000)
    peak_small, sent_small = await _peak_while_exporting(db, event_id, ExportFormat.csv)
    await bulk_mentions(db, event_id, 20_000, first_seq=10_001)
    peak_big, sent_big = await _peak_while_exporting(db, event_id, ExportFormat.csv)

    assert sent_big > 2.9 * sent_small  # it did export three times as much
    # Holding the event would take three times the memory; a page takes the same.
    assert peak_big < 1.25 * peak_small + 200_000, (peak_small, peak_big)
    # And far less than the file: tracemalloc counts the whole process (the database
    # driver's thread, what earlier tests left running), hence the margin.
    assert peak_big < sent_big / 2, (peak_big, sent_big)
