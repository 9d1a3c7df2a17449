"""Two server processes sharing PostgreSQL and Redis: a mention ingested through one
reaches a console connected to the other. Collected only when both URLs are set, as
.ci/run sets them (see conftest.py)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from app.auth.deps import SESSION_COOKIE
from app.config import Settings
from app.db import Database
from tests.conftest import PASSWORD, REDIS_URL, _truncate_postgres, make_token
from tests.factories import draft_payload, mention_payload
from tests.stream.conftest import LiveServer, open_console, serve
from tests.stream.test_triage_on_stream import presence_until

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def shared_database(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue("postgres_database")
    asyncio.run(_truncate_postgres(url))
    return url


@pytest.fixture
def second_process(shared_database: str, tmp_path: Path) -> Iterator[str]:
    """Server B: a real second process, started the way production starts one."""
    port = _free_port()
    env = {
        **os.environ,
        "CUEDESK_DATABASE_URL": shared_database,
        "CUEDESK_BROKER_URL": REDIS_URL,
        "CUEDESK_ENVIRONMENT": "test",
        "CUEDESK_DATA_DIR": str(tmp_path),
        "CUEDESK_MIGRATE_ON_START": "false",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if process.poll() is not None:
                raise AssertionError(f"server B exited with {process.returncode}")
            try:
                if httpx.get(f"{base}/readyz", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        else:
            raise AssertionError("server B did not become ready")
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
async def first_process(shared_database: str, tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = Settings(
        environment="test",
        database_url=shared_database,
        data_dir=tmp_path,
        broker_url=REDIS_URL,
        migrate_on_start=False,
        stream_poll_seconds=30,  # long: delivery must come through Redis, not the poll
    )
    async with serve(settings) as server:
        yield server


async def test_a_mention_ingested_on_one_process_reaches_a_console_on_the_other(
    first_process: LiveServer, second_process: str, shared_database: str
) -> None:
    db = Database(shared_database)
    try:
        token = await make_token(db, "pat", "producer")
    finally:
        await db.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=first_process.http, headers=headers) as api:
        event = (await api.post("/api/events", json={"name": "Two processes"})).json()
        url = f"ws://{second_process}/ws/events/{event['id']}?after_seq=1"
        async with open_console(url, token) as console:
            await console.receive_type("hello")
            started = asyncio.get_running_loop().time()
            response = await api.post(
                f"/api/events/{event['id']}/mentions",
                json=[mention_payload(i) for i in range(3)],
            )
            assert response.json() == {"accepted": 3, "duplicates": 0}
            await console.until_seq(4, timeout=5)
            elapsed = asyncio.get_running_loop().time() - started
    assert console.seqs == [2, 3, 4]
    assert [e["data"]["external_id"] for e in console.entries] == ["0", "1", "2"]
    assert elapsed < 2  # through Redis, well before server B's own journal poll


async def test_fifty_claimers_split_over_two_processes_one_wins(
    first_process: LiveServer, second_process: str, shared_database: str
) -> None:
    db = Database(shared_database)
    try:
        producer = await make_token(db, "pat", "producer")
        operators = [await make_token(db, f"op{n}", "operator") for n in range(50)]
    finally:
        await db.dispose()
    bases = [first_process.http, f"http://{second_process}"]
    async with httpx.AsyncClient(
        base_url=bases[0], headers={"Authorization": f"Bearer {producer}"}
    ) as api:
        event = (await api.post("/api/events", json={"name": "Claim race"})).json()
        await api.post(f"/api/events/{event['id']}/mentions", json=[mention_payload(1)])
        (mention,) = (await api.get(f"/api/events/{event['id']}/mentions")).json()["items"]

        async def claim(n: int, client: httpx.AsyncClient) -> int:
            response = await client.post(
                f"{bases[n % 2]}/api/mentions/{mention['id']}/claim",
                headers={"Authorization": f"Bearer {operators[n]}"},
            )
            return response.status_code

        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=100)) as client:
            statuses = await asyncio.gather(*(claim(n, client) for n in range(50)))
        journal = (await api.get(f"/api/events/{event['id']}/journal")).json()["entries"]
    assert sorted(statuses) == [200] + [409] * 49
    assert [e["type"] for e in journal].count("mention.claimed") == 1


@pytest.mark.parametrize("ending", ["token revoked", "logged out", "deactivated", "new password"])
async def test_a_login_ended_on_one_process_closes_its_socket_on_the_other(
    first_process: LiveServer, second_process: str, shared_database: str, ending: str
) -> None:
    db = Database(shared_database)
    try:
        admin = {"Authorization": f"Bearer {await make_token(db, 'ada', 'admin')}"}
        operator = await make_token(db, "olive", "operator")
    finally:
        await db.dispose()
    olive = {"Authorization": f"Bearer {operator}"}
    origin = {"Origin": first_process.http}
    async with httpx.AsyncClient(base_url=first_process.http) as api:
        event = (await api.post("/api/events", json={"name": "Ended"}, headers=admin)).json()
        url = f"ws://{second_process}/ws/events/{event['id']}"
        login = await api.post(
            "/api/auth/login", json={"username": "olive", "password": PASSWORD}, headers=origin
        )
        cookie = login.cookies[SESSION_COOKIE]
        by_cookie = ending in ("logged out", "new password", "deactivated")
        async with open_console(url, None if by_cookie else operator, cookie=cookie) as ws:
            await ws.receive_type("hello")
            started = asyncio.get_running_loop().time()
            if ending == "token revoked":
                (token,) = (await api.get("/api/auth/tokens", headers=olive)).json()
                response = await api.delete(f"/api/auth/tokens/{token['id']}", headers=olive)
            elif ending == "logged out":
                response = await api.post("/api/auth/logout", headers=origin)
            else:
                (user,) = [
                    u
                    for u in (await api.get("/api/users", headers=admin)).json()
                    if u["username"] == "olive"
                ]
                change = (
                    {"is_active": False}
                    if ending == "deactivated"
                    else {"password": "another long password"}
                )
                response = await api.patch(f"/api/users/{user['id']}", json=change, headers=admin)
            assert response.is_success, response.text
            code = await ws.close_code(timeout=10)
            elapsed = asyncio.get_running_loop().time() - started
    assert code == 4401
    print(f"{ending}: closed on the other process {elapsed * 1000:.0f} ms later")


async def test_editing_a_draft_told_to_a_process_without_consoles_shows_on_the_other(
    first_process: LiveServer, second_process: str, shared_database: str
) -> None:
    db = Database(shared_database)
    try:
        token = await make_token(db, "pat", "producer")
    finally:
        await db.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=first_process.http, headers=headers) as api:
        event = (await api.post("/api/events", json={"name": "Editing"})).json()
        draft = (await api.post(f"/api/events/{event['id']}/drafts", json=draft_payload())).json()
        url = f"ws://{second_process}/ws/events/{event['id']}"
        async with open_console(url, token) as console:
            await console.receive_type("hello")
            # Server A has no console of this event: the mark must travel through Redis.
            assert (await api.post(f"/api/drafts/{draft['id']}/editing")).status_code == 204
            await presence_until(
                console, lambda u: u.get("pat", {}).get("editing") == [draft["id"]], timeout=10
            )
            assert (await api.delete(f"/api/drafts/{draft['id']}/editing")).status_code == 204
            await presence_until(
                console, lambda u: u.get("pat", {}).get("editing") == [], timeout=10
            )
