"""The X filtered stream listens with CUEDESK_X_BEARER_TOKEN, else with the X app's bearer
token the admin stored on the X account connected for every event (the stream is shared by
every event, so an event's own account is not asked). The store is the real one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.accounts import service
from app.accounts.crypto import Vault
from app.accounts.listening import store_credentials
from app.config import Settings
from app.db import Database
from app.networks.x.source import XConfig, XSource
from tests.fakes.scripted_stream import HOLD
from tests.fakes.server import serve_asgi
from tests.fakes.x_stream import TOKEN, FakeX, line, post
from tests.ingest.helpers import make_event
from tests.networks.harness import Kept, RecordingSleep, context_for, running, stop, until

VAULT = Vault("tests-secret-key-0123456789-abcdefghijklmnop")


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeX, str]]:
    server = FakeX()
    async with serve_asgi(server.app()) as url:
        yield server, url


async def x_account_with_bearer_token(
    db: Database, bearer_token: str, event_id: int | None = None
) -> None:
    """A connected X account (as X's consent leaves it) holding the app's bearer token."""
    async with db.transaction() as session:
        account = await service.connect(
            session, VAULT, network="x", event_id=event_id, handle="cuedesk",
            server_url=None, secret={"access_token": "user-access-token"},
            hint_of="user-access-token",
        )  # fmt: skip
        await service.set_bearer_token(session, VAULT, int(account.id or 0), bearer_token)


def source_for(kept: Kept, db: Database, url: str, event_id: int, sleep: RecordingSleep) -> XSource:
    settings = Settings(
        environment="test", x_api_url=url, x_bearer_token="", listen_state_report_seconds=0
    )
    context = context_for(
        kept, settings, event_id=event_id, credentials=store_credentials(db, VAULT)
    )
    return XSource(context, XConfig(), sleep=sleep)


async def test_the_stream_listens_with_the_bearer_token_stored_on_the_all_events_account(
    fake: tuple[FakeX, str], db: Database
) -> None:
    server, url = fake
    event_id = await make_event(db)
    server.connections = [[line(post(1, tag=f"cuedesk-event-{event_id}")), HOLD]]
    await x_account_with_bearer_token(db, TOKEN)
    kept = Kept()
    task = await running(source_for(kept, db, url, event_id, RecordingSleep()).run)
    try:
        await until(lambda: len(kept.mentions) == 1, what="the post, with the stored token")
    finally:
        await stop(task)

    assert len(server.stream_requests) == 1
    assert server.rule_changes[0]["add"][0]["tag"] == f"cuedesk-event-{event_id}"
    assert "connected" in kept.statuses


async def test_an_events_own_x_account_does_not_lend_its_token_to_the_shared_stream(
    fake: tuple[FakeX, str], db: Database
) -> None:
    server, url = fake
    event_id = await make_event(db)
    await x_account_with_bearer_token(db, TOKEN, event_id=event_id)
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, db, url, event_id, sleep).run)
    try:
        await until(lambda: len(sleep.waits) == 1, what="the refused wait")
        assert not task.done()  # waiting for a token, not failed
    finally:
        await stop(task)

    assert kept.statuses[-1] == "refused"
    message = kept.states[-1]["message"]
    assert message.startswith("credentials refused")
    assert "X account connected for every event" in message
    assert server.stream_requests == [] and server.rule_changes == []
