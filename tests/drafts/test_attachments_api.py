"""Images: checked from their bytes, stored once by hash, within each network's limits."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from app.config import Settings
from tests.factories import draft_payload, png_bytes
from tests.triage.helpers import journal


async def _upload(
    client: httpx.AsyncClient,
    event_id: int,
    data: bytes,
    name: str = "goal.png",
    alt_text: str = "The ball in the net",
) -> httpx.Response:
    return await client.post(
        f"/api/events/{event_id}/attachments",
        files={"file": (name, data, "image/png")},
        data={"alt_text": alt_text},
    )


def _stored_files(settings: Settings) -> list[Path]:
    folder = settings.data_dir / "attachments"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


async def test_an_image_is_stored_by_hash_and_served_to_logged_in_users(
    olive: httpx.AsyncClient, anon: httpx.AsyncClient, settings: Settings, event_id: int
) -> None:
    data = png_bytes(8, 6)
    response = await _upload(olive, event_id, data, name="whatever.txt")
    assert response.status_code == 201, response.text
    image = response.json()
    assert (image["media_type"], image["width"], image["height"]) == ("image/png", 8, 6)
    assert image["size"] == len(data) and image["alt_text"] == "The ball in the net"
    (stored,) = _stored_files(settings)
    assert stored.name == image["sha256"] and stored.read_bytes() == data
    served = await olive.get(image["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.content == data
    assert (await anon.get(image["url"])).status_code == 401
    again = await _upload(olive, event_id, data)
    assert again.json()["id"] != image["id"]
    assert len(_stored_files(settings)) == 1  # the same bytes are kept once


async def test_the_events_images_are_listed_with_their_alt_text(
    olive: httpx.AsyncClient, anon: httpx.AsyncClient, event_id: int
) -> None:
    first = (await _upload(olive, event_id, png_bytes(8, 6), alt_text="The ball")).json()
    second = (await _upload(olive, event_id, png_bytes(4, 4), alt_text="The crowd")).json()
    listed = await olive.get(f"/api/events/{event_id}/attachments")
    assert listed.status_code == 200
    assert listed.json()["attachments"] == [first, second]
    assert (await olive.get("/api/events/999999/attachments")).status_code == 404
    assert (await anon.get(f"/api/events/{event_id}/attachments")).status_code == 401


async def test_a_file_that_is_not_an_accepted_image_is_415_and_leaves_no_file(
    olive: httpx.AsyncClient, settings: Settings, event_id: int
) -> None:
    bmp = io.BytesIO()
    Image.new("RGB", (2, 2)).save(bmp, format="BMP")
    for data in (
        b"GIF89a but not really",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        bmp.getvalue(),
    ):
        response = await _upload(olive, event_id, data)
        assert response.status_code == 415, response.text
    truncated = png_bytes(50, 50)[:60]
    assert (await _upload(olive, event_id, truncated)).status_code == 415
    assert _stored_files(settings) == []


async def test_an_image_larger_than_every_network_takes_is_413_and_leaves_no_file(
    olive: httpx.AsyncClient, settings: Settings, event_id: int
) -> None:
    response = await _upload(olive, event_id, png_bytes() + b"\0" * (16 * 1024 * 1024))
    assert response.status_code == 413, response.text
    assert response.json()["max_bytes"] == 16 * 1024 * 1024
    assert _stored_files(settings) == []


async def test_an_image_over_one_networks_limit_is_refused_only_where_it_would_go(
    olive: httpx.AsyncClient, event_id: int
) -> None:
    big = (await _upload(olive, event_id, png_bytes(padding=1_100_000))).json()
    assert big["size"] > 1_000_000
    on_x = draft_payload(
        content={"posts": [{"texts": {"x": "Goal"}, "attachment_ids": [big["id"]]}]}
    )
    assert (await olive.post(f"/api/events/{event_id}/drafts", json=on_x)).status_code == 201
    on_bluesky = draft_payload(
        content={"posts": [{"texts": {"bluesky": "Goal"}, "attachment_ids": [big["id"]]}]}
    )
    refused = await olive.post(f"/api/events/{event_id}/drafts", json=on_bluesky)
    assert refused.status_code == 422, refused.text
    assert refused.json()["network"] == "bluesky"
    assert "Bluesky" in refused.json()["detail"]


async def test_alt_text_is_kept_and_checked_against_each_networks_limit(
    olive: httpx.AsyncClient, event_id: int
) -> None:
    image = (await _upload(olive, event_id, png_bytes())).json()
    long_alt = "a" * 1200
    patched = await olive.patch(f"/api/attachments/{image['id']}", json={"alt_text": long_alt})
    assert patched.status_code == 200, patched.text
    assert patched.json()["alt_text"] == long_alt
    too_long = await olive.patch(f"/api/attachments/{image['id']}", json={"alt_text": "a" * 2001})
    assert too_long.status_code == 422
    assert (await _upload(olive, event_id, png_bytes(), alt_text="a" * 2001)).status_code == 422
    post: dict[str, Any] = {"texts": {"x": "Goal"}, "attachment_ids": [image["id"]]}
    refused = await olive.post(
        f"/api/events/{event_id}/drafts", json=draft_payload(content={"posts": [post]})
    )
    assert refused.status_code == 422
    assert refused.json()["network"] == "x"
    post["texts"] = {"mastodon": "Goal"}
    allowed = await olive.post(
        f"/api/events/{event_id}/drafts", json=draft_payload(content={"posts": [post]})
    )
    assert allowed.status_code == 201, allowed.text


async def test_an_image_of_another_event_cannot_be_attached(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    other = (await producer.post("/api/events", json={"name": "Other"})).json()["id"]
    theirs = (await _upload(olive, other, png_bytes())).json()
    body = draft_payload(
        content={"posts": [{"texts": {"x": "Hi"}, "attachment_ids": [theirs["id"]]}]}
    )
    response = await olive.post(f"/api/events/{event_id}/drafts", json=body)
    assert response.status_code == 422
    assert response.json()["attachment_id"] == theirs["id"]


async def test_viewers_cannot_upload_and_unknown_events_are_404(
    client_as: Any, olive: httpx.AsyncClient, settings: Settings, event_id: int
) -> None:
    viewer = await client_as("viewer")
    assert (await _upload(viewer, event_id, png_bytes())).status_code == 403
    assert (await _upload(olive, 4242, png_bytes())).status_code == 404
    assert _stored_files(settings) == []
    assert (await olive.get("/api/attachments/4242")).status_code == 404


async def test_alt_text_a_network_the_image_goes_to_would_refuse_cannot_be_set_later(
    olive: httpx.AsyncClient, event_id: int
) -> None:
    image = (await _upload(olive, event_id, png_bytes())).json()
    post = {"texts": {"x": "Goal", "mastodon": "Goal"}, "attachment_ids": [image["id"]]}
    draft = await olive.post(
        f"/api/events/{event_id}/drafts", json=draft_payload(content={"posts": [post]})
    )
    assert draft.status_code == 201, draft.text
    refused = await olive.patch(f"/api/attachments/{image['id']}", json={"alt_text": "a" * 1200})
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert (body["network"], body["draft_id"], body["limit"]) == ("x", draft.json()["id"], 1000)
    assert "X" in body["detail"]
    types = [entry["type"] for entry in await journal(olive, event_id)]
    assert "attachment.updated" not in types  # the refused change left nothing behind
    allowed = await olive.patch(f"/api/attachments/{image['id']}", json={"alt_text": "a" * 1000})
    assert allowed.status_code == 200 and allowed.json()["alt_text"] == "a" * 1000
