"""Posting on Mastodon, and answering a status that lives on another server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.networks.mastodon.publisher import MastodonPublisher
from app.replies.publishers import Outgoing, PublishFailed
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.server import serve_asgi

ELSEWHERE = "https://other.example/@fan/109000000000000001"
POST = Outgoing(idempotency_key="k1", network="mastodon", text="Thanks!", in_reply_to="42")


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeMastodon, str]]:
    mastodon = FakeMastodon()
    async with serve_asgi(mastodon.app()) as url:
        yield mastodon, url


async def test_a_status_on_another_server_is_resolved_on_ours_before_the_reply(
    fake: tuple[FakeMastodon, str],
) -> None:
    mastodon, url = fake
    mastodon.remote[ELSEWHERE] = "110000000000000777"
    publisher = MastodonPublisher(url, TOKEN, timeout=2)
    post = Outgoing("k1", "mastodon", "Thanks!", "109000000000000001", in_reply_to_url=ELSEWHERE)
    await publisher.publish(post)
    await publisher.close()
    assert mastodon.searches == [ELSEWHERE]
    assert mastodon.statuses[0]["in_reply_to_id"] == "110000000000000777"


async def test_a_status_our_server_cannot_find_fails_saying_so(
    fake: tuple[FakeMastodon, str],
) -> None:
    mastodon, url = fake
    publisher = MastodonPublisher(url, TOKEN, timeout=2)
    post = Outgoing("k1", "mastodon", "Thanks!", "109000000000000001", in_reply_to_url=ELSEWHERE)
    with pytest.raises(PublishFailed, match="cannot find") as failed:
        await publisher.publish(post)
    await publisher.close()
    assert not failed.value.transient and mastodon.statuses == []


async def test_a_lost_answer_is_resent_with_the_same_key_and_posts_once(
    fake: tuple[FakeMastodon, str],
) -> None:
    mastodon, url = fake
    mastodon.plan = ["lose"]
    publisher = MastodonPublisher(url, TOKEN, timeout=0.3)
    post = Outgoing("k1", "mastodon", "Thanks!", "110000000000000042")
    with pytest.raises(PublishFailed):
        await publisher.publish(post)
    published = await publisher.publish(post)
    await publisher.close()
    assert len(mastodon.statuses) == 1 and published.external_id == mastodon.statuses[0]["id"]


async def test_a_429_gives_the_reset_from_the_headers(fake: tuple[FakeMastodon, str]) -> None:
    mastodon, url = fake
    mastodon.plan = ["429"]
    publisher = MastodonPublisher(url, TOKEN, timeout=2)
    with pytest.raises(PublishFailed) as limited:
        await publisher.publish(Outgoing("k1", "mastodon", "Thanks!", "1"))
    await publisher.close()
    assert limited.value.rate_limited_until is not None


async def test_mastodon_posts_a_reply_with_the_idempotency_key(
    fake: tuple[FakeMastodon, str],
) -> None:
    mastodon, url = fake
    publisher = MastodonPublisher(url, TOKEN, timeout=2)
    try:
        first = await publisher.publish(POST)
        again = await publisher.publish(POST)
    finally:
        await publisher.close()
    assert first == again
    assert len(mastodon.statuses) == 1
    assert mastodon.requests[0] == {
        "key": "k1",
        "body": {"status": "Thanks!", "in_reply_to_id": "42"},
        "token": TOKEN,
    }
    assert first.external_url == mastodon.statuses[0]["url"]


async def test_a_refused_token_is_a_failure_that_will_not_pass(
    fake: tuple[FakeMastodon, str],
) -> None:
    publisher = MastodonPublisher(fake[1], "wrong", timeout=2)
    try:
        with pytest.raises(PublishFailed) as failed:
            await publisher.publish(POST)
    finally:
        await publisher.close()
    assert failed.value.transient is False
    assert "refused the account's token" in str(failed.value)
    assert "access token is invalid" in str(failed.value)


async def test_an_unreachable_server_is_a_failure_that_may_pass() -> None:
    publisher = MastodonPublisher("http://127.0.0.1:9", TOKEN, timeout=2)
    try:
        with pytest.raises(PublishFailed) as failed:
            await publisher.publish(POST)
    finally:
        await publisher.close()
    assert failed.value.transient is True
