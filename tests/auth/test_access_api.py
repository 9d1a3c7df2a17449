from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from app.auth.models import ApiToken
from app.db import Database
from tests.auth.conftest import SAME_ORIGIN, Login
from tests.conftest import make_user
from tests.factories import mention_payload

# Public on purpose: logging in, and logging out (which only clears a cookie).
PUBLIC_API_PATHS = {"/api/auth/login", "/api/auth/logout"}


async def test_every_api_route_needs_credentials(app: Any, anon: httpx.AsyncClient) -> None:
    # The OpenAPI schema lists every route, however deeply the routers are included.
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    checked = []
    for template, operations in paths.items():
        if not template.startswith("/api/") or template in PUBLIC_API_PATHS:
            continue
        path = re.sub(r"\{[^}]+\}", "1", template)
        for method in operations:
            response = await anon.request(method.upper(), path)
            assert response.status_code == 401, f"{method} {path}: {response.status_code}"
            assert "Log in" in response.json()["detail"], f"{method} {path}"
            checked.append(f"{method.upper()} {path}")
    assert "GET /api/auth/me" in checked
    assert "POST /api/events" in checked
    assert "PATCH /api/users/1" in checked


async def test_a_malformed_authorization_header_is_explained(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/api/auth/me", headers={"Authorization": "Token abc"})
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


async def test_an_unknown_bearer_token_is_refused(anon: httpx.AsyncClient) -> None:
    for token in ("cdk_not-a-real-token", "something-else"):
        response = await anon.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


async def test_viewer_can_list_events_but_not_create_one_nor_ingest(
    client_as: Any, event_id: int
) -> None:
    viewer = await client_as("viewer")
    listed = await viewer.get("/api/events")
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json()] == [event_id]

    create = await viewer.post("/api/events", json={"name": "Sneaky show"})
    assert create.status_code == 403
    assert "viewer" in create.json()["detail"]

    ingest = await viewer.post(f"/api/events/{event_id}/mentions", json=[mention_payload(1)])
    assert ingest.status_code == 403


async def test_operator_can_ingest_but_not_create_events(client_as: Any, event_id: int) -> None:
    operator = await client_as("operator")
    assert (await operator.post("/api/events", json={"name": "x"})).status_code == 403
    ingest = await operator.post(f"/api/events/{event_id}/mentions", json=[mention_payload(1)])
    assert ingest.status_code == 200, ingest.text


async def test_a_token_shows_when_it_was_last_used_to_the_minute(
    db: Database, login: Login, anon: httpx.AsyncClient
) -> None:
    await make_user(db, "poller", role="producer")
    browser = await login("poller")
    created = await browser.post("/api/auth/tokens", json={"name": "poller"}, headers=SAME_ORIGIN)
    bearer = {"Authorization": f"Bearer {created.json()['token']}"}
    assert created.json()["last_used_at"] is None

    assert (await anon.get("/api/auth/me", headers=bearer)).status_code == 200
    (token,) = (await browser.get("/api/auth/tokens")).json()
    first_use = datetime.fromisoformat(token["last_used_at"])
    assert datetime.now(UTC) - first_use < timedelta(minutes=1)

    # Within the minute, neither a read nor a write records the use again.
    assert (await anon.get("/api/auth/me", headers=bearer)).status_code == 200
    made = await anon.post("/api/events", json={"name": "By script"}, headers=bearer)
    assert made.status_code == 201
    (token,) = (await browser.get("/api/auth/tokens")).json()
    assert datetime.fromisoformat(token["last_used_at"]) == first_use

    # An hour later (the last use is moved back, not waited for), the next use is recorded.
    an_hour_ago = first_use - timedelta(hours=1)
    async with db.transaction() as session:
        await session.execute(update(ApiToken).values(last_used_at=an_hour_ago))
    assert (await anon.get("/api/auth/me", headers=bearer)).status_code == 200
    (token,) = (await browser.get("/api/auth/tokens")).json()
    assert datetime.fromisoformat(token["last_used_at"]) >= first_use


async def test_api_token_works_as_bearer_and_stops_after_revoke(
    db: Database, login: Login, anon: httpx.AsyncClient
) -> None:
    await make_user(db, "scripter", role="producer")
    browser = await login("scripter")
    created = await browser.post(
        "/api/auth/tokens", json={"name": "ingest bot"}, headers=SAME_ORIGIN
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {"id", "name", "token", "created_at", "last_used_at"}
    assert body["token"].startswith("cdk_")
    bearer = {"Authorization": f"Bearer {body['token']}"}

    me = await anon.get("/api/auth/me", headers=bearer)
    assert me.status_code == 200
    assert me.json()["username"] == "scripter"
    made = await anon.post("/api/events", json={"name": "By script"}, headers=bearer)
    assert made.status_code == 201

    listed = await browser.get("/api/auth/tokens")
    assert [(t["id"], t["name"], t["created_at"]) for t in listed.json()] == [
        (body["id"], "ingest bot", body["created_at"])
    ]

    revoked = await browser.delete(f"/api/auth/tokens/{body['id']}", headers=SAME_ORIGIN)
    assert revoked.status_code == 204
    assert (await anon.get("/api/auth/me", headers=bearer)).status_code == 401
    assert (await browser.get("/api/auth/tokens")).json() == []


async def test_only_the_owner_or_an_admin_can_revoke_a_token(client_as: Any) -> None:
    alice = await client_as("operator", "alice")
    bob = await client_as("operator", "bob")
    admin = await client_as("admin")
    token = (await alice.post("/api/auth/tokens", json={"name": "laptop"})).json()

    by_bob = await bob.delete(f"/api/auth/tokens/{token['id']}")
    assert by_bob.status_code == 404
    assert "does not exist" in by_bob.json()["detail"]
    by_admin = await admin.delete(f"/api/auth/tokens/{token['id']}")
    assert by_admin.status_code == 204
    bearer = {"Authorization": f"Bearer {token['token']}"}
    assert (await bob.get("/api/auth/me", headers=bearer)).status_code == 401


async def test_a_token_needs_a_name(client_as: Any) -> None:
    client = await client_as("operator")
    response = await client.post("/api/auth/tokens", json={"name": "   "})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Origin": "https://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({}, 403),
        ({"Referer": "https://evil.example/page"}, 403),
        ({"Origin": "http://testserver.evil.example"}, 403),
        ({"Origin": "http://testserver"}, 201),
        ({"Origin": "http://TestServer:80"}, 201),
        ({"Referer": "http://testserver/console/events/1"}, 201),
    ],
)
async def test_cookie_authenticated_post_must_come_from_our_origin(
    db: Database, login: Login, headers: dict[str, str], expected: int
) -> None:
    await make_user(db, "pat", role="producer")
    browser = await login("pat")
    response = await browser.post("/api/events", json={"name": "Late show"}, headers=headers)
    assert response.status_code == expected, response.text
    if expected == 403:
        assert response.json() == {"detail": "Cross-site request refused."}


async def test_an_allowed_origin_other_than_our_host_is_accepted(
    app: Any, db: Database, login: Login
) -> None:
    app.state.settings.allowed_origins = ["https://desk.example.org/"]
    await make_user(db, "pat", role="producer")
    browser = await login("pat")
    for origin in ("https://desk.example.org", "https://desk.example.org:443"):
        response = await browser.post(
            "/api/events", json={"name": "Proxied"}, headers={"Origin": origin}
        )
        assert response.status_code == 201, response.text
    other = await browser.post(
        "/api/events", json={"name": "x"}, headers={"Origin": "https://desk.example.com"}
    )
    assert other.status_code == 403


async def test_cross_site_reads_and_bearer_calls_are_not_refused(
    db: Database, login: Login, client_as: Any
) -> None:
    foreign = {"Origin": "https://evil.example"}
    await make_user(db, "pat", role="producer")
    browser = await login("pat")
    assert (await browser.get("/api/events", headers=foreign)).status_code == 200

    script = await client_as("producer")
    made = await script.post("/api/events", json={"name": "By script"}, headers=foreign)
    assert made.status_code == 201


async def test_a_foreign_page_cannot_log_the_desk_out(db: Database, login: Login) -> None:
    await make_user(db, "pat")
    browser = await login("pat")
    response = await browser.post("/api/auth/logout", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert (await browser.get("/api/auth/me")).status_code == 200
