"""Schemathesis over the OpenAPI schema, against a real server process on SQLite, signed in as
an admin: whatever the schema allows (and whatever it does not), no operation answers 5xx,
and the server is still healthy afterwards.

Each operation gets a bounded number of examples (FUZZ_EXAMPLES), derandomised so CI runs
the same cases every time. Half of the generated ids are swapped for rows that exist, so the
cases reach past the 404 into the handlers.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from app import migrate
from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.conftest import make_token
from tests.factories import draft_payload, mention_payload, png_bytes

ROOT = Path(__file__).resolve().parents[1]
FUZZ_EXAMPLES = int(os.environ.get("CUEDESK_FUZZ_EXAMPLES", "15"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not become ready within 60 s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server process on a migrated SQLite file, and what the cases need: an admin's
    token, an event with a mention, and a second user and token that are safe to change."""
    data_dir = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite+aiosqlite:///{data_dir / 'cuedesk.db'}"
    asyncio.run(migrate.upgrade(url))

    async def tokens() -> tuple[str, str]:
        db = Database(url)
        try:
            return await make_token(db, "root", "admin"), await make_token(db, "spare", "admin")
        finally:
            await db.dispose()

    token, spare_token = asyncio.run(tokens())
    port = _free_port()
    env = {
        **os.environ,
        "CUEDESK_DATABASE_URL": url,
        "CUEDESK_ENVIRONMENT": "test",
        "CUEDESK_DATA_DIR": str(data_dir),
        "CUEDESK_MIGRATE_ON_START": "false",
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, base)
        yield {"base": base, "token": token, **_arrange(base, token, spare_token)}
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def _arrange(base: str, token: str, spare_token: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as api:
        event = api.post("/api/events", json={"name": "Fuzz Cup", "hashtags": ["Fuzz"]})
        event_id = event.json()["id"]
        api.post(f"/api/events/{event_id}/mentions", json=[mention_payload(1)])
        mention_id = api.get(f"/api/events/{event_id}/mentions").json()["items"][0]["id"]
        draft_id = api.post(f"/api/events/{event_id}/drafts", json=draft_payload()).json()["id"]
        attachment = api.post(
            f"/api/events/{event_id}/attachments", files={"file": ("a.png", png_bytes())}
        )
        me = api.get("/api/auth/me").json()["id"]
        (own_token,) = api.get("/api/auth/tokens").json()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {spare_token}"}) as api:
        spare_user = api.get("/api/auth/me").json()["id"]
        (spare_token_row,) = api.get("/api/auth/tokens").json()
    return {
        "existing": {
            "event_id": event_id,
            "mention_id": mention_id,
            "draft_id": draft_id,
            "attachment_id": attachment.json()["id"],
        },
        # The admin running the cases must stay signed in: its own user and token are
        # swapped for the spare ones whenever a case would change or revoke them.
        "protected": {
            "user_id": (me, spare_user),
            "token_id": (own_token["id"], spare_token_row["id"]),
        },
    }


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx: Any, value: Any) -> bytes:
    """A generated JSONL upload (PUT /api/imports/{name}): the string as its bytes, lines and
    all, whatever it holds; anything else as its JSON, one line."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return json.dumps(value).encode()


# The schema the server publishes at /openapi.json, read from the same application code.
schema = schemathesis.openapi.from_dict(create_app(Settings(environment="test")).openapi())


def _steer(case: Any, server: dict[str, Any]) -> None:
    parameters = case.path_parameters or {}
    for name, value in parameters.items():
        if name in server["existing"] and isinstance(value, int) and value % 2 == 0:
            parameters[name] = server["existing"][name]
        if name in server["protected"] and value == server["protected"][name][0]:
            parameters[name] = server["protected"][name][1]


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case: Any, server: dict[str, Any]) -> None:
    _steer(case, server)
    case.call_and_validate(
        base_url=server["base"],
        headers={"Authorization": f"Bearer {server['token']}"},
        checks=[not_a_server_error],
        timeout=30,
    )


def test_the_server_is_healthy_after_the_cases(server: dict[str, Any]) -> None:
    assert httpx.get(f"{server['base']}/healthz", timeout=10).status_code == 200
    assert httpx.get(f"{server['base']}/readyz", timeout=10).status_code == 200
