"""A Mastodon source takes each server's token from the settings, else from the admin's
connected account on that server; an account refused or removed later is said in the
source's state, and the source waits instead of failing. The store is the real one
(app/accounts on a test database); the server is a fake speaking SSE."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from app.accounts import service
from app.accounts.crypto import Vault
from app.accounts.listening import store_credentials
from app.accounts.models import AccountStatus
from app.config import Settings
from app.db import Database
from app.networks.mastodon.source import MastodonConfig, MastodonSource
from tests.fakes.mastodon_stream import HEARTBEAT, TOKEN, FakeMastodonStream, sse, status
from tests.fakes.scripted_stream import DROP, HOLD
from tests.fakes.server import serve_asgi
from tests.ingest.helpers import make_event
from tests.networks.harness import Kept, RecordingSleep, context_for, running, stop, until

VAULT = Vault("tests-secret-key-0123456789-abcdefghijklmnop")


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeMastodonStream, str]]:
    server = FakeMastodonStream()
    async with serve_asgi(server.app()) as url:
        yield server, url


async def connect_mastodon(
    db: Database, server_url: str, token: str = TOKEN, event_id: int | None = None
) -> int:
    async with db.transaction() as session:
        account = await service.connect(
            session, VAULT, network="mastodon", event_id=event_id, handle="desk",
            server_url=server_url, secret={"access_token": token}, hint_of=token,
        )  # fmt: skip
        return int(account.id or 0)


def settings_for(*urls: str) -> Settings:
    return Settings(
        environment="test",
        mastodon_servers=[{"url": url, "token": TOKEN} for url in urls],
        listen_state_report_seconds=0,
    )


def source_for(
    kept: Kept, db: Database, event_id: int, sleep: RecordingSleep, *urls: str
) -> MastodonSource:
    context = context_for(
        kept,
        settings_for(*urls),
        event_id=event_id,
        credentials=store_credentials(db, VAULT),
    )
    return MastodonSource(context, MastodonConfig(), sleep=sleep)


async def test_a_server_missing_from_the_settings_is_listened_to_with_its_accounts_token(
    fake: tuple[FakeMastodonStream, str], db: Database
) -> None:
    server, url = fake
    server.connections = [[HEARTBEAT, sse("update", status(1)), HOLD]]
    event_id = await make_event(db)
    await connect_mastodon(db, url + "/")  # as an admin may type it
    kept = Kept()
    # No server in the settings and none in the config: the account's server is listened to.
    task = await running(source_for(kept, db, event_id, RecordingSleep()).run)
    try:
        await until(lambda: len(kept.mentions) == 1, what="the status, with the account's token")
    finally:
        await stop(task)

    assert kept.ids == [status(1)["uri"]]
    assert server.stream_requests == [{"tag": "cupfinal"}]
    assert "connected" in kept.statuses


async def test_a_server_in_the_settings_is_listened_to_with_the_settings_token(
    fake: tuple[FakeMastodonStream, str], db: Database
) -> None:
    server, url = fake
    server.connections = [[sse("update", status(2)), HOLD]]
    event_id = await make_event(db)
    await connect_mastodon(db, url, token="an-older-token", event_id=event_id)
    kept = Kept()
    task = await running(source_for(kept, db, event_id, RecordingSleep(), url).run)
    try:
        await until(lambda: len(kept.mentions) == 1, what="the status, with the settings' token")
    finally:
        await stop(task)

    assert "refused" not in kept.statuses


@pytest.mark.parametrize("what_happens", ["removed", "refused"])
async def test_an_account_removed_or_refused_later_is_said_and_waited_out_not_a_failure(
    fake: tuple[FakeMastodonStream, str], db: Database, what_happens: str
) -> None:
    server, url = fake
    account_changed = asyncio.Event()
    server.connections = [[sse("update", status(3)), account_changed, DROP]]
    event_id = await make_event(db)
    account_id = await connect_mastodon(db, url)
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, db, event_id, sleep).run)
    try:
        await until(lambda: len(kept.mentions) == 1, what="the first connection's status")
        async with db.transaction() as session:
            if what_happens == "removed":
                await service.remove(session, account_id)
            else:
                account = await service.get(session, account_id)
                service.mark(account, AccountStatus.refused, "the token was revoked")
        account_changed.set()  # the connection now drops; the reconnect asks the store again
        await until(lambda: "refused" in kept.statuses, what="the refused state")
        await until(lambda: len(sleep.waits) == 2, what="the wait after the refusal")
        assert not task.done()  # waiting, not failed
    finally:
        await stop(task)

    refused = next(state for state in kept.states if state["status"] == "refused")
    assert refused["message"].startswith("credentials refused")
    assert url in refused["message"]
    if what_happens == "refused":
        assert "@desk" in refused["message"] and "the token was revoked" in refused["message"]
    else:
        assert "CUEDESK_MASTODON_SERVERS" in refused["message"]
        assert "Accounts page" in refused["message"]
    assert sleep.waits == [0.0, 900.0]  # once at once, then the refused wait: no storm
    assert len(server.stream_requests) == 1
    assert TOKEN not in repr(kept.states)
