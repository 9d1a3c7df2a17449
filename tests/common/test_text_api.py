"""A text the databases cannot both store (a NUL, a lone surrogate) is refused with a 422
naming the field, on SQLite as on PostgreSQL, wherever the API takes text."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.factories import mention_payload

NUL = "a\x00b"
SURROGATE = "a\ud800b"


def cases(text: str) -> list[tuple[str, str, Any, list[str | int]]]:
    """(method, url, body, the refused field); {event} and {mention} are filled in."""
    return [
        ("POST", "/api/events/{event}/mentions", [mention_payload(7, text=text)], [0, "text"]),
        (
            "POST",
            "/api/events/{event}/mentions",
            [mention_payload(7, author={"handle": text, "name": "A Fan"})],
            [0, "author", "handle"],
        ),
        (
            "POST",
            "/api/events/{event}/mentions",
            [mention_payload(7, author={"handle": "fan", "name": text})],
            [0, "author", "name"],
        ),
        ("POST", "/api/events", {"name": text}, ["name"]),
        ("POST", "/api/events", {"name": "Final", "hashtags": [text]}, ["hashtags"]),
        ("PATCH", "/api/events/{event}", {"keywords": [text]}, ["keywords"]),
        ("POST", "/api/mentions/{mention}/notes", {"text": text}, ["text"]),
        ("POST", "/api/mentions/{mention}/dismiss", {"reason": text}, ["reason"]),
        ("POST", "/api/mentions/{mention}/reply", {"text": text}, ["text"]),
        ("POST", "/api/events/{event}/saved-replies", {"title": text, "text": "Hi"}, ["title"]),
        (
            "POST",
            "/api/users",
            {"username": text, "password": "long enough pass", "role": "viewer"},
            ["username"],
        ),
        ("POST", "/api/auth/tokens", {"name": text}, ["name"]),
        ("POST", "/api/auth/login", {"username": text, "password": "x"}, ["username"]),
        ("POST", "/api/events/{event}/sources", {"config": {"seed": text}}, ["config"]),
    ]


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
async def test_unstorable_text_in_a_body_is_422_naming_the_field(
    client_as: Any, event_id: int, mention_id: int, text: str
) -> None:
    admin: httpx.AsyncClient = await client_as("admin")
    for method, url, body, field in cases(text):
        response = await admin.request(
            method,
            url.format(event=event_id, mention=mention_id),
            # Escaped (\u0000, \ud800), as JSON carries them: a lone surrogate is not UTF-8.
            content=json.dumps(body),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 422, (url, body, response.text)
        (error, *_) = response.json()["errors"]
        assert error["loc"][: len(field) + 1] == ["body", *field], (url, error)
        if text == NUL:
            assert "NUL character" in error["msg"], (url, error)


async def test_unstorable_text_in_a_query_or_path_is_422(
    producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    for url, params in (
        (f"/api/events/{event_id}/mentions", {"q": NUL}),
        (f"/api/events/{event_id}/mentions", {"tag": NUL}),
    ):
        response = await producer.get(url, params=params)
        assert response.status_code == 422, (params, response.text)
    response = await producer.delete(f"/api/mentions/{mention_id}/tags/a%00b")
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["path", "tag"]


async def test_nothing_of_a_batch_with_a_nul_is_stored(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    batch = [mention_payload(1), mention_payload(2, text=NUL)]
    response = await producer.post(f"/api/events/{event_id}/mentions", json=batch)
    assert response.status_code == 422, response.text
    listed = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    assert listed == []
