"""Publishing through a real network protocol: a fake Mastodon server at the edge."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from app.accounts.publishing import AccountPublishers
from app.common.time import utcnow
from app.config import Settings
from app.db import Database
from app.replies.models import Reply
from app.replies.outbox import ReplyOutbox, backoff
from tests.factories import mention_payload
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.replies.conftest import claim, wait_for_entry
from tests.triage.helpers import ingest, journal, on_every_broker


@pytest.fixture
def settings(settings: Settings, mastodon: tuple[FakeMastodon, str]) -> Settings:
    settings.publish_mastodon_url = mastodon[1]
    settings.publish_mastodon_token = TOKEN
    return settings


@pytest.fixture
def fake(mastodon: tuple[FakeMastodon, str]) -> FakeMastodon:
    return mastodon[0]


async def reply_to_toot(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, text: str = "Thanks!"
) -> dict[str, Any]:
    (mention_id,) = await ingest(
        producer, event_id, [mention_payload("110000000000000042", network="mastodon")]
    )
    fence = await claim(olive, mention_id)
    response = await olive.post(
        f"/api/mentions/{mention_id}/reply", json={"text": text, "fence": fence}
    )
    assert response.status_code == 201, response.text
    reply: dict[str, Any] = response.json()
    return reply


async def test_a_publish_whose_answer_is_lost_is_retried_and_posts_once(
    fake: FakeMastodon, olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    fake.plan = ["lose"]
    reply = await reply_to_toot(olive, producer, event_id)
    (published,) = await wait_for_entry(producer, event_id, "reply.published")
    assert len(fake.statuses) == 1
    assert [r["key"] for r in fake.requests] == [fake.requests[0]["key"]] * 2
    status = fake.statuses[0]
    assert status["in_reply_to_id"] == "110000000000000042"
    data = published["data"]["reply"]
    assert data["id"] == reply["id"]
    assert data["external_id"] == status["id"]
    assert data["external_url"] == status["url"]
    assert data["dry_run"] is False
    assert data["attempts"] == 2
    (retrying,) = [e for e in await journal(producer, event_id) if e["type"] == "reply.retrying"]
    assert "did not answer in time" in retrying["data"]["reply"]["last_error"]


async def test_server_errors_and_rate_limits_are_retried_with_backoff(
    fake: FakeMastodon, olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    fake.plan = ["503", "429", "500"]
    await reply_to_toot(olive, producer, event_id)
    await wait_for_entry(producer, event_id, "reply.published")
    assert len(fake.statuses) == 1
    entries = [e for e in await journal(producer, event_id) if e["type"].startswith("reply.")]
    kinds = [e["type"] for e in entries]
    assert kinds == ["reply.sending", "reply.retrying"] * 3 + ["reply.sending", "reply.published"]
    errors = [e["data"]["reply"]["last_error"] for e in entries if e["type"] == "reply.retrying"]
    assert "503" in errors[0] and "429" in errors[1] and "500" in errors[2]
    # Each retry waited: the next attempt is announced, later than the failure.
    for entry in entries:
        if entry["type"] == "reply.retrying":
            assert entry["data"]["reply"]["next_attempt_at"] > entry["at"]


@on_every_broker
async def test_a_refused_post_fails_visibly_and_a_retry_sends_it_with_the_same_key(
    fake: FakeMastodon, olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    fake.plan = ["422"]
    reply = await reply_to_toot(olive, producer, event_id)
    (failed,) = await wait_for_entry(producer, event_id, "reply.failed")
    data = failed["data"]["reply"]
    assert data["status"] == "failed"
    assert "Text character limit" in data["last_error"]
    assert fake.statuses == []
    listed = (await producer.get(f"/api/mentions/{reply['mention_id']}/replies")).json()
    assert listed["replies"][0]["status"] == "failed"
    assert listed["replies"][0]["text"] == "Thanks!"
    mention = (await producer.get(f"/api/mentions/{reply['mention_id']}")).json()
    assert mention["reply"]["status"] == "failed"
    assert "Text character limit" in mention["reply"]["last_error"]

    response = await olive.post(f"/api/replies/{reply['id']}/retry")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "queued"
    await wait_for_entry(producer, event_id, "reply.published")
    assert len(fake.statuses) == 1
    assert fake.requests[0]["key"] == fake.requests[1]["key"]
    again = await olive.post(f"/api/replies/{reply['id']}/retry")
    assert again.status_code == 409
    assert "published" in again.json()["detail"]


async def test_only_its_author_or_a_producer_sends_a_failed_reply_again(
    fake: FakeMastodon,
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
) -> None:
    fake.plan = ["422", "422"]
    reply = await reply_to_toot(olive, producer, event_id)
    await wait_for_entry(producer, event_id, "reply.failed")

    refused = await oscar.post(f"/api/replies/{reply['id']}/retry")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Only its author (Olive) or a producer can send this reply again; your role is operator."
    )
    assert len(fake.requests) == 1
    response = await producer.post(f"/api/replies/{reply['id']}/retry")
    assert response.status_code == 200, response.text
    await wait_for_entry(producer, event_id, "reply.failed", count=2)
    assert len(fake.requests) == 2


async def test_a_reply_gives_up_after_the_last_attempt(
    settings: Settings,
    fake: FakeMastodon,
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
) -> None:
    fake.plan = ["500"] * settings.publish_max_attempts
    await reply_to_toot(olive, producer, event_id)
    (failed,) = await wait_for_entry(producer, event_id, "reply.failed", timeout=10)
    data = failed["data"]["reply"]
    assert data["attempts"] == settings.publish_max_attempts
    assert f"gave up after {settings.publish_max_attempts} attempts" in data["last_error"]
    assert fake.statuses == []


async def test_a_send_left_by_a_process_that_went_away_is_taken_up_with_the_same_key(
    fake: FakeMastodon,
    db: Database,
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
) -> None:
    fake.plan = ["lose"]
    reply = await reply_to_toot(olive, producer, event_id)
    await wait_for_entry(producer, event_id, "reply.published")
    # As if a process had taken the reply again and died mid-send: status still "sending",
    # its deadline gone.
    async with db.transaction() as session:
        await session.execute(
            update(Reply.__table__)  # type: ignore[attr-defined]
            .where(Reply.__table__.c.id == reply["id"])  # type: ignore[attr-defined]
            .values(status="sending", next_attempt_at=utcnow() - timedelta(seconds=1))
        )
    await wait_for_entry(producer, event_id, "reply.published", count=2)
    assert len(fake.statuses) == 1
    assert len({r["key"] for r in fake.requests}) == 1


async def test_two_workers_never_send_the_same_reply(
    app: Any,
    settings: Settings,
    db: Database,
    fake: FakeMastodon,
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
) -> None:
    # A second worker, as a second server process would run, racing the app's own.
    other = ReplyOutbox(db, settings, AccountPublishers(settings, db))
    await other.start()
    try:
        mentions = await ingest(
            producer,
            event_id,
            [mention_payload(f"11000000000000{i:04}", network="mastodon") for i in range(20)],
        )
        for mention_id in mentions:
            fence = await claim(olive, mention_id)
            response = await olive.post(
                f"/api/mentions/{mention_id}/reply",
                json={"text": f"Hi {mention_id}", "fence": fence},
            )
            assert response.status_code == 201
        await wait_for_entry(producer, event_id, "reply.published", count=20)
    finally:
        await other.stop()
    assert len(fake.statuses) == 20
    assert len(fake.requests) == 20
    published = [e for e in await journal(producer, event_id) if e["type"] == "reply.published"]
    assert len(published) == 20


def test_backoff_doubles_up_to_the_cap() -> None:
    settings = Settings(publish_backoff_base_seconds=2, publish_backoff_max_seconds=30)
    assert [backoff(n, settings) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]


async def test_a_slow_network_holds_only_its_own_replies(
    fake: FakeMastodon, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    # Mastodon keeps this one waiting until the send times out: long enough for the other
    # reply to go out even on a busy machine.
    settings.publish_send_timeout_seconds = 3
    fake.plan = ["lose"]
    slow = await reply_to_toot(olive, producer, event_id)
    (mention_id,) = await ingest(producer, event_id, [mention_payload("x-1")])
    fence = await claim(olive, mention_id)
    quick = await olive.post(
        f"/api/mentions/{mention_id}/reply", json={"text": "Thanks!", "fence": fence}
    )
    assert quick.status_code == 201
    await wait_for_entry(producer, event_id, "reply.published", count=2, timeout=20)
    outcomes = [
        (e["type"], e["data"]["reply"]["id"])
        for e in await journal(producer, event_id)
        if e["type"] in ("reply.published", "reply.retrying")
    ]
    # The X reply (dry-run) was out while Mastodon's answer was still awaited.
    assert outcomes[0] == ("reply.published", quick.json()["id"])
    assert ("reply.retrying", slow["id"]) in outcomes


async def test_a_reply_the_network_refused_is_edited_and_sent_again_once(
    fake: FakeMastodon,
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
) -> None:
    fake.plan = ["422"]
    reply = await reply_to_toot(olive, producer, event_id, text="Thanks!!! " * 3)
    await wait_for_entry(producer, event_id, "reply.failed")
    edit = f"/api/replies/{reply['id']}/edit"

    assert (await oscar.post(edit, json={"text": "Thanks."})).status_code == 403
    too_long = await olive.post(edit, json={"text": "x" * 501})
    assert too_long.status_code == 422 and too_long.json()["over_by"] == 1
    response = await olive.post(edit, json={"text": "Thanks, see you at halftime."})
    assert response.status_code == 200, response.text
    assert response.json()["text"] == "Thanks, see you at halftime."
    await wait_for_entry(producer, event_id, "reply.published")
    assert [status["content"] for status in fake.statuses] == [
        "<p>Thanks, see you at halftime.</p>"
    ]
    # The refused text and the edited one went with different keys: never mistaken for it.
    assert len({request["key"] for request in fake.requests}) == 2
    (requeued,) = [e for e in await journal(producer, event_id) if e["type"] == "reply.requeued"]
    assert requeued["data"]["edited"] is True and requeued["actor"] == "olive"
    published = await olive.post(edit, json={"text": "Once more"})
    assert published.status_code == 409 and "only a failed reply" in published.json()["detail"]


async def test_a_reply_whose_attempts_ran_out_unanswered_is_retried_not_edited(
    fake: FakeMastodon, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    settings.publish_max_attempts = 1
    fake.plan = ["lose"]  # it may have been posted: only its key can tell
    reply = await reply_to_toot(olive, producer, event_id)
    (failed,) = await wait_for_entry(producer, event_id, "reply.failed")
    assert "gave up after 1 attempts" in failed["data"]["reply"]["last_error"]
    edited = await olive.post(f"/api/replies/{reply['id']}/edit", json={"text": "Other"})
    assert edited.status_code == 409 and "may have been posted" in edited.json()["detail"]
    assert (await olive.post(f"/api/replies/{reply['id']}/retry")).status_code == 200
    await wait_for_entry(producer, event_id, "reply.published")
    assert len(fake.statuses) == 1
