"""The replay's endpoints: the state at any seq equals the journal applied from the start
and what the team saw at that instant; the overview counts what happened; bad input."""

from __future__ import annotations

from typing import Any

import httpx

from app.db import Database
from app.journal import service as journal
from app.replay import index
from app.replay.board import BOARD_TYPES, Board
from app.replay.service import WINDOW
from tests.factories import mention_payload


async def ingest(client: httpx.AsyncClient, event_id: int, ids: range) -> None:
    response = await client.post(
        f"/api/events/{event_id}/mentions", json=[mention_payload(i) for i in ids]
    )
    assert response.status_code == 200, response.text


async def mention_ids(client: httpx.AsyncClient, event_id: int) -> list[int]:
    found: list[int] = []
    before = ""
    while True:
        page = (await client.get(f"/api/events/{event_id}/mentions?limit=200{before}")).json()
        found += [item["id"] for item in page["items"]]
        if not page["has_more"]:
            return sorted(found)
        before = f"&before_seq={page['items'][-1]['seq']}"


async def journal_from_zero(client: httpx.AsyncClient, event_id: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    while True:
        after = entries[-1]["seq"] if entries else 0
        page = (await client.get(f"/api/events/{event_id}/journal?after_seq={after}")).json()
        entries += page["entries"]
        if not page["entries"] or entries[-1]["seq"] >= page["last_seq"]:
            return entries


def board_at(entries: list[dict[str, Any]], seq: int) -> dict[str, Any]:
    board = Board()
    for entry in entries:
        if entry["seq"] <= seq:
            board.apply(entry["type"], entry["data"])
    return board.state()


async def seek(client: httpx.AsyncClient, event_id: int, seq: int) -> dict[str, Any]:
    response = await client.get(f"/api/events/{event_id}/replay/seek?seq={seq}")
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def seek_board(answer: dict[str, Any]) -> dict[str, Any]:
    board = Board(answer["board"])
    for entry in answer["board_entries"] + answer["entries"]:
        board.apply(entry["type"], entry["data"])
    return board.state()


async def post_published(db: Database, event_id: int, post_id: int, text: str) -> None:
    """A post as the posting outbox journals it (the posting domain is built beside this)."""
    post = {"id": post_id, "event_id": event_id, "network": "x", "text": text}
    post |= {"status": "published", "cue_id": 1, "draft_id": None}
    async with db.transaction() as session:
        fired = {"cue_id": 1, "title": "Kickoff", "post_ids": [post_id]}
        await journal.append(session, event_id, "cue.fired", fired)
        await journal.append(session, event_id, "post.published", {"post": post})


async def a_busy_evening(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, db: Database, event_id: int
) -> list[tuple[int, set[tuple[int, str]]]]:
    """Mentions across several checkpoints with claims, releases, replies and posts between
    them. Answers, at instants along the way, the claims the API showed (mention, holder)."""
    seen: list[tuple[int, set[tuple[int, str]]]] = []
    await ingest(producer, event_id, range(0, 1300))
    ids = await mention_ids(producer, event_id)
    grants = [(await olive.post(f"/api/mentions/{i}/claim")).json() for i in ids[1000:1004]]
    await olive.post(f"/api/mentions/{ids[1000]}/release", json={"fence": grants[0]["fence"]})
    reply = {"text": "Thanks!", "fence": grants[1]["fence"]}
    assert (await olive.post(f"/api/mentions/{ids[1001]}/reply", json=reply)).status_code == 201
    seen.append(await claims_now(producer, event_id))
    await post_published(db, event_id, 1, "Kick-off! #CupFinal")
    await ingest(producer, event_id, range(1300, 2400))
    await olive.post(f"/api/mentions/{ids[1002]}/dismiss", json={})
    await olive.post(f"/api/mentions/{ids[20]}/claim")
    seen.append(await claims_now(producer, event_id))
    await ingest(producer, event_id, range(2400, 2550))
    seen.append(await claims_now(producer, event_id))
    return seen


async def claims_now(client: httpx.AsyncClient, event_id: int) -> tuple[int, set[tuple[int, str]]]:
    """The journal's end and the claims held, as the mentions API shows them now."""
    last_seq = (await client.get(f"/api/events/{event_id}")).json()["last_seq"]
    page = (await client.get(f"/api/events/{event_id}/mentions?state=claimed&limit=200")).json()
    return last_seq, {(item["id"], item["claim"]["holder"]["username"]) for item in page["items"]}


async def test_the_state_at_any_seq_is_the_journal_applied_from_the_start(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    await a_busy_evening(producer, olive, db, event_id)
    # Opened mid-way, the index is built in part and caught up later.
    assert (await producer.get(f"/api/events/{event_id}/replay")).status_code == 200
    await ingest(producer, event_id, range(2550, 2700))
    entries = await journal_from_zero(producer, event_id)
    last = entries[-1]["seq"]
    for seq in sorted({1, 999, 1000, 1001, 1350, 2000, 2501, last - 1, last}):
        answer = await seek(producer, event_id, seq)
        assert answer["seq"] == seq
        assert answer["checkpoint_seq"] == index.chunk_end(seq)
        assert {e["type"] for e in answer["board_entries"]} <= BOARD_TYPES
        assert seek_board(answer) == board_at(entries, seq)
        # The entries run without a gap up to the seq, and hold the feed's whole window.
        seqs = [entry["seq"] for entry in answer["entries"]]
        assert seqs == list(range(answer["from_seq"] + 1, seq + 1))
        expected_window = [e["seq"] for e in entries if e["type"] == "mention.received"]
        expected_window = [s for s in expected_window if s <= seq][-WINDOW:]
        received = [e["seq"] for e in answer["entries"] if e["type"] == "mention.received"]
        assert received[-WINDOW:] == expected_window


async def test_the_claims_at_an_instant_are_those_the_team_saw_then(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    seen = await a_busy_evening(producer, olive, db, event_id)
    assert any(claims for _seq, claims in seen)
    for seq, claims in seen:
        board = seek_board(await seek(producer, event_id, seq))
        assert {(c["mention_id"], c["holder"]["username"]) for c in board["claims"]} == claims


async def test_the_overview_counts_every_mention_and_marks_cues_and_posts(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    await ingest(producer, event_id, range(0, 1500))
    await post_published(db, event_id, 7, "Goal! #CupFinal")
    await ingest(producer, event_id, range(1500, 1600))
    first = (await producer.get(f"/api/events/{event_id}/replay")).json()
    await ingest(producer, event_id, range(1600, 2100))
    overview = (await producer.get(f"/api/events/{event_id}/replay")).json()
    assert sum(first["minutes"]["mentions"]) == 1600
    assert sum(overview["minutes"]["mentions"]) == 2100
    assert sum(overview["minutes"]["entries"]) == overview["last_seq"]
    kinds = [(marker["kind"], marker["label"]) for marker in overview["markers"]]
    assert kinds == [("cue", "Kickoff fired"), ("post", "x: Goal! #CupFinal")]
    assert overview["event"]["name"] == "Cup Final"


async def test_a_seek_past_the_end_is_refused_and_an_unknown_event_is_not_found(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await ingest(producer, event_id, range(0, 3))
    past = await producer.get(f"/api/events/{event_id}/replay/seek?seq=99")
    assert past.status_code == 422
    assert "past the end" in past.json()["detail"]
    assert (await producer.get(f"/api/events/{event_id}/replay/seek?seq=-1")).status_code == 422
    for path in ("replay", "replay/seek?seq=0", "replay/entries", "bookmarks"):
        assert (await producer.get(f"/api/events/999/{path}")).status_code == 404, path


async def test_the_entries_page_is_the_journal_page(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int
) -> None:
    await ingest(producer, event_id, range(0, 30))
    ids = await mention_ids(producer, event_id)
    await olive.post(f"/api/mentions/{ids[3]}/claim")
    page = (await producer.get(f"/api/events/{event_id}/replay/entries?after_seq=10")).json()
    wanted = (await producer.get(f"/api/events/{event_id}/journal?after_seq=10")).json()
    assert page["entries"] == wanted["entries"]
    assert page["last_seq"] == wanted["last_seq"]


async def test_a_viewer_may_replay_without_the_desks_notes(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    await ingest(producer, event_id, range(0, 5))
    ids = await mention_ids(producer, event_id)
    await olive.post(f"/api/mentions/{ids[0]}/notes", json={"text": "Regular viewer"})
    viewer = await client_as("viewer")
    assert (await viewer.get(f"/api/events/{event_id}/replay")).status_code == 200
    last_seq = (await viewer.get(f"/api/events/{event_id}")).json()["last_seq"]
    answer = (await viewer.get(f"/api/events/{event_id}/replay/seek?seq={last_seq}")).json()
    noted = [entry for entry in answer["entries"] if entry["type"] == "mention.noted"]
    assert noted and noted[0]["data"] == {"mention_id": ids[0]}


async def test_the_indexer_keeps_the_index_up_with_the_show(
    producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    indexer = index.ReplayIndexer(db)
    assert await indexer.step() == 0
    await ingest(producer, event_id, range(0, 2100))
    assert await indexer.step() == 1
    async with db.read_session() as session:
        assert (await index.latest_checkpoint(session, event_id))[0] == 2000
    assert await indexer.step() == 0
