"""The source manager's promises that the API alone cannot show."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.ingest.manager import SourceManager
from app.ingest.sources.simulator import SimulatorConfig


async def test_a_source_created_in_a_rolled_back_transaction_never_runs(
    app: Any, event_id: int
) -> None:
    manager: SourceManager = app.state.sources

    with pytest.raises(RuntimeError):
        async with app.state.db.transaction() as session:
            row = await manager.create(
                session, event_id, "simulator", SimulatorConfig(), actor=None
            )
            raise RuntimeError("the request failed after creating the source")
    await asyncio.sleep(0.05)

    assert row.id is not None
    assert not manager.is_running(row.id)
    async with app.state.db.read_session() as session:
        assert await manager.list_for_event(session, event_id) == []


async def test_a_source_runs_once_its_transaction_commits(app: Any, event_id: int) -> None:
    manager: SourceManager = app.state.sources

    async with app.state.db.transaction() as session:
        row = await manager.create(session, event_id, "simulator", SimulatorConfig(), actor=None)
        assert row.id is not None
        await asyncio.sleep(0.01)
        assert not manager.is_running(row.id)
    await asyncio.sleep(0)

    assert manager.is_running(row.id)
