"""A fired draft's images go out with its posts, each with its alt text, on every network:
through the API (upload, draft, approval, cue), the outbox and the accounts' publishers, to
fake X, Mastodon and Bluesky servers speaking their protocols."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.accounts import service as accounts
from app.accounts.crypto import Vault
from app.config import Settings
from app.db import Database
from tests.cues.helpers import add_cue, wait_for
from tests.factories import png_bytes
from tests.fakes.bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.x import USER_ID, FakeX

GOAL_ALT = "Number 9 heads the ball into the top corner"
CROWD_ALT = "The away end on its feet, scarves up"


@pytest.fixture
def settings(
    settings: Settings,
    mastodon: tuple[FakeMastodon, str],
    x: tuple[FakeX, str],
    bluesky: tuple[FakeBluesky, str],
) -> Settings:
    settings.publish_mastodon_url = mastodon[1]
    settings.publish_mastodon_token = TOKEN
    settings.x_api_url = x[1]
    settings.bluesky_pds_url = settings.bluesky_appview_url = bluesky[1]
    settings.secret_key = "tests-secret-key-0123456789-abcdefghijklmnop"
    return settings


async def _connect_accounts(db: Database, settings: Settings) -> None:
    vault = Vault.from_settings(settings)
    async with db.transaction() as session:
        account = await accounts.connect(
            session, vault, network="x", event_id=None, handle="cuedesk", server_url=None,
            hint_of="x-access-1",
            secret={"access_token": "x-access-1", "refresh_token": "x-refresh-1"},
        )  # fmt: skip
        account.network_user_id = USER_ID
        await accounts.connect(
            session, vault, network="bluesky", event_id=None, handle=HANDLE, server_url=None,
            hint_of=APP_PASSWORD, secret={"app_password": APP_PASSWORD},
        )  # fmt: skip


async def _upload(client: httpx.AsyncClient, event_id: int, alt_text: str) -> int:
    response = await client.post(
        f"/api/events/{event_id}/attachments",
        files={"file": ("goal.png", png_bytes(8, 6), "image/png")},
        data={"alt_text": alt_text},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _approved_draft_on_cue(
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    cue_id: int,
    posts: list[dict[str, Any]],
) -> dict[str, Any]:
    created = await olive.post(
        f"/api/events/{event_id}/drafts",
        json={"title": "Goal", "cue_id": cue_id, "content": {"posts": posts}},
    )
    assert created.status_code == 201, created.text
    draft: dict[str, Any] = created.json()
    approved = await producer.post(
        f"/api/drafts/{draft['id']}/approve", headers={"If-Match": f'"{draft["version"]}"'}
    )
    assert approved.status_code == 200, approved.text
    return draft


async def test_a_fired_threads_images_reach_each_network_with_their_alt_text(
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    db: Database,
    settings: Settings,
    event_id: int,
    mastodon: tuple[FakeMastodon, str],
    x: tuple[FakeX, str],
    bluesky: tuple[FakeBluesky, str],
) -> None:
    await _connect_accounts(db, settings)
    goal = await _upload(olive, event_id, GOAL_ALT)
    crowd = await _upload(olive, event_id, CROWD_ALT)
    texts = {"x": "GOAL! #CupFinal", "mastodon": "GOAL!", "bluesky": "GOAL!"}
    replies = {"x": "What a night", "mastodon": "What a night", "bluesky": "What a night"}
    cue = await add_cue(producer, event_id, title="First goal")
    await _approved_draft_on_cue(
        olive, producer, event_id, cue["id"],
        [{"texts": texts, "attachment_ids": [goal]}, {"texts": replies, "attachment_ids": [crowd]}],
    )  # fmt: skip
    fired = await producer.post(f"/api/cues/{cue['id']}/fire")
    assert fired.status_code == 200, fired.text

    published = await wait_for(producer, event_id, "post.published", count=6, timeout=30)
    posts = [entry["data"]["post"] for entry in published]
    assert {p["dry_run"] for p in posts} == {False}
    assert sorted((p["network"], p["thread_index"], p["attachment_ids"]) for p in posts) == [
        (network, index, [image])
        for network in ("bluesky", "mastodon", "x")
        for index, image in ((0, goal), (1, crowd))
    ]
    first, second = mastodon[0].statuses
    assert [m["description"] for m in first["media_attachments"]] == [GOAL_ALT]
    assert [m["description"] for m in second["media_attachments"]] == [CROWD_ALT]
    assert second["in_reply_to_id"] == first["id"]
    on_x = [[m["alt_text"] for m in x[0].media_of(tweet)] for tweet in x[0].posts]
    assert on_x == [[GOAL_ALT], [CROWD_ALT]]
    records = bluesky[0].records.values()
    embedded = [[i["alt"] for i in r["value"]["embed"]["images"]] for r in records]
    assert sorted(embedded) == sorted([[GOAL_ALT], [CROWD_ALT]])
    assert {r["value"]["embed"]["images"][0]["aspectRatio"]["width"] for r in records} == {8}


async def test_a_lost_answer_from_bluesky_still_makes_one_post_with_its_image(
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    db: Database,
    settings: Settings,
    event_id: int,
    bluesky: tuple[FakeBluesky, str],
) -> None:
    await _connect_accounts(db, settings)
    bluesky[0].plan = ["lose"]
    goal = await _upload(olive, event_id, GOAL_ALT)
    cue = await add_cue(producer, event_id)
    await _approved_draft_on_cue(
        olive, producer, event_id, cue["id"],
        [{"texts": {"bluesky": "GOAL!"}, "attachment_ids": [goal]}],
    )  # fmt: skip
    assert (await producer.post(f"/api/cues/{cue['id']}/fire")).status_code == 200
    (entry,) = await wait_for(producer, event_id, "post.published", timeout=30)
    assert entry["data"]["post"]["attempts"] == 2
    (record,) = bluesky[0].records.values()
    assert entry["data"]["post"]["external_id"] == record["uri"]
    assert record["value"]["embed"]["images"][0]["alt"] == GOAL_ALT


async def test_an_image_file_gone_from_the_data_folder_fails_the_post_once_saying_so(
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    settings: Settings,
    event_id: int,
    mastodon: tuple[FakeMastodon, str],
) -> None:
    goal = await _upload(olive, event_id, GOAL_ALT)
    cue = await add_cue(producer, event_id)
    posts = [
        {"texts": {"mastodon": "GOAL!"}, "attachment_ids": [goal]},
        {"texts": {"mastodon": "What a night"}, "attachment_ids": []},
    ]
    await _approved_draft_on_cue(olive, producer, event_id, cue["id"], posts)
    for stored in (settings.data_dir / "attachments").rglob("*"):
        if stored.is_file():
            stored.unlink()
    assert (await producer.post(f"/api/cues/{cue['id']}/fire")).status_code == 200

    failed = await wait_for(producer, event_id, "post.failed", count=2)
    first, rest = (entry["data"]["post"] for entry in failed)
    assert first["attempts"] == 1  # no retries of what cannot succeed
    assert (
        f"the file of image {goal} is missing from the server's data folder"
        in (first["last_error"])
    )
    assert "Upload the image again" in first["last_error"]
    assert rest["thread_index"] == 1 and "failed" in rest["last_error"]
    assert mastodon[0].uploads == [] and mastodon[0].statuses == []
