"""Posting on Bluesky through a fake PDS/AppView speaking XRPC."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from app.networks.bluesky.facets import tags_and_links
from app.networks.bluesky.publisher import BlueskyPublisher, record_key
from app.replies.publishers import Outgoing, PublishFailed
from tests.fakes.bluesky import APP_PASSWORD, DID, FAN_DID, HANDLE, FakeBluesky
from tests.fakes.server import serve_asgi

PARENT = f"{FAN_DID}/app.bsky.feed.post/3lparent00000"
ROOT = f"{FAN_DID}/app.bsky.feed.post/3lroot0000000"
ACCEPTED = datetime(2026, 2, 8, 20, 0, 1, 123456, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeBluesky, str]]:
    bluesky = FakeBluesky()
    bluesky.add_post(f"at://{ROOT}")
    bluesky.add_post(f"at://{PARENT}", root=f"at://{ROOT}")
    async with serve_asgi(bluesky.app()) as url:
        yield bluesky, url


def publisher_for(url: str, timeout: float = 2) -> BlueskyPublisher:
    return BlueskyPublisher(url, url, HANDLE, APP_PASSWORD, timeout=timeout)


def reply(text: str = "Thanks @fan.bsky.social! #CupFinal", *, resend: bool = False) -> Outgoing:
    return Outgoing(
        "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "bluesky", text, f"at://{PARENT}",
        resend=resend, created_at=ACCEPTED,
    )  # fmt: skip


def test_the_record_key_is_a_tid_fixed_by_the_reply() -> None:
    key = record_key("abc", ACCEPTED)
    assert len(key) == 13 and key == record_key("abc", ACCEPTED)
    assert key != record_key("abd", ACCEPTED)
    assert set(key) <= set("234567abcdefghijklmnopqrstuvwxyz") and key[0] in "234567abcdefghij"


def test_facets_count_utf8_bytes() -> None:
    text = "Allez 🇫🇷 #CupFinal! https://example.com/a?b=1."
    facets = tags_and_links(text)
    data = text.encode()
    found = {
        data[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(): f["features"][0]
        for f in facets
    }
    assert found["#CupFinal"] == {"$type": "app.bsky.richtext.facet#tag", "tag": "CupFinal"}
    assert found["https://example.com/a?b=1"]["uri"] == "https://example.com/a?b=1"


async def test_a_reply_is_a_post_record_with_its_thread_and_facets(
    fake: tuple[FakeBluesky, str],
) -> None:
    bluesky, url = fake
    publisher = publisher_for(url)
    published = await publisher.publish(reply())
    await publisher.close()
    (create,) = bluesky.creates
    record = create["record"]
    assert create["repo"] == DID and create["rkey"] == record_key(reply().idempotency_key, ACCEPTED)
    assert record["reply"]["parent"] == {"uri": f"at://{PARENT}", "cid": f"cid-{PARENT[-6:]}"}
    assert record["reply"]["root"]["uri"] == f"at://{ROOT}"
    assert record["createdAt"] == "2026-02-08T20:00:01.123Z"
    kinds = {f["features"][0]["$type"].split("#")[1]: f for f in record["facets"]}
    assert kinds["mention"]["features"][0]["did"] == FAN_DID
    assert kinds["tag"]["features"][0]["tag"] == "CupFinal"
    assert published.external_id == f"at://{DID}/app.bsky.feed.post/{create['rkey']}"
    assert published.external_url == f"https://bsky.app/profile/{HANDLE}/post/{create['rkey']}"


@pytest.mark.parametrize("trouble", ["lose", "500-written", "500"])
async def test_a_lost_or_failed_answer_never_makes_a_second_post(
    fake: tuple[FakeBluesky, str], trouble: str
) -> None:
    bluesky, url = fake
    bluesky.plan = [trouble]
    publisher = publisher_for(url, timeout=0.3)
    with pytest.raises(PublishFailed) as failed:
        await publisher.publish(reply())
    assert failed.value.transient
    first = await publisher.publish(reply(resend=True))
    # Even a resend that does not know it is one: the PDS refuses the taken record key.
    second = await publisher.publish(reply(resend=False))
    await publisher.close()
    assert len(bluesky.records) == 1
    assert first.external_id == second.external_id == next(iter(bluesky.records))


async def test_an_expired_session_is_refreshed_once(fake: tuple[FakeBluesky, str]) -> None:
    bluesky, url = fake
    publisher = publisher_for(url)
    await publisher.publish(reply("one"))
    bluesky.plan = ["expire"]
    await publisher.publish(Outgoing("k2", "bluesky", "two", None, created_at=ACCEPTED))
    await publisher.close()
    assert bluesky.logins == 1 and bluesky.refreshes == 1
    assert len(bluesky.records) == 2


async def test_a_session_about_to_expire_is_refreshed_before_posting(
    fake: tuple[FakeBluesky, str],
) -> None:
    bluesky, url = fake
    bluesky.access_lifetime = 30  # inside the refresh margin
    publisher = publisher_for(url)
    await publisher.publish(reply("one"))
    await publisher.publish(Outgoing("k2", "bluesky", "two", None, created_at=ACCEPTED))
    await publisher.close()
    assert bluesky.logins == 1 and bluesky.refreshes >= 1


async def test_a_wrong_app_password_fails_for_good_saying_so(
    fake: tuple[FakeBluesky, str],
) -> None:
    _bluesky, url = fake
    publisher = BlueskyPublisher(url, url, HANDLE, "wrong", timeout=2)
    with pytest.raises(PublishFailed, match="app password") as refused:
        await publisher.publish(reply())
    await publisher.close()
    assert not refused.value.transient


async def test_a_429_gives_the_reset(fake: tuple[FakeBluesky, str]) -> None:
    bluesky, url = fake
    bluesky.plan = ["429"]
    publisher = publisher_for(url)
    with pytest.raises(PublishFailed) as limited:
        await publisher.publish(reply())
    await publisher.close()
    until = limited.value.rate_limited_until
    assert until is not None and until - datetime.now(UTC) < timedelta(seconds=3)
