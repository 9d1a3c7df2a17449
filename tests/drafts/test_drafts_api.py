"""Drafts: the event's library of prepared posts, saved with the version they edit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.cues.models import Cue
from app.db import Database
from tests.factories import draft_payload, make_draft


async def _journal(client: httpx.AsyncClient, event_id: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = (await client.get(f"/api/events/{event_id}/journal")).json()[
        "entries"
    ]
    return entries


async def _cue(db: Database, event_id: int, **fields: Any) -> int:
    async with db.transaction() as session:
        cue = Cue(event_id=event_id, title="Kickoff", **fields)
        session.add(cue)
        await session.flush()
        assert cue.id is not None
        return cue.id


def _texts(x: str = "", mastodon: str = "", bluesky: str = "") -> dict[str, Any]:
    return {"posts": [{"texts": {"x": x, "mastodon": mastodon, "bluesky": bluesky}}]}


async def test_a_new_draft_is_version_1_with_its_etag_and_journaled(
    olive: httpx.AsyncClient, event_id: int
) -> None:
    response = await olive.post(f"/api/events/{event_id}/drafts", json=draft_payload())
    assert response.status_code == 201, response.text
    draft = response.json()
    assert response.headers["etag"] == '"1"'
    assert draft["version"] == 1 and draft["status"] == "draft"
    assert draft["created_by"]["username"] == "olive"
    assert draft["note"] == "Only once the whistle blows"
    entry = (await _journal(olive, event_id))[-1]
    assert entry["type"] == "draft.created"
    assert entry["data"]["draft"]["id"] == draft["id"]
    read = await olive.get(f"/api/drafts/{draft['id']}")
    assert read.headers["etag"] == '"1"'
    assert read.json()["content"] == draft["content"]


async def test_a_save_without_if_match_is_428_and_changes_nothing(
    olive: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    for if_match in (None, "*", "", '"abc"'):
        headers = {"If-Match": if_match} if if_match is not None else {}
        response = await olive.patch(
            f"/api/drafts/{draft['id']}", json={"title": "New"}, headers=headers
        )
        assert response.status_code == 428, (if_match, response.text)
    deleted = await olive.delete(f"/api/drafts/{draft['id']}")
    assert deleted.status_code == 428
    assert (await olive.get(f"/api/drafts/{draft['id']}")).json()["title"] == "Kickoff"


async def test_a_stale_save_is_412_with_the_current_draft_and_its_etag(
    olive: httpx.AsyncClient, oscar: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    url = f"/api/drafts/{draft['id']}"
    first = await olive.patch(
        url, json={"content": _texts(x="Olive's")}, headers={"If-Match": '"1"'}
    )
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"2"'
    late = await oscar.patch(
        url, json={"content": _texts(x="Oscar's")}, headers={"If-Match": '"1"'}
    )
    assert late.status_code == 412, late.text
    assert late.headers["etag"] == '"2"'
    body = late.json()
    assert "detail" in body
    assert body["version"] == 2
    assert body["content"]["posts"][0]["texts"]["x"] == "Olive's"
    merged = await oscar.patch(
        url, json={"content": _texts(x="Olive's and Oscar's")}, headers={"If-Match": 'W/"2"'}
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["version"] == 3
    assert merged.json()["updated_by"]["username"] == "oscar"


async def test_every_version_is_kept_with_who_and_what_changed(
    olive: httpx.AsyncClient, oscar: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    url = f"/api/drafts/{draft['id']}"
    await olive.patch(url, json={"tags": ["goal"]}, headers={"If-Match": '"1"'})
    await oscar.patch(
        url,
        json={"content": _texts(x="GOAL", mastodon="Goal!"), "title": "Goal"},
        headers={"If-Match": '"2"'},
    )
    versions = (await olive.get(f"{url}/versions")).json()
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert versions[0]["author"]["username"] == "oscar"
    assert versions[0]["summary"] == "title, texts.x, texts.mastodon, texts.bluesky"
    assert versions[1]["summary"] == "tags"
    assert versions[2]["summary"] == "created"
    one = (await olive.get(f"{url}/versions/1")).json()
    assert one["snapshot"]["content"] == draft["content"]
    assert (await olive.get(f"{url}/versions/9")).status_code == 404
    entry = (await _journal(olive, event_id))[-1]
    assert entry["type"] == "draft.updated"
    assert entry["data"]["changed"] == ["title", "texts.x", "texts.mastodon", "texts.bluesky"]


async def test_restoring_a_version_saves_it_again_as_a_new_version(
    olive: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    url = f"/api/drafts/{draft['id']}"
    await olive.patch(url, json={"content": _texts(x="Oops")}, headers={"If-Match": '"1"'})
    stale = await olive.post(f"{url}/versions/1/restore", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert (await olive.post(f"{url}/versions/1/restore")).status_code == 428
    restored = await olive.post(f"{url}/versions/1/restore", headers={"If-Match": '"2"'})
    assert restored.status_code == 200, restored.text
    assert restored.json()["version"] == 3
    assert restored.json()["content"] == draft["content"]
    assert restored.headers["etag"] == '"3"'
    versions = (await olive.get(f"{url}/versions")).json()
    assert versions[0]["summary"].startswith("restored from version 1")
    entry = (await _journal(olive, event_id))[-1]
    assert entry["type"] == "draft.restored"
    assert entry["data"]["restored_from"] == 1


async def test_a_patch_that_changes_nothing_keeps_the_version(
    olive: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    same = await olive.patch(
        f"/api/drafts/{draft['id']}", json={"title": "Kickoff"}, headers={"If-Match": '"1"'}
    )
    assert same.status_code == 200
    assert same.json()["version"] == 1


@pytest.mark.parametrize(
    ("network", "text"),
    [("x", "é" * 281), ("mastodon", "a" * 501), ("bluesky", "b" * 301)],
)
async def test_a_text_over_a_networks_limit_is_422_naming_the_network_and_count(
    olive: httpx.AsyncClient, event_id: int, network: str, text: str
) -> None:
    body = draft_payload(content={"posts": [{"texts": {"x": "ok"}}, {"texts": {network: text}}]})
    response = await olive.post(f"/api/events/{event_id}/drafts", json=body)
    assert response.status_code == 422, response.text
    refusal = response.json()
    assert refusal["network"] == network
    assert refusal["post"] == 2
    assert refusal["length"] == len(text) and refusal["over_by"] == 1
    assert {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}[network] in refusal["detail"]
    assert (await olive.get(f"/api/events/{event_id}/drafts")).json() == []
    draft = await make_draft(olive, event_id)
    patched = await olive.patch(
        f"/api/drafts/{draft['id']}",
        json={"content": _texts(**{network: text})},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 422
    assert (await olive.get(f"/api/drafts/{draft['id']}")).json()["version"] == 1


async def test_a_network_left_empty_is_not_checked_and_spaces_count_as_empty(
    olive: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id, content=_texts(x="Only on X", bluesky="   "))
    assert draft["content"]["posts"][0]["texts"] == {
        "x": "Only on X",
        "mastodon": "",
        "bluesky": "",
    }


async def test_a_draft_is_placed_on_a_cue_of_its_own_event_only(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    cue_id = await _cue(db, event_id)
    other_event = (await producer.post("/api/events", json={"name": "Other"})).json()["id"]
    foreign_cue = await _cue(db, other_event)
    from app.common.time import utcnow

    gone_cue = await _cue(db, event_id, deleted_at=utcnow())
    first = await make_draft(olive, event_id, cue_id=cue_id)
    second = await make_draft(olive, event_id, cue_id=cue_id)
    assert (first["cue_id"], first["position"]) == (cue_id, 0)
    assert second["position"] == 1
    for bad in (foreign_cue, gone_cue, 4242):
        response = await olive.post(
            f"/api/events/{event_id}/drafts", json=draft_payload(cue_id=bad)
        )
        assert response.status_code == 404, response.text
        moved = await olive.patch(
            f"/api/drafts/{first['id']}", json={"cue_id": bad}, headers={"If-Match": '"1"'}
        )
        assert moved.status_code == 404
    listed = (await olive.get(f"/api/events/{event_id}/drafts", params={"cue_id": cue_id})).json()
    assert [d["id"] for d in listed] == [first["id"], second["id"]]


async def test_a_deleted_draft_is_gone_and_journaled(
    olive: httpx.AsyncClient, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    url = f"/api/drafts/{draft['id']}"
    assert (await olive.delete(url, headers={"If-Match": '"2"'})).status_code == 412
    deleted = await olive.delete(url, headers={"If-Match": '"1"'})
    assert deleted.status_code == 204, deleted.text
    assert (await olive.get(url)).status_code == 404
    assert (
        await olive.patch(url, json={"title": "x"}, headers={"If-Match": '"1"'})
    ).status_code == 404
    assert (await olive.get(f"/api/events/{event_id}/drafts")).json() == []
    entry = (await _journal(olive, event_id))[-1]
    assert entry["type"] == "draft.deleted"
    assert entry["data"]["draft"]["id"] == draft["id"]


async def test_viewers_read_drafts_but_never_their_notes(
    olive: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    draft = await make_draft(olive, event_id)
    await olive.patch(
        f"/api/drafts/{draft['id']}", json={"note": "Secret"}, headers={"If-Match": '"1"'}
    )
    viewer = await client_as("viewer")
    one = (await viewer.get(f"/api/drafts/{draft['id']}")).json()
    assert "note" not in one and one["title"] == "Kickoff"
    listed = (await viewer.get(f"/api/events/{event_id}/drafts")).json()
    assert all("note" not in d for d in listed)
    versions = (await viewer.get(f"/api/drafts/{draft['id']}/versions")).json()
    assert all("note" not in v["snapshot"] for v in versions)
    entries = await _journal(viewer, event_id)
    drafts = [e["data"]["draft"] for e in entries if e["type"].startswith("draft.")]
    assert len(drafts) == 2 and all("note" not in d for d in drafts)
    team = await _journal(olive, event_id)
    assert team[-1]["data"]["draft"]["note"] == "Secret"


async def test_viewers_cannot_write_drafts(
    client_as: Any, olive: httpx.AsyncClient, event_id: int
) -> None:
    viewer = await client_as("viewer")
    assert (
        await viewer.post(f"/api/events/{event_id}/drafts", json=draft_payload())
    ).status_code == 403
    draft = await make_draft(olive, event_id)
    patched = await viewer.patch(
        f"/api/drafts/{draft['id']}", json={"title": "x"}, headers={"If-Match": '"1"'}
    )
    assert patched.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"content": {"posts": []}},
        {"content": {"posts": [{"texts": {"myspace": "hi"}}]}},
        {"content": {"posts": [{"texts": {"x": "a\u0000b"}}]}},
        {"tags": ["a"] * 21},
        {"title": "t" * 201},
        {"cue_id": 0},
        {"position": -1},
        {"surprise": 1},
    ],
)
async def test_bad_draft_input_is_refused_and_nothing_is_stored(
    olive: httpx.AsyncClient, event_id: int, body: dict[str, Any]
) -> None:
    response = await olive.post(f"/api/events/{event_id}/drafts", json=body)
    assert response.status_code == 422, response.text
    assert (await olive.get(f"/api/events/{event_id}/drafts")).json() == []


async def test_a_text_for_a_network_the_event_does_not_post_on_is_refused(
    producer: httpx.AsyncClient,
) -> None:
    event = (await producer.post("/api/events", json={"name": "X only", "networks": ["x"]})).json()
    response = await producer.post(
        f"/api/events/{event['id']}/drafts", json=draft_payload(content=_texts(x="a", bluesky="b"))
    )
    assert response.status_code == 422
    assert response.json()["network"] == "bluesky"
