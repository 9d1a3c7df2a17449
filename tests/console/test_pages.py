"""The console's server-rendered pages: login gate, event list, event page, escaping."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from app.auth import service as auth
from app.auth.deps import SESSION_COOKIE
from app.console.router import safe_next
from app.db import Database
from tests.conftest import make_user

LoggedIn = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def logged_in(app: Any, db: Database) -> AsyncIterator[LoggedIn]:
    """``await logged_in("operator")`` → a client carrying a browser session cookie."""
    clients: list[httpx.AsyncClient] = []

    async def _make(role: str = "operator", display_name: str = "") -> httpx.AsyncClient:
        user = await make_user(db, f"{role}-{uuid.uuid4().hex[:6]}", role)
        async with db.transaction() as session:
            if display_name:
                user.display_name = display_name
                session.add(user)
            token = await auth.create_session(session, user, max_age_seconds=3600)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            cookies={SESSION_COOKIE: token},
        )
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.aclose()


async def make_event(producer: httpx.AsyncClient, name: str, **fields: Any) -> int:
    response = await producer.post("/api/events", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.mark.parametrize("path", ["/", "/events/1"])
async def test_pages_without_login_redirect_to_login(anon: httpx.AsyncClient, path: str) -> None:
    response = await anon.get(path)

    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


async def test_redirect_keeps_the_query_in_next(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/events/4?view=wall")

    assert response.headers["location"] == "/login?next=/events/4%3Fview%3Dwall"


async def test_an_unknown_session_cookie_redirects_to_login(app: Any) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        cookies={SESSION_COOKIE: "not-a-session"},
    ) as client:
        response = await client.get("/")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


async def test_login_page_renders_the_form(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/login")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert 'id="login-form"' in html
    assert 'data-next="/"' in html
    assert 'autocomplete="username"' in html and "autofocus" in html
    assert 'type="password"' in html
    assert 'role="alert"' in html
    assert '<script type="module" src="/static/js/login.js">' in html
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("asked", "kept"),
    [
        ("/events/3", "/events/3"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ],
)
async def test_login_page_keeps_only_a_local_next(
    anon: httpx.AsyncClient, asked: str, kept: str
) -> None:
    response = await anon.get("/login", params={"next": asked})

    assert f'data-next="{kept}"' in response.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "/"),
        ("", "/"),
        ("events", "/"),
        ("/events/1?view=wall", "/events/1?view=wall"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/\nSet-Cookie: x", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_safe_next(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


async def test_login_page_sends_a_logged_in_user_on(logged_in: LoggedIn) -> None:
    client = await logged_in()

    response = await client.get("/login", params={"next": "/events/2"})

    assert response.status_code == 303
    assert response.headers["location"] == "/events/2"


async def test_event_list_shows_the_events_and_the_user(
    logged_in: LoggedIn, producer: httpx.AsyncClient
) -> None:
    final = await make_event(
        producer,
        "Cup Final",
        hashtags=["#CupFinal", "Football"],
        status="live",
        starts_at="2026-02-08T20:00:00Z",
    )
    gala = await make_event(producer, "Awards Gala")
    client = await logged_in("operator", display_name="Olive Operator")

    response = await client.get("/")

    assert response.status_code == 200
    html = response.text
    assert f'href="/events/{final}"' in html and f'href="/events/{gala}"' in html
    assert "Cup Final" in html and "Awards Gala" in html
    assert "#CupFinal" in html and "#Football" in html
    assert 'class="status status-live"' in html and 'class="status status-scheduled"' in html
    assert '<time datetime="2026-02-08T20:00:00.000Z" data-local>2026-02-08 20:00 UTC' in html
    assert "Olive Operator" in html and ">operator<" in html
    assert "data-logout" in html
    # Newest first, as the service lists them.
    assert html.index("Awards Gala") < html.index("Cup Final")


async def test_event_list_without_events_says_so(logged_in: LoggedIn) -> None:
    client = await logged_in("viewer")

    response = await client.get("/")

    assert response.status_code == 200
    assert "No events yet" in response.text


async def test_event_page_renders_the_header_and_the_feed(
    logged_in: LoggedIn, producer: httpx.AsyncClient
) -> None:
    event_id = await make_event(producer, "Cup Final", hashtags=["CupFinal"], status="live")
    client = await logged_in()

    response = await client.get(f"/events/{event_id}")

    assert response.status_code == 200
    html = response.text
    assert '<h1 id="event-name" class="page-title">Cup Final</h1>' in html
    assert "<li>#CupFinal</li>" in html
    assert 'id="event-status" class="status status-live"' in html
    assert 'role="feed"' in html and f'data-event-id="{event_id}"' in html
    assert '<script type="module" src="/static/js/feed.js">' in html


@pytest.mark.parametrize("path", ["/events/999", "/events/abc", "/events/99999999999999999999"])
async def test_unknown_event_is_a_404_page(logged_in: LoggedIn, path: str) -> None:
    client = await logged_in()

    response = await client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "does not exist" in response.text
    assert 'href="/"' in response.text


async def test_event_names_are_escaped(logged_in: LoggedIn, producer: httpx.AsyncClient) -> None:
    name = '<script>alert("x")</script>'
    event_id = await make_event(producer, name, hashtags=["<b>tag</b>"])
    client = await logged_in()

    for path in ("/", f"/events/{event_id}"):
        html = (await client.get(path)).text
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, path
        assert "#&lt;b&gt;tag&lt;/b&gt;" in html, path


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/css/console.css", "text/css"),
        ("/static/css/feed.css", "text/css"),
        ("/static/js/login.js", "text/javascript"),
        ("/static/js/events.js", "text/javascript"),
        ("/static/js/feed.js", "text/javascript"),
        ("/static/js/lib/mention-view.js", "text/javascript"),
    ],
)
async def test_static_files_are_served(
    anon: httpx.AsyncClient, path: str, content_type: str
) -> None:
    response = await anon.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)


async def test_static_files_stay_inside_the_folder(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/static/%2e%2e/%2e%2e/app/config.py")

    assert response.status_code == 404
