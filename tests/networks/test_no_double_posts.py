"""1,000 replies on each network with answers lost at random: exactly 1,000 posts.

Each reply is sent the way the outbox sends it: with its key and time, and again (marked a
resend) after a failure, until it is published.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from app.networks.bluesky.publisher import BlueskyPublisher
from app.networks.mastodon.publisher import MastodonPublisher
from app.networks.x.publisher import XPublisher
from app.replies.publishers import Outgoing, Published, PublishFailed
from tests.fakes.bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.server import serve_asgi
from tests.fakes.x import USER_ID, FakeX

COUNT = 1000
CONCURRENCY = 20
START = datetime(2026, 2, 8, 20, 0, tzinfo=UTC)


def lossy_plan(seed: int, lost: str, failed: str) -> list[str]:
    """Answers lost (after posting) or failed (before) for about one call in ten."""
    chance = random.Random(seed)
    return [chance.choice([lost, failed] + ["ok"] * 18) for _ in range(2 * COUNT)]


async def publish_all(
    network: str, publish: Callable[[Outgoing], Awaitable[Published]], in_reply_to: str | None
) -> set[str]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(index: int) -> str:
        post = Outgoing(
            f"key-{index:04d}", network, f"Reply number {index}", in_reply_to,
            created_at=START + timedelta(milliseconds=index),
        )  # fmt: skip
        async with gate:
            while True:
                try:
                    return (await publish(post)).external_id
                except PublishFailed as failed:
                    assert failed.transient, str(failed)
                    if failed.not_before is not None:  # as the outbox: come back then
                        await asyncio.sleep((failed.not_before - datetime.now(UTC)).total_seconds())
                    post = Outgoing(**{**post.__dict__, "resend": True})

    return set(await asyncio.gather(*(one(i) for i in range(COUNT))))


async def test_x() -> None:
    fake = FakeX(plan=lossy_plan(1, "lose", "503"), remaining=10**6)
    async with serve_asgi(fake.app()) as url:
        # A timed-out attempt may still be on its way in: the look-up waits for it.
        publisher = XPublisher(url, "x-access-1", user_id=USER_ID, timeout=0.3, settle_seconds=1.0)
        publisher.budget.windows = ()  # the fake has no 100-per-15-minutes limit
        ids = await publish_all("x", publisher.publish, "1790000000000000042")
        await publisher.close()
    assert len(fake.posts) == COUNT and len(ids) == COUNT


async def test_bluesky() -> None:
    fake = FakeBluesky(plan=lossy_plan(2, "lose", "500-written"))
    async with serve_asgi(fake.app()) as url:
        publisher = BlueskyPublisher(url, url, HANDLE, APP_PASSWORD, timeout=0.3)
        ids = await publish_all("bluesky", publisher.publish, None)
        await publisher.close()
    assert len(fake.records) == COUNT and len(ids) == COUNT


async def test_mastodon() -> None:
    fake = FakeMastodon(plan=lossy_plan(3, "lose", "503"))
    async with serve_asgi(fake.app()) as url:
        publisher = MastodonPublisher(url, TOKEN, timeout=0.3)
        publisher.budget.windows = ()
        ids = await publish_all("mastodon", publisher.publish, "110000000000000042")
        await publisher.close()
    assert len(fake.statuses) == COUNT and len(ids) == COUNT
