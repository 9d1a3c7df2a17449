from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import ValidationError

from app.config import Settings
from app.replies.publishers import (
    DryRunPublisher,
    MastodonPublisher,
    Outgoing,
    Publishers,
    PublishFailed,
)
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.server import serve_asgi

POST = Outgoing(idempotency_key="k1", network="mastodon", text="Thanks!", in_reply_to="42")


@pytest.fixture
async def fake_url() -> AsyncIterator[tuple[FakeMastodon, str]]:
    fake = FakeMastodon()
    async with serve_asgi(fake.app()) as url:
        yield fake, url


async def test_dry_run_sends_nothing_and_one_key_is_one_post() -> None:
    publisher = DryRunPublisher()
    first = await publisher.publish(POST)
    again = await publisher.publish(POST)
    other = await publisher.publish(
        Outgoing(idempotency_key="k2", network="x", text="Thanks!", in_reply_to="42")
    )
    assert first == again
    assert first.dry_run is True
    assert first.external_id.startswith("dryrun-")
    assert other.external_id != first.external_id


async def test_mastodon_posts_a_reply_with_the_idempotency_key(
    fake_url: tuple[FakeMastodon, str],
) -> None:
    fake, url = fake_url
    publisher = MastodonPublisher(url, TOKEN, timeout=2)
    try:
        first = await publisher.publish(POST)
        again = await publisher.publish(POST)
    finally:
        await publisher.close()
    assert first == again
    assert len(fake.statuses) == 1
    assert fake.requests[0] == {
        "key": "k1",
        "body": {"status": "Thanks!", "in_reply_to_id": "42"},
        "token": TOKEN,
    }
    assert first.external_url == fake.statuses[0]["url"]


async def test_a_refused_token_is_a_failure_that_will_not_pass(
    fake_url: tuple[FakeMastodon, str],
) -> None:
    publisher = MastodonPublisher(fake_url[1], "wrong", timeout=2)
    try:
        with pytest.raises(PublishFailed) as failed:
            await publisher.publish(POST)
    finally:
        await publisher.close()
    assert failed.value.transient is False
    assert "401" in str(failed.value) and "access token is invalid" in str(failed.value)


async def test_a_rate_limit_says_when_to_come_back(fake_url: tuple[FakeMastodon, str]) -> None:
    fake, url = fake_url
    fake.plan = ["429"]
    publisher = MastodonPublisher(url, TOKEN, timeout=2)
    try:
        with pytest.raises(PublishFailed) as failed:
            await publisher.publish(POST)
    finally:
        await publisher.close()
    assert failed.value.transient is True
    assert failed.value.retry_after is not None and 0 <= failed.value.retry_after <= 1


async def test_an_unreachable_server_is_a_failure_that_may_pass() -> None:
    publisher = MastodonPublisher("http://127.0.0.1:9", TOKEN, timeout=2)
    try:
        with pytest.raises(PublishFailed) as failed:
            await publisher.publish(POST)
    finally:
        await publisher.close()
    assert failed.value.transient is True


async def test_replies_are_dry_run_unless_a_network_publisher_is_configured() -> None:
    plain = Publishers(Settings())
    assert isinstance(plain.for_network("mastodon"), DryRunPublisher)
    configured = Publishers(
        Settings(publish_mastodon_url="https://mastodon.example", publish_mastodon_token="t")
    )
    assert isinstance(configured.for_network("mastodon"), MastodonPublisher)
    assert isinstance(configured.for_network("x"), DryRunPublisher)
    await configured.close()


@pytest.mark.parametrize(
    ("url", "token", "message"),
    [
        ("https://mastodon.example", "", "go together"),
        ("", "t", "go together"),
        ("mastodon.example", "t", "https://"),
    ],
)
def test_half_a_mastodon_setting_is_a_clear_error(url: str, token: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(publish_mastodon_url=url, publish_mastodon_token=token)
