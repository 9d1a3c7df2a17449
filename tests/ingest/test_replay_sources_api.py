"""File and rehearsal sources over the API: uploads, bounds, reports, mentions arriving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest

from app.db import Database
from tests.factories import mention_payload
from tests.ingest.helpers import count_mentions, eventually

RECORDED = datetime(2025, 7, 13, 19, 0, tzinfo=UTC)


def jsonl(*payloads: Any) -> bytes:
    return b"".join((p if isinstance(p, bytes) else orjson.dumps(p)) + b"\n" for p in payloads)


def at(seconds: float) -> str:
    return (RECORDED + timedelta(seconds=seconds)).isoformat()


async def upload(client: httpx.AsyncClient, name: str, body: bytes) -> httpx.Response:
    return await client.put(
        f"/api/imports/{name}", content=body, headers={"content-type": "application/x-ndjson"}
    )


async def test_an_uploaded_file_plays_and_its_bad_lines_show_on_the_source(
    app: Any, producer: httpx.AsyncClient, event_id: int, db: Database
) -> None:
    body = jsonl(
        mention_payload("a", created_at=at(0)),
        b"{broken",
        mention_payload("b", created_at=at(0.5)),
    )
    response = await upload(producer, "rehearsal.jsonl", body)
    assert response.status_code == 201, response.text
    assert response.json() == {"name": "rehearsal.jsonl", "bytes": len(body)}
    listed = (await producer.get("/api/imports")).json()
    assert listed == [{"name": "rehearsal.jsonl", "bytes": len(body)}]

    response = await producer.post(
        f"/api/events/{event_id}/sources",
        json={"kind": "file", "config": {"file": "rehearsal.jsonl", "speed": 60}},
    )
    assert response.status_code == 201, response.text
    source_id = response.json()["id"]

    async def played() -> bool:
        source = (await producer.get(f"/api/events/{event_id}/sources/{source_id}")).json()
        return source["status"] == "stopped"

    await eventually(played, what="the file to play to its end")
    await app.state.sources.flush()
    assert await count_mentions(db, event_id) == 2
    source = (await producer.get(f"/api/events/{event_id}/sources/{source_id}")).json()
    assert source["report"]["bad_line_count"] == 1
    assert source["report"]["bad_lines"][0]["line"] == 2


@pytest.mark.parametrize("speed", [0, 0.5, 61, 1000])
async def test_a_speed_outside_1_to_60_is_refused(
    producer: httpx.AsyncClient, event_id: int, speed: float
) -> None:
    await upload(producer, "f.jsonl", jsonl(mention_payload("a")))
    for kind, config in (
        ("file", {"file": "f.jsonl", "speed": speed}),
        ("rehearsal", {"from_event_id": event_id, "speed": speed}),
    ):
        response = await producer.post(
            f"/api/events/{event_id}/sources", json={"kind": kind, "config": config}
        )
        assert response.status_code == 422, (kind, response.text)
        assert response.json()["errors"][0]["loc"][-1] == "speed"


@pytest.mark.parametrize("name", ["../cuedesk.db", "/etc/passwd", "sub/x.jsonl", "missing.jsonl"])
async def test_a_file_source_reads_only_files_of_the_imports_folder(
    producer: httpx.AsyncClient, event_id: int, name: str
) -> None:
    response = await producer.post(
        f"/api/events/{event_id}/sources", json={"kind": "file", "config": {"file": name}}
    )
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("name", ["..", ".env", "a..b", "x%2F..%2Fy"])
async def test_an_upload_cannot_name_a_path(producer: httpx.AsyncClient, name: str) -> None:
    response = await upload(producer, name, b"{}\n")
    assert response.status_code in (404, 422), response.text


async def test_an_operator_cannot_upload_or_list_imports(client_as: Any) -> None:
    operator = await client_as("operator")
    assert (await upload(operator, "f.jsonl", b"{}\n")).status_code == 403
    assert (await operator.get("/api/imports")).status_code == 403


async def test_a_rehearsal_of_a_missing_event_or_of_itself_is_refused(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    missing = await producer.post(
        f"/api/events/{event_id}/sources",
        json={"kind": "rehearsal", "config": {"from_event_id": 999}},
    )
    assert missing.status_code == 404, missing.text
    itself = await producer.post(
        f"/api/events/{event_id}/sources",
        json={"kind": "rehearsal", "config": {"from_event_id": event_id}},
    )
    assert itself.status_code == 422, itself.text
