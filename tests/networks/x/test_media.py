"""A post's images reach X before the post, with their alt text: pictures in one call, a
GIF in segments, waited for while X processes it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.networks.x.publisher import XPublisher
from app.replies.publishers import Outgoing, PublishFailed
from tests.fakes.server import serve_asgi
from tests.fakes.x import USER_ID, FakeX
from tests.networks.images import ALT, gif_bytes, stored_image


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeX, str]]:
    x = FakeX()
    async with serve_asgi(x.app()) as url:
        yield x, url


def publisher_for(url: str, timeout: float = 2) -> XPublisher:
    return XPublisher(
        url, "x-access-1", user_id=USER_ID, timeout=timeout, media_poll_seconds=0,
        settle_seconds=0,
    )  # fmt: skip


async def test_a_post_with_an_image_carries_it_with_its_alt_text(
    fake: tuple[FakeX, str], tmp_path: Path
) -> None:
    x, url = fake
    image = stored_image(tmp_path)
    publisher = publisher_for(url)
    published = await publisher.publish(Outgoing("k1", "x", "Goal!", images=(image,)))
    await publisher.close()
    (tweet,) = x.posts
    assert published.external_id == tweet["id"]
    (media,) = x.media_of(tweet)
    assert media["alt_text"] == ALT
    assert (media["category"], media["media_type"], media["total_bytes"]) == (
        "tweet_image",
        "image/png",
        image.size,
    )
    # The media endpoints' headers are not the posting budget's.
    assert publisher.budget.snapshot()["header"]["limit"] == 100


async def test_a_gif_goes_in_segments_and_the_post_waits_for_its_processing(
    fake: tuple[FakeX, str], tmp_path: Path
) -> None:
    x, url = fake
    x.media.processing_checks = 2
    data = gif_bytes(frames=3)
    image = stored_image(tmp_path, data=data, media_type="image/gif", alt_text="A goal, looped")
    publisher = publisher_for(url)
    await publisher.publish(Outgoing("k1", "x", "Again!", images=(image,)))
    await publisher.close()
    (media,) = x.media_of(x.posts[0])
    assert (media["category"], media["state"], media["alt_text"]) == (
        "tweet_gif",
        "succeeded",
        "A goal, looped",
    )
    assert sum(media["segments"].values()) == len(data)
    assert x.media.status_checks == [media["id"]] * 3  # in progress twice, then done


async def test_an_image_without_alt_text_is_sent_without_metadata(
    fake: tuple[FakeX, str], tmp_path: Path
) -> None:
    x, url = fake
    publisher = publisher_for(url)
    image = stored_image(tmp_path, alt_text="")
    await publisher.publish(Outgoing("k1", "x", "Goal!", images=(image,)))
    await publisher.close()
    assert x.media_of(x.posts[0])[0]["alt_text"] is None


async def test_alt_text_x_refuses_fails_the_post_for_good_before_posting(
    fake: tuple[FakeX, str], tmp_path: Path
) -> None:
    x, url = fake
    publisher = publisher_for(url)
    image = stored_image(tmp_path, alt_text="a" * 1001)
    with pytest.raises(PublishFailed, match="alt text of image 1") as failed:
        await publisher.publish(Outgoing("k1", "x", "Goal!", images=(image,)))
    await publisher.close()
    assert not failed.value.transient and x.posts == []


async def test_a_resend_that_finds_the_post_uploads_nothing_again(
    fake: tuple[FakeX, str], tmp_path: Path
) -> None:
    x, url = fake
    x.plan = ["lose"]
    publisher = publisher_for(url, timeout=0.3)
    post = Outgoing("k1", "x", "Goal!", images=(stored_image(tmp_path),))
    with pytest.raises(PublishFailed):
        await publisher.publish(post)
    await asyncio.sleep(0.4)  # past the lost attempt's timeout: the look-up may run
    again = await publisher.publish(Outgoing("k1", "x", "Goal!", resend=True, images=post.images))
    await publisher.close()
    assert len(x.posts) == 1 and again.external_id == x.posts[0]["id"]
    assert len(x.media.uploads) == 1
