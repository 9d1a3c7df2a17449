"""GET /api/events/{id}/export: every script and every awkward character comes back as it
went in, in CSV and JSON Lines; bad asks get a clear 4xx; a viewer may export."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import orjson

from tests.factories import mention_payload
from tests.replies.conftest import claim
from tests.triage.helpers import ingest

TEXTS = [
    "Goal!!! ⚽🔥👏🏽 family: 👨‍👩‍👧‍👦",
    "هدف رائع من اللاعب! #CupFinal",
    "שער מדהים",
    "进球了\uff01太精彩了 ゴール\uff01 골!",  # full-width exclamation marks, as written
    'Line one\nline two, with a comma; and "quotes"\r\nand a CRLF',
    "नमस्ते दुनिया — ñandú Ελληνικά Кириллица",
]


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), "CSV starts with a BOM for spreadsheets"
    return list(csv.DictReader(io.StringIO(body[1:], newline="")))


def jsonl_rows(response: httpx.Response) -> list[dict[str, Any]]:
    assert not response.content.startswith(b"\xef\xbb\xbf")
    return [orjson.loads(line) for line in response.content.splitlines()]


async def test_mentions_export_keeps_every_script_in_csv_and_jsonl(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    payloads = [
        mention_payload(n, text=text, author={"handle": f"fan{n}", "name": text[:12]})
        for n, text in enumerate(TEXTS, start=1)
    ]
    await ingest(producer, event_id, payloads)

    as_csv = await producer.get(f"/api/events/{event_id}/export", params={"format": "csv"})
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.headers["content-disposition"] == (
        f'attachment; filename="cuedesk-event-{event_id}-mentions.csv"'
    )
    rows = csv_rows(as_csv)
    assert [row["text"] for row in rows] == TEXTS
    assert [row["author_name"] for row in rows] == [text[:12] for text in TEXTS]
    assert [int(row["seq"]) for row in rows] == sorted(int(row["seq"]) for row in rows)

    as_jsonl = await producer.get(
        f"/api/events/{event_id}/export", params={"format": "jsonl", "what": "mentions"}
    )
    assert as_jsonl.status_code == 200
    assert as_jsonl.headers["content-type"] == "application/x-ndjson; charset=utf-8"
    lines = jsonl_rows(as_jsonl)
    assert [line["text"] for line in lines] == TEXTS
    assert lines[0]["received_at"].endswith("Z")


async def test_csv_cells_that_a_spreadsheet_would_run_stay_text(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await ingest(producer, event_id, [mention_payload(1, text='=HYPERLINK("http://x")')])
    rows = csv_rows(await producer.get(f"/api/events/{event_id}/export"))
    assert rows[0]["text"] == '\'=HYPERLINK("http://x")'
    lines = jsonl_rows(
        await producer.get(f"/api/events/{event_id}/export", params={"format": "jsonl"})
    )
    assert lines[0]["text"] == '=HYPERLINK("http://x")'


async def test_replies_and_journal_export_with_their_authors(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int
) -> None:
    (mention_id,) = await ingest(producer, event_id, [1])
    fence = await claim(olive, mention_id)
    answer = await olive.post(
        f"/api/mentions/{mention_id}/reply", json={"text": "Merci ❤️ شكرا", "fence": fence}
    )
    assert answer.status_code == 201, answer.text

    replies = jsonl_rows(
        await producer.get(
            f"/api/events/{event_id}/export", params={"format": "jsonl", "what": "replies"}
        )
    )
    assert [(r["mention_id"], r["author"], r["text"]) for r in replies] == [
        (mention_id, "olive", "Merci ❤️ شكرا")
    ]
    replies_csv = csv_rows(
        await producer.get(f"/api/events/{event_id}/export", params={"what": "replies"})
    )
    assert replies_csv[0]["text"] == "Merci ❤️ شكرا"

    journal = jsonl_rows(
        await producer.get(
            f"/api/events/{event_id}/export", params={"format": "jsonl", "what": "journal"}
        )
    )
    types = [entry["type"] for entry in journal]
    assert "mention.received" in types and "mention.replied" in types
    assert [entry["seq"] for entry in journal] == list(range(1, len(journal) + 1))
    replied = next(entry for entry in journal if entry["type"] == "mention.replied")
    assert replied["data"]["reply"]["text"] == "Merci ❤️ شكرا"
    journal_csv = csv_rows(
        await producer.get(f"/api/events/{event_id}/export", params={"what": "journal"})
    )
    replied_row = next(row for row in journal_csv if row["type"] == "mention.replied")
    assert orjson.loads(replied_row["data"])["mention_id"] == mention_id


async def test_posts_export_of_an_event_without_posts_is_just_its_header(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    response = await producer.get(f"/api/events/{event_id}/export", params={"what": "posts"})
    assert response.status_code == 200
    assert response.content.decode("utf-8").startswith("\ufeffid,cue_id,cue_firing,")
    assert csv_rows(response) == []


async def test_a_viewer_may_export_but_sees_no_internal_note(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    (mention_id,) = await ingest(producer, event_id, [1])
    noted = await olive.post(f"/api/mentions/{mention_id}/notes", json={"text": "secret plan"})
    assert noted.status_code in (200, 201), noted.text
    viewer = await client_as("viewer")
    response = await viewer.get(
        f"/api/events/{event_id}/export", params={"format": "jsonl", "what": "journal"}
    )
    assert response.status_code == 200
    assert b"secret plan" not in response.content
    team = await producer.get(
        f"/api/events/{event_id}/export", params={"format": "jsonl", "what": "journal"}
    )
    assert b"secret plan" in team.content
    assert (await viewer.get(f"/api/events/{event_id}/export")).status_code == 200


async def test_an_unknown_format_or_kind_is_refused_with_422(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    for params in ({"format": "xlsx"}, {"what": "users"}, {"format": ""}):
        response = await producer.get(f"/api/events/{event_id}/export", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"]


async def test_the_export_of_an_event_that_does_not_exist_is_a_404(
    producer: httpx.AsyncClient,
) -> None:
    response = await producer.get("/api/events/999999/export", params={"format": "jsonl"})
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


async def test_export_needs_a_login(anon: httpx.AsyncClient, event_id: int) -> None:
    assert (await anon.get(f"/api/events/{event_id}/export")).status_code == 401
