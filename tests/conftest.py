"""Shared fixtures.

Storage tests take the ``database_url`` fixture and run on SQLite, and again on PostgreSQL
when ``CUEDESK_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it). Each SQLite test gets its
own migrated file; PostgreSQL tests share one migrated database, emptied before each test.
If the URL is set but the server cannot be reached, the tests fail: they never skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from app import migrate
from app.config import Settings, normalise_database_url
from app.db import Database, metadata, null_pool_engine
from app.main import create_app
from tests.factories import mention_payload
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serve_asgi
from tests.fakes.x import FakeX

POSTGRES_URL = os.environ.get("CUEDESK_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("CUEDESK_TEST_REDIS_URL", "")

DATABASE_BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
BROKER_BACKENDS = ["memory"] + (["redis"] if REDIS_URL else [])

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(migrate.upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


async def postgres_admin(statement: str) -> None:
    """Run ``statement`` (CREATE or DROP DATABASE) on the test server, outside a transaction."""
    engine = null_pool_engine(normalise_database_url(POSTGRES_URL))
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def create_postgres_database() -> str:
    """A new, empty database of our own on the PostgreSQL server; returns its URL."""
    name = f"cuedesk_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    await postgres_admin(f'CREATE DATABASE "{name}"')
    return normalise_database_url(POSTGRES_URL).rsplit("/", 1)[0] + f"/{name}"


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    await postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of our own on the PostgreSQL server, migrated once for the session."""
    url = asyncio.run(create_postgres_database())
    asyncio.run(migrate.upgrade(url))
    yield url
    asyncio.run(drop_postgres_database(url))


async def _truncate_postgres(url: str) -> None:
    engine = null_pool_engine(url)
    try:
        async with engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "cuedesk.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("postgres_database")
    asyncio.run(_truncate_postgres(url))
    return url


@pytest.fixture(params=BROKER_BACKENDS)
def broker_url(request: pytest.FixtureRequest) -> str:
    return "memory://" if request.param == "memory" else REDIS_URL


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path,
        broker_url="memory://",
        migrate_on_start=False,
        allowed_origins=["http://testserver"],
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """A Database of our own, beside the app's, for arranging and checking stored state."""
    database = Database(settings.database_url_resolved)
    yield database
    await database.dispose()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def anon(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no login."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def make_user(
    db: Database, username: str, role: str = "operator", password: str = PASSWORD
) -> Any:
    from app.auth import service as auth

    async with db.transaction() as session:
        return await auth.create_user(session, username=username, password=password, role=role)


async def make_token(db: Database, username: str, role: str, display_name: str = "") -> str:
    from app.auth import service as auth
    from app.auth import tokens

    async with db.transaction() as session:
        user = await auth.create_user(
            session, username=username, password=PASSWORD, role=role, display_name=display_name
        )
        _token_row, token = await tokens.create_api_token(session, user, name="tests")
        return token


@pytest.fixture
async def client_as(app: Any, db: Database) -> AsyncIterator[Any]:
    """``await client_as("producer")`` → a client authenticated by an API token of a new user
    with that role (and, if given, that username and display name)."""
    clients: list[httpx.AsyncClient] = []

    async def _make(
        role: str, username: str | None = None, display_name: str = ""
    ) -> httpx.AsyncClient:
        username = username or f"{role}-{uuid.uuid4().hex[:6]}"
        token = await make_token(db, username, role, display_name)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        )
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def producer(client_as: Any) -> httpx.AsyncClient:
    client: httpx.AsyncClient = await client_as("producer", "pat")
    return client


@pytest.fixture
async def event_id(producer: httpx.AsyncClient) -> int:
    response = await producer.post(
        "/api/events", json={"name": "Cup Final", "hashtags": ["#CupFinal"]}
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture
async def olive(client_as: Any) -> httpx.AsyncClient:
    """An operator, Olive."""
    client: httpx.AsyncClient = await client_as("operator", "olive", "Olive")
    return client


@pytest.fixture
async def oscar(client_as: Any) -> httpx.AsyncClient:
    """Another operator, Oscar."""
    client: httpx.AsyncClient = await client_as("operator", "oscar", "Oscar")
    return client


@pytest.fixture
async def mention_id(producer: httpx.AsyncClient, event_id: int) -> int:
    """One mention in the event, waiting in the queue."""
    response = await producer.post(f"/api/events/{event_id}/mentions", json=[mention_payload(1)])
    assert response.status_code == 200, response.text
    listed = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    return int(listed[0]["id"])


@pytest.fixture
async def mastodon() -> AsyncIterator[tuple[FakeMastodon, str]]:
    """A fake Mastodon server on loopback (the edge of the world), and its URL."""
    fake = FakeMastodon()
    async with serve_asgi(fake.app()) as url:
        yield fake, url


@pytest.fixture
async def x() -> AsyncIterator[tuple[FakeX, str]]:
    """A fake X API on loopback, and its URL."""
    fake = FakeX()
    async with serve_asgi(fake.app()) as url:
        yield fake, url


@pytest.fixture
async def bluesky() -> AsyncIterator[tuple[FakeBluesky, str]]:
    """A fake Bluesky PDS and AppView on loopback, and its URL."""
    fake = FakeBluesky()
    async with serve_asgi(fake.app()) as url:
        yield fake, url
