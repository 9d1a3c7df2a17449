"""Approval: operators submit, producers approve the version they read, one or many."""

from __future__ import annotations

from typing import Any

import httpx

from app.cues.models import Cue
from app.db import Database
from app.drafts.models import Draft
from tests.factories import make_draft


async def _types(client: httpx.AsyncClient, event_id: int) -> list[str]:
    entries = (await client.get(f"/api/events/{event_id}/journal")).json()["entries"]
    return [e["type"] for e in entries]


async def _approve(client: httpx.AsyncClient, draft: dict[str, Any]) -> httpx.Response:
    return await client.post(
        f"/api/drafts/{draft['id']}/approve", headers={"If-Match": f'"{draft["version"]}"'}
    )


async def test_draft_goes_to_review_then_approved_and_both_are_journaled(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    submitted = await olive.post(f"/api/drafts/{draft['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "in_review"
    assert submitted.headers["etag"] == '"1"'
    approved = await _approve(producer, draft)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "approved"
    assert body["approved_version"] == 1
    assert body["approved_by"]["username"] == "pat"
    assert body["approved_at"] is not None
    assert (await _types(olive, event_id))[-2:] == ["draft.submitted", "draft.approved"]


async def test_operators_and_viewers_who_approve_get_403(
    olive: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    viewer = await client_as("viewer")
    for client in (olive, viewer):
        assert (await _approve(client, draft)).status_code == 403
        bulk = await client.post(f"/api/events/{event_id}/drafts/approve", json={"all": True})
        assert bulk.status_code == 403
    assert (await viewer.post(f"/api/drafts/{draft['id']}/submit")).status_code == 403
    admin = await client_as("admin")
    assert (await _approve(admin, draft)).status_code == 200


async def test_approving_needs_the_version_the_producer_saw(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    await olive.patch(
        f"/api/drafts/{draft['id']}",
        json={"content": {"posts": [{"texts": {"x": "Changed"}}]}},
        headers={"If-Match": '"1"'},
    )
    stale = await _approve(producer, draft)
    assert stale.status_code == 412
    assert stale.json()["version"] == 2
    missing = await producer.post(f"/api/drafts/{draft['id']}/approve")
    assert missing.status_code == 428
    assert (await olive.get(f"/api/drafts/{draft['id']}")).json()["status"] == "draft"


async def test_editing_an_approved_draft_sends_it_back_to_review_showing_what_was_approved(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    await _approve(producer, draft)
    url = f"/api/drafts/{draft['id']}"
    retitled = await olive.patch(url, json={"title": "Renamed"}, headers={"If-Match": '"1"'})
    assert retitled.json()["status"] == "approved"  # the title is not published
    edited = await olive.patch(
        url,
        json={"content": {"posts": [{"texts": {"x": "Kickoff, now!"}}]}},
        headers={"If-Match": '"2"'},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["status"] == "in_review"
    assert edited.json()["approved_version"] == 1
    read = (await olive.get(url)).json()
    assert read["approved_content"] == draft["content"]
    assert read["content"]["posts"][0]["texts"]["x"] == "Kickoff, now!"
    again = await _approve(producer, read)
    assert again.json()["approved_version"] == 3
    assert (await olive.get(url)).json()["approved_content"] is None


async def test_a_draft_with_no_text_cannot_be_submitted_or_approved(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id, content={"posts": [{"texts": {}}]})
    assert (await olive.post(f"/api/drafts/{draft['id']}/submit")).status_code == 422
    assert (await _approve(producer, draft)).status_code == 422


async def test_return_sends_a_draft_in_review_back_with_a_reason(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    url = f"/api/drafts/{draft['id']}"
    assert (await producer.post(f"{url}/return", json={"reason": "no"})).status_code == 409
    await olive.post(f"{url}/submit")
    returned = await producer.post(f"{url}/return", json={"reason": "Say who scored"})
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "draft"
    entries = (await olive.get(f"/api/events/{event_id}/journal")).json()["entries"]
    assert entries[-1]["type"] == "draft.returned"
    assert entries[-1]["data"]["reason"] == "Say who scored"


async def test_bulk_approval_of_a_cue_or_the_whole_sheet_says_what_it_skipped(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    async with db.transaction() as session:
        cue = Cue(event_id=event_id, title="Kickoff")
        session.add(cue)
        await session.flush()
        cue_id = cue.id
    on_cue = [await make_draft(olive, event_id, cue_id=cue_id) for _ in range(2)]
    empty = await make_draft(olive, event_id, content={"posts": [{"texts": {}}]})
    loose = await make_draft(olive, event_id)
    by_cue = await producer.post(f"/api/events/{event_id}/drafts/approve", json={"cue_id": cue_id})
    assert by_cue.status_code == 200, by_cue.text
    assert [d["id"] for d in by_cue.json()["approved"]] == [d["id"] for d in on_cue]
    sheet = (
        await producer.post(f"/api/events/{event_id}/drafts/approve", json={"all": True})
    ).json()
    assert [d["id"] for d in sheet["approved"]] == [loose["id"]]
    skipped = {s["draft_id"]: s["reason"] for s in sheet["skipped"]}
    assert skipped == {
        on_cue[0]["id"]: "already approved",
        on_cue[1]["id"]: "already approved",
        empty["id"]: "no text on any network",
    }
    types = await _types(olive, event_id)
    assert types.count("draft.approved") == 3


async def test_bulk_approval_naming_a_draft_of_another_event_approves_nothing(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    mine = await make_draft(olive, event_id)
    other_event = (await producer.post("/api/events", json={"name": "Other"})).json()["id"]
    theirs = await make_draft(olive, other_event)
    response = await producer.post(
        f"/api/events/{event_id}/drafts/approve", json={"draft_ids": [mine["id"], theirs["id"]]}
    )
    assert response.status_code == 404, response.text
    assert (await olive.get(f"/api/drafts/{mine['id']}")).json()["status"] == "draft"
    for body in ({}, {"all": False}, {"all": True, "cue_id": 1}, {"draft_ids": []}):
        bad = await producer.post(f"/api/events/{event_id}/drafts/approve", json=body)
        assert bad.status_code == 422, body


async def test_a_published_draft_is_kept_as_it_went_out(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    async with db.transaction() as session:  # as the posts domain marks it once it went out
        row = await session.get(Draft, draft["id"])
        assert row is not None
        row.status = "published"
        session.add(row)
    url = f"/api/drafts/{draft['id']}"
    edited = await olive.patch(url, json={"title": "x"}, headers={"If-Match": '"1"'})
    assert edited.status_code == 409, edited.text
    assert (await _approve(producer, draft)).status_code == 409
    assert (await olive.post(f"{url}/submit")).status_code == 409
