"""A post's images reach Mastodon before the status, with their alt text, and the status
waits for Mastodon to finish processing them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.networks.mastodon.publisher import MastodonPublisher
from app.replies.publishers import Outgoing, PublishFailed
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.server import serve_asgi
from tests.networks.images import ALT, stored_image


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeMastodon, str]]:
    mastodon = FakeMastodon()
    async with serve_asgi(mastodon.app()) as url:
        yield mastodon, url


async def test_a_post_with_two_images_carries_both_with_their_alt_text(
    fake: tuple[FakeMastodon, str], tmp_path: Path
) -> None:
    mastodon, url = fake
    first = stored_image(tmp_path, 1)
    second = stored_image(tmp_path, 2, alt_text="The crowd on its feet", size=(6, 4))
    publisher = MastodonPublisher(url, TOKEN, timeout=2)
    post = Outgoing("k1", "mastodon", "Goal!", images=(first, second))
    published = await publisher.publish(post)
    await publisher.close()
    (status,) = mastodon.statuses
    assert published.external_id == status["id"]
    attached = status["media_attachments"]
    assert [m["description"] for m in attached] == [ALT, "The crowd on its feet"]
    assert {m["type"] for m in attached} == {"image"}
    assert [(u["size"], u["media_type"]) for u in mastodon.uploads] == [
        (first.size, "image/png"),
        (second.size, "image/png"),
    ]
    assert mastodon.requests[0]["key"] == "k1"  # the status keeps its Idempotency-Key


async def test_a_status_waits_until_mastodon_has_processed_its_image(
    fake: tuple[FakeMastodon, str], tmp_path: Path
) -> None:
    mastodon, url = fake
    mastodon.media_processing_checks = 2  # 202 with url null, then 206 twice
    publisher = MastodonPublisher(url, TOKEN, timeout=2, media_poll_seconds=0)
    post = Outgoing("k1", "mastodon", "Goal!", images=(stored_image(tmp_path),))
    await publisher.publish(post)
    await publisher.close()
    (upload,) = mastodon.uploads
    assert mastodon.media_checks == [(upload["id"], 206), (upload["id"], 206), (upload["id"], 200)]
    (status,) = mastodon.statuses
    assert status["media_attachments"][0]["url"] is not None
    assert status["media_attachments"][0]["description"] == ALT


async def test_an_image_still_processing_after_the_checks_is_a_failure_that_may_pass(
    fake: tuple[FakeMastodon, str], tmp_path: Path
) -> None:
    mastodon, url = fake
    mastodon.media_processing_checks = 1000
    publisher = MastodonPublisher(url, TOKEN, timeout=2, media_poll_seconds=0)
    post = Outgoing("k1", "mastodon", "Goal!", images=(stored_image(tmp_path),))
    with pytest.raises(PublishFailed, match="still processing image 1") as failed:
        await publisher.publish(post)
    await publisher.close()
    assert failed.value.transient and mastodon.statuses == []


async def test_the_fake_refuses_a_status_naming_media_it_does_not_have(
    fake: tuple[FakeMastodon, str],
) -> None:
    """What the publisher relies on the server to check, as Mastodon does."""
    mastodon, url = fake
    async with httpx.AsyncClient(base_url=url) as client:
        response = await client.post(
            "/api/v1/statuses",
            json={"status": "Goal!", "media_ids": ["404"]},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert response.status_code == 422 and "not found" in response.json()["error"]
    assert mastodon.statuses == []


async def test_an_image_gone_from_the_data_folder_fails_for_good_naming_it(
    fake: tuple[FakeMastodon, str], tmp_path: Path
) -> None:
    mastodon, url = fake
    image = stored_image(tmp_path, 7)
    image.path.unlink()
    publisher = MastodonPublisher(url, TOKEN, timeout=2)
    with pytest.raises(PublishFailed, match="image 7 is missing") as failed:
        await publisher.publish(Outgoing("k1", "mastodon", "Goal!", images=(image,)))
    await publisher.close()
    assert not failed.value.transient
    assert mastodon.uploads == [] and mastodon.statuses == []
