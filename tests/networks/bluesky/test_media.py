"""A post's images reach Bluesky as blobs embedded in the record, with their alt text and
shape; the record key still makes a resend after a lost answer write one post."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.networks.bluesky.publisher import BlueskyPublisher
from app.replies.publishers import Outgoing, OutgoingImage, PublishFailed
from tests.factories import png_bytes
from tests.fakes.bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tests.fakes.server import serve_asgi
from tests.networks.images import ALT, stored_image

ACCEPTED = datetime(2026, 2, 8, 20, 0, 1, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeBluesky, str]]:
    bluesky = FakeBluesky()
    async with serve_asgi(bluesky.app()) as url:
        yield bluesky, url


def publisher_for(url: str, timeout: float = 2) -> BlueskyPublisher:
    return BlueskyPublisher(url, url, HANDLE, APP_PASSWORD, timeout=timeout)


def post_with(*images: OutgoingImage, resend: bool = False) -> Outgoing:
    return Outgoing(
        "5a69788796a5b4c3", "bluesky", "Goal!", created_at=ACCEPTED, images=images,
        resend=resend,
    )  # fmt: skip


async def test_a_post_with_an_image_embeds_its_blob_alt_text_and_aspect_ratio(
    fake: tuple[FakeBluesky, str], tmp_path: Path
) -> None:
    bluesky, url = fake
    image = stored_image(tmp_path, size=(8, 6))
    publisher = publisher_for(url)
    published = await publisher.publish(post_with(image))
    await publisher.close()
    (record,) = bluesky.records.values()
    assert published.external_id == record["uri"]
    embed = record["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    (embedded,) = embed["images"]
    assert embedded["alt"] == ALT
    assert embedded["aspectRatio"] == {"width": 8, "height": 6}
    (upload,) = bluesky.uploads
    assert (upload["mimeType"], upload["size"]) == ("image/png", image.size)
    assert embedded["image"]["ref"]["$link"] == upload["cid"]


async def test_a_resend_after_a_lost_answer_makes_one_post_with_its_image(
    fake: tuple[FakeBluesky, str], tmp_path: Path
) -> None:
    bluesky, url = fake
    bluesky.plan = ["lose"]
    post = post_with(stored_image(tmp_path))
    publisher = publisher_for(url, timeout=0.3)
    with pytest.raises(PublishFailed):
        await publisher.publish(post)
    again = await publisher.publish(post_with(*post.images, resend=True))
    await publisher.close()
    (record,) = bluesky.records.values()
    assert again.external_id == record["uri"]
    assert record["value"]["embed"]["images"][0]["alt"] == ALT


async def test_an_image_over_the_lexicons_size_is_refused_for_good(
    fake: tuple[FakeBluesky, str], tmp_path: Path
) -> None:
    bluesky, url = fake
    big = stored_image(tmp_path, data=png_bytes(padding=1_000_001))
    publisher = publisher_for(url)
    with pytest.raises(PublishFailed, match="too big") as failed:
        await publisher.publish(post_with(big))
    await publisher.close()
    assert not failed.value.transient and bluesky.records == {}
