"""The console's server-rendered pages: login gate, event list, event page, escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.accounts import service as accounts
from app.accounts.crypto import Vault
from app.auth.deps import SESSION_COOKIE
from app.console.assets import Manifest
from app.console.router import safe_next
from app.events.models import Event
from tests.console.conftest import LoggedIn, make_event


@pytest.mark.parametrize("path", ["/", "/events/1", "/events/1/settings", "/users"])
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
    assert re.search(r'<script type="module" src="/assets/login-[\w-]+\.js">', html)
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


async def test_event_list_without_events_says_so_and_who_creates_one(
    logged_in: LoggedIn,
) -> None:
    client = await logged_in("viewer")

    response = await client.get("/")

    assert response.status_code == 200
    assert "No events yet. A producer or an admin creates the first one here." in response.text
    assert "POST /api/events" not in response.text
    assert 'id="new-event-form"' not in response.text


@pytest.mark.parametrize("role", ["producer", "admin"])
async def test_a_producer_gets_the_new_event_form_in_the_list(
    logged_in: LoggedIn, role: str
) -> None:
    client = await logged_in(role)

    html = (await client.get("/")).text

    assert 'id="new-event-form"' in html
    assert "No events yet. Create the first one below." in html


@pytest.mark.parametrize(("role", "sees_users"), [("admin", True), ("producer", False)])
async def test_the_top_bar_links_users_for_admins_only(
    logged_in: LoggedIn, role: str, sees_users: bool
) -> None:
    client = await logged_in(role)

    html = (await client.get("/")).text

    assert 'href="/"' in html
    assert ('href="/users"' in html) is sees_users


async def test_the_users_page_is_for_admins(logged_in: LoggedIn) -> None:
    admin = await logged_in("admin")
    producer = await logged_in("producer")

    assert (await admin.get("/users")).status_code == 200
    refused = await producer.get("/users")
    assert refused.status_code == 403
    assert "Only admins manage users." in refused.text


async def test_the_settings_page_is_for_producers_and_admins(
    logged_in: LoggedIn, producer: httpx.AsyncClient
) -> None:
    event_id = await make_event(producer, "Cup Final")
    operator = await logged_in("operator")
    producer = await logged_in("producer")

    page = await producer.get(f"/events/{event_id}/settings")
    assert page.status_code == 200
    assert 'id="event-form"' in page.text and 'id="simulator-form"' in page.text
    refused = await operator.get(f"/events/{event_id}/settings")
    assert refused.status_code == 403
    assert "Only producers and admins set up an event." in refused.text
    assert (await producer.get("/events/999/settings")).status_code == 404
    # The desk links its settings for those who may use them.
    assert f'href="/events/{event_id}/settings"' in (await producer.get(f"/events/{event_id}")).text
    assert "/settings" not in (await operator.get(f"/events/{event_id}")).text


async def test_the_event_page_carries_the_show_clock_once_on_air(
    app: Any, logged_in: LoggedIn, producer: httpx.AsyncClient
) -> None:
    event_id = await make_event(producer, "Cup Final")
    client = await logged_in()
    assert "data-on-air-at" not in (await client.get(f"/events/{event_id}")).text

    async with app.state.db.transaction() as session:
        event = await session.get(Event, event_id)
        assert event is not None
        event.on_air_at = datetime(2026, 2, 8, 20, 0, tzinfo=UTC)
        session.add(event)

    html = (await client.get(f"/events/{event_id}")).text
    assert 'data-on-air-at="2026-02-08T20:00:00.000Z"' in html


async def test_the_event_page_says_how_the_events_mastodon_server_counts(
    app: Any, logged_in: LoggedIn, producer: httpx.AsyncClient
) -> None:
    event_id = await make_event(producer, "Cup Final")
    client = await logged_in()
    html = (await client.get(f"/events/{event_id}")).text
    assert 'data-mastodon-max-characters="500" data-mastodon-url-length="23"' in html

    async with app.state.db.transaction() as session:
        account = await accounts.connect(
            session, Vault.from_settings(app.state.settings), network="mastodon",
            event_id=event_id, handle="cuedesk", server_url="https://mastodon.example",
            secret={"access_token": "t"}, hint_of="t",
        )  # fmt: skip
        account.max_characters, account.characters_reserved_per_url = 1000, 30

    html = (await client.get(f"/events/{event_id}")).text
    assert 'data-mastodon-max-characters="1000" data-mastodon-url-length="30"' in html


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
    assert 'data-username="operator-' in html
    assert 'value="mastodon"' in html and 'id="filter-q"' in html and 'id="pause"' in html
    # The entry, its stylesheet and the chunks it imports, all from the Vite manifest.
    assert re.search(r'<script type="module" src="/assets/event-[\w-]+\.js">', html)
    assert re.search(r'<link rel="stylesheet" href="/assets/event-[\w-]+\.css">', html)
    assert re.search(r'<link rel="modulepreload" href="/assets/[\w-]+\.js">', html)
    assert "not built" not in html


async def test_the_test_hook_is_only_on_test_servers(
    app: Any, logged_in: LoggedIn, producer: httpx.AsyncClient
) -> None:
    event_id = await make_event(producer, "Cup Final")
    client = await logged_in()

    assert " data-test" in (await client.get(f"/events/{event_id}")).text
    app.state.settings.environment = "development"
    assert " data-test" not in (await client.get(f"/events/{event_id}")).text


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


async def test_static_files_are_served(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/static/css/console.css")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


async def test_static_files_stay_inside_the_folder(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/static/%2e%2e/%2e%2e/app/config.py")

    assert response.status_code == 404


async def test_built_assets_are_served_for_good(
    logged_in: LoggedIn, producer: httpx.AsyncClient
) -> None:
    event_id = await make_event(producer, "Cup Final")
    client = await logged_in()
    html = (await client.get(f"/events/{event_id}")).text
    urls = re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)

    assert len(urls) >= 3
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        kind = "text/css" if url.endswith(".css") else "text/javascript"
        assert response.headers["content-type"].startswith(kind), url
        # Hashed names: a new build is a new URL, so the browser may keep these for good.
        assert "immutable" in response.headers["cache-control"], url


@pytest.mark.parametrize(
    "path",
    [
        "/assets/nope.js",
        "/assets/..%2F.vite%2Fmanifest.json",
        "/assets/%2e%2e/%2e%2e/app/config.py",
        "/assets/.vite",
        "/assets/",
    ],
)
async def test_only_built_files_are_served_from_assets(anon: httpx.AsyncClient, path: str) -> None:
    response = await anon.get(path)

    assert response.status_code == 404


def test_the_manifest_is_read_again_after_a_rebuild(tmp_path: Path) -> None:
    manifest_file = tmp_path / ".vite" / "manifest.json"
    manifest_file.parent.mkdir()
    manifest_file.write_text(
        '{"src/pages/login.ts": {"file": "assets/login-1.js", "imports": ["_api.js"]},'
        ' "_api.js": {"file": "assets/api-1.js", "css": ["assets/api-1.css"]}}'
    )
    manifest = Manifest(tmp_path)

    first = manifest.entry("src/pages/login.ts")
    manifest_file.write_text('{"src/pages/login.ts": {"file": "assets/login-22.js"}}')

    assert first is not None
    assert first.script == "/assets/login-1.js"
    assert first.preloads == ("/assets/api-1.js",)
    assert first.styles == ("/assets/api-1.css",)
    second = manifest.entry("src/pages/login.ts")
    assert second is not None and second.script == "/assets/login-22.js"
    assert manifest.entry("src/pages/other.ts") is None
