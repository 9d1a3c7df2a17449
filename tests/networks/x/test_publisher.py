"""Posting on X through a fake speaking its API v2: never twice, limits waited out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from app.networks.x.publisher import XPublisher
from app.replies.publishers import Outgoing, PublishFailed
from tests.fakes.server import serve_asgi
from tests.fakes.x import USER_ID, FakeX


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeX, str]]:
    x = FakeX()
    async with serve_asgi(x.app()) as url:
        yield x, url


def reply(text: str = "Thanks for watching!", *, resend: bool = False) -> Outgoing:
    return Outgoing("k1", "x", text, "1790000000000000042", resend=resend)


async def test_a_reply_goes_to_x_answering_the_post(fake: tuple[FakeX, str]) -> None:
    x, url = fake
    publisher = XPublisher(url, "x-access-1", user_id=USER_ID, timeout=2)
    published = await publisher.publish(reply())
    await publisher.close()
    assert x.requests == [
        {"text": "Thanks for watching!", "reply": {"in_reply_to_tweet_id": "1790000000000000042"}}
    ]
    assert published.external_id == x.posts[0]["id"]
    assert published.external_url == f"https://x.com/i/web/status/{published.external_id}"
    assert publisher.budget.snapshot()["header"]["remaining"] == 98


async def test_a_resend_after_a_lost_answer_finds_the_post_instead_of_posting_again(
    fake: tuple[FakeX, str],
) -> None:
    x, url = fake
    x.plan = ["lose"]
    publisher = XPublisher(url, "x-access-1", user_id=USER_ID, timeout=0.3, settle_seconds=0.5)
    with pytest.raises(PublishFailed) as lost:
        await publisher.publish(reply())
    assert lost.value.transient
    # The lost attempt may still be on its way in: nothing is looked up nor sent yet.
    with pytest.raises(PublishFailed, match="may still reach X") as early:
        await publisher.publish(reply(resend=True))
    not_before = early.value.not_before
    assert not_before is not None and early.value.rate_limited_until is None
    await asyncio.sleep(max(0.0, (not_before - datetime.now(UTC)).total_seconds()))
    again = await publisher.publish(reply(resend=True))
    await publisher.close()
    assert len(x.posts) == 1 and len(x.requests) == 1
    assert again.external_id == x.posts[0]["id"]


async def test_a_resend_posts_when_the_earlier_attempt_did_not(fake: tuple[FakeX, str]) -> None:
    x, url = fake
    x.plan = ["503"]
    publisher = XPublisher(url, "x-access-1", user_id=None, timeout=2)
    with pytest.raises(PublishFailed, match="503") as failed:
        await publisher.publish(reply())
    assert failed.value.transient
    await publisher.publish(reply(resend=True))
    await publisher.close()
    assert len(x.posts) == 1


async def test_a_429_says_until_when_and_the_budget_waits_for_it(fake: tuple[FakeX, str]) -> None:
    x, url = fake
    x.plan = ["429"]
    publisher = XPublisher(url, "x-access-1", user_id=USER_ID, timeout=2)
    with pytest.raises(PublishFailed) as limited:
        await publisher.publish(reply())
    until = limited.value.rate_limited_until
    assert until is not None and until > datetime.now(UTC)
    # The next attempt before the reset is not even sent.
    with pytest.raises(PublishFailed, match="budget") as waiting:
        await publisher.publish(reply(resend=True))
    assert waiting.value.rate_limited_until == until
    assert len(x.requests) == 1
    await asyncio.sleep((until - datetime.now(UTC)).total_seconds() + 0.05)
    await publisher.publish(reply(resend=True))
    await publisher.close()
    assert len(x.posts) == 1


async def test_an_expired_token_is_refreshed_once_and_the_post_goes(
    fake: tuple[FakeX, str],
) -> None:
    x, url = fake
    x.plan = ["expire"]
    refreshed: list[str] = []

    async def refresh() -> str:
        refreshed.append("x-access-2")
        x.access_tokens.add("x-access-2")
        return "x-access-2"

    publisher = XPublisher(url, "x-access-1", user_id=USER_ID, timeout=2, refresh=refresh)
    await publisher.publish(reply())
    await publisher.close()
    assert refreshed == ["x-access-2"]
    assert len(x.posts) == 1


async def test_a_token_still_refused_after_the_refresh_fails_for_good(
    fake: tuple[FakeX, str],
) -> None:
    x, url = fake
    x.access_tokens.clear()

    async def refresh() -> str:
        return "x-access-still-wrong"

    publisher = XPublisher(url, "x-access-1", user_id=USER_ID, timeout=2, refresh=refresh)
    with pytest.raises(PublishFailed, match="refused the account's token") as refused:
        await publisher.publish(reply())
    await publisher.close()
    assert not refused.value.transient


async def test_a_reply_x_forbids_fails_with_xs_reason_and_is_not_retried(
    fake: tuple[FakeX, str],
) -> None:
    x, url = fake
    x.plan = ["403"]
    publisher = XPublisher(url, "x-access-1", user_id=USER_ID, timeout=2)
    with pytest.raises(PublishFailed, match="not been mentioned") as refused:
        await publisher.publish(reply())
    await publisher.close()
    assert not refused.value.transient
