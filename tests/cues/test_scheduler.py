"""Scheduled cues fire on time, once, also after a restart; a cue found long overdue is
reported missed instead. Time is a clock the tests move, except where the second itself is
the behaviour."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx

from app.common.time import utcnow
from app.config import Settings
from app.cues.schedule import CueScheduler
from app.db import Database
from app.main import create_app
from tests.conftest import make_token
from tests.cues.helpers import FakeClock, add_cue, add_drafts, entries, later, wait_for


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def test_a_scheduled_cue_fires_within_a_second_of_its_time(
    producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    cue = await add_cue(producer, event_id, trigger="at_time", fire_at=later(3.0))
    await add_drafts(db, event_id, cue["id"], count=2)
    (fired,) = await wait_for(producer, event_id, "cue.fired", timeout=10)
    assert fired["data"]["by_schedule"] is True and fired["data"]["fired_by"] is None
    assert len(fired["data"]["post_ids"]) == 4
    after = (await producer.get(f"/api/cues/{cue['id']}")).json()
    # fired_at is when the scheduler took the cue (the posts are queued in that same
    # transaction); the entry's own time adds the commit, which a loaded box stretches.
    late = _at(after["fired_at"]) - _at(cue["fire_at"])
    assert timedelta(0) <= late < timedelta(seconds=1)
    await wait_for(producer, event_id, "post.published", count=4)


@contextlib.asynccontextmanager
async def running(settings: Settings, clock: FakeClock, token: str) -> AsyncIterator[Any]:
    """The app started with this clock (and stopped on leaving), and a producer's client."""
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=headers
        ) as client:
            yield client


async def _cue_before_a_restart(
    settings: Settings, db: Database, clock: FakeClock
) -> tuple[str, int, dict[str, Any]]:
    token = await make_token(db, "pat", "producer")
    async with running(settings, clock, token) as client:
        event_id = (await client.post("/api/events", json={"name": "Final"})).json()["id"]
        cue = await add_cue(client, event_id, trigger="at_time", fire_at=later(600))
        await add_drafts(db, event_id, cue["id"])
    return token, event_id, cue


async def test_a_cue_due_while_the_server_was_down_fires_at_start(
    settings: Settings, db: Database
) -> None:
    clock = FakeClock()
    token, event_id, cue = await _cue_before_a_restart(settings, db, clock)
    clock.advance(630)  # down over its time, back within the grace window
    async with running(settings, clock, token) as client:
        (fired,) = await wait_for(client, event_id, "cue.fired", timeout=5)
        await wait_for(client, event_id, "post.published", count=2)
        after = (await client.get(f"/api/cues/{cue['id']}")).json()
    assert fired["data"]["firing"] == 1
    assert after["fire_count"] == 1 and after["armed"] is False


async def test_a_cue_found_long_overdue_is_reported_missed_not_fired(
    settings: Settings, db: Database
) -> None:
    clock = FakeClock()
    token, event_id, cue = await _cue_before_a_restart(settings, db, clock)
    clock.advance(600 + settings.cue_grace_seconds + 60)
    async with running(settings, clock, token) as client:
        (missed,) = await wait_for(client, event_id, "cue.missed", timeout=5)
        assert missed["data"]["cue_id"] == cue["id"]
        assert missed["data"]["late_seconds"] >= settings.cue_grace_seconds
        assert await entries(client, event_id, "cue.fired") == []
        after = (await client.get(f"/api/cues/{cue['id']}")).json()
        assert after["armed"] is True and after["due_at"] is None
        # The producer still has it: one press fires it.
        assert (await client.post(f"/api/cues/{cue['id']}/fire")).status_code == 200


async def test_two_schedulers_racing_fire_each_due_cue_once(
    producer: httpx.AsyncClient, settings: Settings, db: Database, event_id: int
) -> None:
    cues = [
        await add_cue(producer, event_id, title=f"Cue {n}", trigger="at_time", fire_at=later(300))
        for n in range(5)
    ]
    for cue in cues:
        await add_drafts(db, event_id, cue["id"])
    clock = FakeClock(utcnow() + timedelta(seconds=301))
    first, second = CueScheduler(db, settings, clock), CueScheduler(db, settings, clock)
    one, two = await asyncio.gather(first.step(), second.step())
    assert sorted(one["fired"] + two["fired"]) == sorted(c["id"] for c in cues)
    assert len(await entries(producer, event_id, "cue.fired")) == 5
    again = await first.step()
    assert again == {"fired": [], "missed": []}
    await wait_for(producer, event_id, "post.published", count=10)


async def test_a_rescheduled_cue_is_not_fired_at_its_old_time(
    producer: httpx.AsyncClient, settings: Settings, db: Database, event_id: int
) -> None:
    cue = await add_cue(producer, event_id, trigger="at_time", fire_at=later(300))
    moved = await producer.patch(f"/api/cues/{cue['id']}", json={"fire_at": later(900)})
    assert moved.status_code == 200
    scheduler = CueScheduler(db, settings, FakeClock(utcnow() + timedelta(seconds=301)))
    assert await scheduler.step() == {"fired": [], "missed": []}
    assert (await producer.get(f"/api/cues/{cue['id']}")).json()["armed"] is True
