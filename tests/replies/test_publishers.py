from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import ValidationError

from app.accounts.publishing import AccountPublishers
from app.config import Settings
from app.db import Database
from app.networks.mastodon.publisher import MastodonPublisher
from app.replies.publishers import DryRunPublisher, Outgoing
from tests.fakes.mastodon import FakeMastodon
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


async def test_replies_are_dry_run_unless_a_network_publisher_is_configured(
    settings: Settings, db: Database
) -> None:
    plain = AccountPublishers(settings, db)
    assert isinstance(plain.for_network("mastodon"), DryRunPublisher)
    settings.publish_mastodon_url = "https://mastodon.example"
    settings.publish_mastodon_token = "t"
    configured = AccountPublishers(settings, db)
    assert isinstance(configured.for_network("mastodon"), MastodonPublisher)
    assert isinstance(configured.for_network("x"), DryRunPublisher)
    await configured.close()
    await plain.close()


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
