"""Replies go out as the connected accounts, through the outbox, never twice."""

from __future__ import annotations

import time
from typing import Any

import httpx

from app.accounts import service
from app.accounts.crypto import Vault
from app.accounts.publishing import AccountPublishers
from app.config import Settings
from app.db import Database
from tests.factories import mention_payload
from tests.fakes.bluesky import APP_PASSWORD, FAN_DID, HANDLE, FakeBluesky
from tests.fakes.x import USER_ID, FakeX
from tests.replies.conftest import claim, wait_for_entry
from tests.triage.helpers import ingest, journal

PARENT = f"at://{FAN_DID}/app.bsky.feed.post/3lparent00000"


def x_mention(external_id: str) -> dict[str, Any]:
    """A post that names the desk's account: X lets the app answer it."""
    return mention_payload(external_id, text="@cuedesk what a match! #CupFinal")


async def connect_x(db: Database, settings: Settings, event_id: int | None = None) -> int:
    async with db.transaction() as session:
        account = await service.connect(
            session, Vault.from_settings(settings), network="x", event_id=event_id,
            handle="cuedesk", server_url=None, hint_of="x-access-1",
            secret={"access_token": "x-access-1", "refresh_token": "x-refresh-1"},
        )  # fmt: skip
        account.network_user_id = USER_ID
        return int(account.id or 0)


async def connect_bluesky(db: Database, settings: Settings) -> int:
    async with db.transaction() as session:
        account = await service.connect(
            session, Vault.from_settings(settings), network="bluesky", event_id=None,
            handle=HANDLE, server_url=None, hint_of=APP_PASSWORD,
            secret={"app_password": APP_PASSWORD},
        )  # fmt: skip
        return int(account.id or 0)


async def answer(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, payload: dict[str, Any],
    text: str = "Thanks for watching!",
) -> dict[str, Any]:  # fmt: skip
    (mention_id,) = await ingest(producer, event_id, [payload])
    fence = await claim(olive, mention_id)
    response = await olive.post(
        f"/api/mentions/{mention_id}/reply", json={"text": text, "fence": fence}
    )
    assert response.status_code == 201, response.text
    reply: dict[str, Any] = response.json()
    return reply


async def test_an_x_reply_whose_answer_is_lost_posts_once(
    x: tuple[FakeX, str], db: Database, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    fake, _ = x
    await connect_x(db, settings)
    fake.plan = ["lose"]
    await answer(olive, producer, event_id, x_mention("1790000000000000042"))
    (published,) = await wait_for_entry(producer, event_id, "reply.published")
    assert len(fake.posts) == 1 and len(fake.requests) == 1
    reply = published["data"]["reply"]
    assert reply["external_id"] == fake.posts[0]["id"] and reply["attempts"] == 2
    assert fake.posts[0]["referenced_tweets"] == [
        {"type": "replied_to", "id": "1790000000000000042"}
    ]


async def test_a_bluesky_reply_whose_answer_is_lost_posts_once(
    bluesky: tuple[FakeBluesky, str], db: Database, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    fake, _ = bluesky
    fake.add_post(PARENT)
    await connect_bluesky(db, settings)
    fake.plan = ["lose"]
    await answer(olive, producer, event_id, mention_payload(PARENT, network="bluesky"))
    (published,) = await wait_for_entry(producer, event_id, "reply.published")
    assert len(fake.records) == 1
    assert published["data"]["reply"]["external_id"] == next(iter(fake.records))


async def test_a_429_is_waited_out_and_said_on_the_reply(
    x: tuple[FakeX, str], db: Database, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    fake, _ = x
    settings.publish_max_attempts = 1  # a rate limit spends no attempt
    await connect_x(db, settings)
    fake.plan = ["429"]
    await answer(olive, producer, event_id, x_mention("1790000000000000042"))
    (published,) = await wait_for_entry(producer, event_id, "reply.published", timeout=20)
    (retrying,) = [e for e in await journal(producer, event_id) if e["type"] == "reply.retrying"]
    assert retrying["data"]["reply"]["last_error"].startswith("rate limited until ")
    assert retrying["data"]["reply"]["next_attempt_at"] is not None
    assert published["data"]["reply"]["attempts"] == 1
    assert len(fake.posts) == 1


async def test_a_refused_token_fails_the_reply_and_marks_the_account_without_a_storm(
    x: tuple[FakeX, str], db: Database, settings: Settings, admin: httpx.AsyncClient,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    fake, _ = x
    fake.access_tokens.clear()
    fake.refresh_tokens.clear()
    account_id = await connect_x(db, settings)
    await answer(olive, producer, event_id, x_mention("1790000000000000042"))
    (failed,) = await wait_for_entry(producer, event_id, "reply.failed")
    assert "refused the account's token" in failed["data"]["reply"]["last_error"]
    (account,) = (await admin.get("/api/accounts")).json()["accounts"]
    assert account["id"] == account_id and account["status"] == "refused"
    assert "refused" in account["last_error"]
    calls = len(fake.requests)
    await answer(olive, producer, event_id, x_mention("1790000000000000043"))
    second = await wait_for_entry(producer, event_id, "reply.failed", count=2)
    assert "is refused" in second[1]["data"]["reply"]["last_error"]
    assert len(fake.requests) == calls  # the network was not asked again


async def test_an_expired_x_token_is_refreshed_once_and_stored_encrypted(
    x: tuple[FakeX, str], db: Database, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    fake, _ = x
    account_id = await connect_x(db, settings)
    fake.plan = ["expire"]
    await answer(olive, producer, event_id, x_mention("1790000000000000042"))
    await wait_for_entry(producer, event_id, "reply.published")
    assert fake.refreshes == 1 and len(fake.posts) == 1
    async with db.read_session() as session:
        sealed = (await service.get(session, account_id)).secrets
    tokens = Vault.from_settings(settings).open(sealed)
    assert tokens["access_token"] in fake.access_tokens and tokens["access_token"] not in sealed


async def test_the_budget_meter_counts_the_accounts_posts(
    x: tuple[FakeX, str], db: Database, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    await connect_x(db, settings)
    before = (await olive.get("/api/accounts/budgets")).json()["budgets"][0]["budget"]
    assert before["windows"][0]["used"] == 0
    await answer(olive, producer, event_id, x_mention("1790000000000000042"))
    await wait_for_entry(producer, event_id, "reply.published")
    (after,) = (await olive.get("/api/accounts/budgets")).json()["budgets"]
    assert after["network"] == "x"
    assert after["budget"]["windows"][0] == {
        "name": "15 minutes", "unit": "posts", "limit": 100, "used": 1,
        "resets_at": after["budget"]["windows"][0]["resets_at"],
    }  # fmt: skip
    assert after["budget"]["header"]["remaining"] == 98


async def test_a_burst_beyond_the_accounts_budget_waits_visibly_and_goes_out_oldest_first(
    x: tuple[FakeX, str], db: Database, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    fake, _ = x
    # Two posts left in X's window, which resets in a few seconds.
    fake.remaining, fake.window_seconds, fake.reset_at = 2, 900.0, time.time() + 3
    await connect_x(db, settings)
    texts = [f"Thanks, fan number {n}!" for n in range(5)]
    for n, text in enumerate(texts):
        await answer(olive, producer, event_id, x_mention(f"17900000000000001{n:02d}"), text)

    await wait_for_entry(producer, event_id, "reply.published", count=5, timeout=30)
    assert [post["text"] for post in fake.posts] == texts
    entries = await journal(producer, event_id)
    held = {
        entry["data"]["reply"]["text"]
        for entry in entries
        if entry["type"] == "reply.retrying"
        and "rate limited until" in (entry["data"]["reply"]["last_error"] or "")
    }
    assert held == set(texts[2:])  # said on each reply while it waited
    assert not [entry for entry in entries if entry["type"] == "reply.failed"]


async def test_a_restarted_server_counts_what_the_account_already_posted(
    x: tuple[FakeX, str], db: Database, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    await connect_x(db, settings)
    await answer(olive, producer, event_id, x_mention("1790000000000000042"))
    await wait_for_entry(producer, event_id, "reply.published")
    # Another process, or this one after a restart: its budget starts from the database.
    other_process = AccountPublishers(settings, db)
    try:
        publisher = await other_process.for_event("x", event_id)
        windows = publisher.budget.snapshot()["windows"]
    finally:
        await other_process.close()
    assert [(w["name"], w["used"]) for w in windows] == [("15 minutes", 1), ("day", 1)]
