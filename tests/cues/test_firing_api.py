"""Firing a cue publishes each approved draft once per network, whoever presses and however
often; re-arming allows exactly one more firing."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import update

from app.common.time import utcnow
from app.db import Database
from app.drafts.models import Draft
from tests.cues.helpers import add_cue, add_drafts, entries, wait_for
from tests.factories import thread

draft_table = Draft.__table__  # type: ignore[attr-defined]
THREE_NETWORKS = thread({"x": "Goal! #CupFinal", "mastodon": "Goal!", "bluesky": "Goal"})


async def test_ten_concurrent_fires_publish_each_draft_once_per_network(
    producer: httpx.AsyncClient, client_as: Any, db: Database, event_id: int
) -> None:
    other = await client_as("producer", "paula", "Paula")
    cue = await add_cue(producer, event_id, title="First goal")
    drafts = await add_drafts(db, event_id, cue["id"], count=4, content=THREE_NETWORKS)
    clients = [producer, other] * 5
    answers = await asyncio.gather(*(c.post(f"/api/cues/{cue['id']}/fire") for c in clients))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * 9, [a.text for a in answers]
    (won,) = [a.json() for a in answers if a.status_code == 200]
    assert won["firing"] == 1 and len(won["post_ids"]) == 12
    fired_by = won["cue"]["fired_by"]["username"]
    lost = next(a.json() for a in answers if a.status_code == 409)
    assert "already fired at" in lost["detail"] and lost["fired_by"]["username"] == fired_by

    published = await wait_for(producer, event_id, "post.published", count=12)
    await asyncio.sleep(0.2)  # nothing more comes
    assert len(await entries(producer, event_id, "post.published")) == 12
    posted = {(p["data"]["post"]["draft_id"], p["data"]["post"]["network"]) for p in published}
    assert posted == {(d, n) for d in drafts for n in ("x", "mastodon", "bluesky")}
    assert len(await entries(producer, event_id, "cue.fired")) == 1
    listed = (await producer.get(f"/api/events/{event_id}/posts")).json()["posts"]
    assert len(listed) == 12 and {p["status"] for p in listed} == {"published"}
    assert {p["dry_run"] for p in listed} == {True}
    sheet = (await producer.get(f"/api/events/{event_id}/cues")).json()["cues"]
    assert sheet[0]["armed"] is False and sheet[0]["fire_count"] == 1
    assert {d["status"] for d in sheet[0]["drafts"]} == {"published"}


async def test_drafts_not_approved_are_reported_not_published(
    producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    cue = await add_cue(producer, event_id)
    (ready,) = await add_drafts(db, event_id, cue["id"])
    (waiting,) = await add_drafts(db, event_id, cue["id"], status="in_review")
    (rough,) = await add_drafts(db, event_id, cue["id"], status="draft")
    answer = (await producer.post(f"/api/cues/{cue['id']}/fire")).json()
    assert answer["not_published"] == [
        {
            "draft_id": waiting,
            "status": "in_review",
            "reason": "it is not approved (it is in review)",
        },
        {"draft_id": rough, "status": "draft", "reason": "it is not approved (it is draft)"},
    ]
    assert {p["draft_id"] for p in answer["posts"]} == {ready}
    (fired,) = await entries(producer, event_id, "cue.fired")
    assert fired["data"]["not_published"] == answer["not_published"]
    assert fired["data"]["post_ids"] == answer["post_ids"]
    assert fired["data"]["firing"] == 1 and fired["data"]["fired_by"]["username"] == "pat"
    queued = await entries(producer, event_id, "post.queued")
    assert [e["data"]["post"]["id"] for e in queued] == answer["post_ids"]
    # The console learns which drafts went out from the journal alone.
    (published,) = await entries(producer, event_id, "draft.published")
    assert published["data"] == {
        "draft_id": ready,
        "by_hand": False,
        "cue_id": cue["id"],
        "firing": 1,
        "post_ids": answer["post_ids"],
    }


async def test_rearm_publishes_again_once(
    producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    cue = await add_cue(producer, event_id, title="Final whistle")
    await add_drafts(db, event_id, cue["id"], count=2)
    assert (await producer.post(f"/api/cues/{cue['id']}/fire")).status_code == 200
    assert (await producer.post(f"/api/cues/{cue['id']}/fire")).status_code == 409
    rearms = await asyncio.gather(
        *(producer.post(f"/api/cues/{cue['id']}/rearm") for _ in range(3))
    )
    assert sorted(r.status_code for r in rearms) == [200, 409, 409]
    fires = await asyncio.gather(*(producer.post(f"/api/cues/{cue['id']}/fire") for _ in range(5)))
    assert sorted(f.status_code for f in fires) == [200] + [409] * 4
    (second,) = [f.json() for f in fires if f.status_code == 200]
    assert second["firing"] == 2
    assert {p["cue_firing"] for p in second["posts"]} == {2} and len(second["posts"]) == 4
    await wait_for(producer, event_id, "post.published", count=8)
    posts = (
        await producer.get(f"/api/events/{event_id}/posts", params={"cue_id": cue["id"]})
    ).json()
    assert sorted(p["cue_firing"] for p in posts["posts"]) == [1] * 4 + [2] * 4
    (rearmed,) = await entries(producer, event_id, "cue.rearmed")
    assert rearmed["data"]["cue_id"] == cue["id"] and rearmed["data"]["firing"] == 2


async def test_a_draft_of_another_event_or_deleted_is_never_fired(
    producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    other = (await producer.post("/api/events", json={"name": "Other"})).json()["id"]
    cue = await add_cue(producer, event_id)
    (foreign,) = await add_drafts(db, other, cue["id"])
    (mine, gone) = await add_drafts(db, event_id, cue["id"], count=2)
    async with db.transaction() as session:
        await session.execute(
            update(draft_table).where(draft_table.c.id == gone).values(deleted_at=utcnow())
        )
    answer = (await producer.post(f"/api/cues/{cue['id']}/fire")).json()
    assert {p["draft_id"] for p in answer["posts"]} == {mine}
    assert (await producer.post(f"/api/drafts/{gone}/publish")).status_code == 404
    assert (await producer.post(f"/api/drafts/{foreign}/publish")).status_code == 201
    assert (await producer.post("/api/cues/999999/fire")).status_code == 404


async def test_an_approved_draft_is_published_now_once(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    cue = await add_cue(producer, event_id)
    (draft,) = await add_drafts(db, event_id, cue["id"], content=THREE_NETWORKS)
    (waiting,) = await add_drafts(db, event_id, None, status="in_review")
    assert (await olive.post(f"/api/drafts/{draft}/publish")).status_code == 403
    presses = await asyncio.gather(
        *(producer.post(f"/api/drafts/{draft}/publish") for _ in range(4))
    )
    assert sorted(p.status_code for p in presses) == [201, 409, 409, 409]
    refused = await producer.post(f"/api/drafts/{waiting}/publish")
    assert refused.status_code == 409 and "in review" in refused.json()["detail"]
    await wait_for(producer, event_id, "post.published", count=3)
    # Its cue fires later: the draft published by hand is not posted again, and says why.
    fired = (await producer.post(f"/api/cues/{cue['id']}/fire")).json()
    assert fired["posts"] == []
    assert (
        fired["not_published"][0]["reason"] == "it was already published by hand or by another cue"
    )
