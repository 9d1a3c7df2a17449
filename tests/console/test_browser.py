"""The console in a real headless Chromium against a real server: login, the event list, and
the event page's live feed (mentions ingested over HTTP appear without a reload).

Needs Debian's Chromium at /usr/bin/chromium (``apt-get install -y chromium``) or the path in
``CUEDESK_TEST_CHROMIUM``. These tests fail rather than skip when it is missing: CI must run them.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect, sync_playwright

from app.auth import service as auth
from app.config import Settings
from app.main import create_app
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
# The live feed polls every second and backs off on errors: leave room for a few rounds.
expect.set_options(timeout=10_000)

CHROMIUM = os.environ.get("CUEDESK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path("/tmp/console.png")
AVATAR_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="36" height="36" viewBox="0 0 36 36">'
    '<rect width="36" height="36" fill="#2f6f4f"/>'
    '<circle cx="18" cy="14" r="7" fill="#cfe8d8"/><circle cx="18" cy="36" r="13" fill="#cfe8d8"/>'
    "</svg>"
)

T = TypeVar("T")


@dataclass
class LiveServer:
    url: str
    loop: asyncio.AbstractEventLoop
    app: Any
    token: str = ""

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the server's own loop, where its database engine lives."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        )


@pytest.fixture(scope="module")
def server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    shutil.copy(sqlite_template, folder / "cuedesk.db")
    # Binding first and handing the socket over leaves no window for another process to
    # take the port between picking it and listening on it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        environment="test",
        database_url=f"sqlite+aiosqlite:///{folder / 'cuedesk.db'}",
        data_dir=folder,
        broker_url="memory://",
        migrate_on_start=False,
        allowed_origins=[url],
    )
    app = create_app(settings)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uv = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=loop.run_until_complete, args=(uv.serve(sockets=[sock]),), daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("The test server did not start; see the log above.", pytrace=False)
        time.sleep(0.05)
    live = LiveServer(url=url, loop=loop, app=app)
    live.token = live.run(_seed_users(app))
    try:
        yield live
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        loop.close()
        sock.close()


async def _seed_users(app: Any) -> str:
    """An operator who logs in through the page, and a producer's API token for the setup."""
    async with app.state.db.transaction() as session:
        await auth.create_user(
            session, username="olive", password=PASSWORD, role="operator", display_name="Olive"
        )
        producer = await auth.create_user(
            session, username="pat", password=PASSWORD, role="producer"
        )
        _row, token = await auth.create_api_token(session, producer, name="browser tests")
    return token


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}; the browser tests need it. "
            "Install it with `apt-get update && apt-get install -y chromium` "
            "(or point CUEDESK_TEST_CHROMIUM at a Chromium binary).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1100, "height": 760}, locale="en-GB", timezone_id="UTC"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    # Avatars come from the networks' CDNs; here one CDN is faked so no test touches the web.
    tab.route(
        "https://avatars.example/**",
        lambda route: route.fulfill(content_type="image/svg+xml", body=AVATAR_SVG),
    )
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        # Answers like the 401 of a wrong password are logged as errors; they are expected.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    tab.on("console", on_console)
    yield tab
    context.close()
    assert not problems, "The page reported errors (script errors or CSP refusals):\n" + "\n".join(
        problems
    )


def make_event(server: LiveServer, name: str, **fields: Any) -> int:
    with server.api() as api:
        response = api.post("/api/events", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def mention(external_id: str, text: str, **overrides: Any) -> dict[str, Any]:
    second = int(external_id) % 60
    item: dict[str, Any] = {
        "network": "x",
        "external_id": external_id,
        "author": {"handle": "ana", "name": "Ana", "followers": 1200, "verified": True},
        "text": text,
        "created_at": f"2026-02-08T20:00:{second:02d}Z",
    }
    item.update(overrides)
    return item


def ingest(server: LiveServer, event_id: int, items: list[dict[str, Any]]) -> dict[str, int]:
    with server.api() as api:
        response = api.post(f"/api/events/{event_id}/mentions", json=items)
    assert response.status_code == 200, response.text
    body: dict[str, int] = response.json()
    return body


def log_in(page: Page, server: LiveServer, password: str = PASSWORD) -> None:
    """Type as a person would: the username field has the focus, Enter submits."""
    # Module scripts run just before DOMContentLoaded; an Enter before that posts the form.
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("olive")
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def test_a_wrong_password_shows_the_error(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")

    log_in(page, server, password="not the password")

    expect(page.locator("#login-error")).to_have_text("Wrong username or password.")
    expect(page).to_have_url(f"{server.url}/login")
    expect(page.get_by_label("Password")).to_be_focused()


def test_login_event_list_and_live_feed(page: Page, server: LiveServer) -> None:
    event_id = make_event(
        server, "Cup Final", hashtags=["CupFinal"], status="live", starts_at="2026-02-08T20:00:00Z"
    )
    ingest(server, event_id, [mention("1", "Kickoff! #CupFinal"), mention("2", "What a save")])

    page.goto(f"{server.url}/login")
    log_in(page, server)
    expect(page).to_have_url(f"{server.url}/")
    expect(page.get_by_role("heading", name="Events")).to_be_visible()
    expect(page.locator(".who-name")).to_have_text("Olive")
    card = page.locator(".event-card", has_text="Cup Final")
    # Rendered in UTC by the server, then shown in the browser's zone (UTC here) and locale.
    expect(card.locator("time")).to_have_text(re.compile(r"^Sun.*8 Feb 2026.*20:00$"))
    page.get_by_role("link", name="Cup Final").click()

    expect(page).to_have_url(f"{server.url}/events/{event_id}")
    expect(page.locator("#feed-state")).to_have_text("live")
    texts = page.locator(".mention .m-text")
    expect(texts).to_have_text(["What a save", "Kickoff! #CupFinal"])
    page.evaluate("window.stillTheSamePage = true")

    ingest(server, event_id, [mention("3", "Goal! #CupFinal")])
    ingest(
        server,
        event_id,
        [
            mention(
                "4",
                'Replay <img src=x onerror="alert(1)"> https://example.org/clip. @bo',
                network="mastodon",
                author={
                    "handle": "bo@social.example",
                    "name": "Bo",
                    "followers": 12345,
                    "avatar_url": "https://avatars.example/bo.svg",
                },
            ),
            mention(
                "5",
                "2-1! #cupfinal #Football",
                network="bluesky",
                author={"handle": "cy.bsky.social", "name": "Cy", "followers": 3_400_000},
            ),
            mention("3", "Goal! #CupFinal"),  # a duplicate: stored once, shown once
        ],
    )

    expect(texts).to_have_text(
        [
            "2-1! #cupfinal #Football",
            # Links show without their scheme, as the networks show them.
            'Replay <img src=x onerror="alert(1)"> example.org/clip. @bo',
            "Goal! #CupFinal",
            "What a save",
            "Kickoff! #CupFinal",
        ]
    )
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.locator("#feed-count")).to_have_text("5 mentions")
    expect(page.locator("#feed-updated")).to_contain_text("last update")

    newest, bo = page.locator(".mention").nth(0), page.locator(".mention").nth(1)
    expect(newest.locator(".m-name")).to_have_text("Cy")
    expect(newest.locator(".m-handle")).to_have_text("@cy.bsky.social")
    expect(newest.locator(".m-followers")).to_have_text("3.4M")
    expect(newest.locator(".net")).to_have_text("Bluesky")
    expect(newest.locator(".m-verified")).to_have_count(0)
    expect(newest.locator(".m-tag-tracked")).to_have_text(["#cupfinal"])
    expect(newest.locator(".m-tag:not(.m-tag-tracked)")).to_have_text(["#Football"])
    expect(newest.locator(".m-time")).to_have_text("20:00:05")
    # The markup in the text stayed text; the link and the handle are highlighted.
    expect(page.locator("#feed img[src='x']")).to_have_count(0)
    expect(bo.locator("a.m-link")).to_have_attribute("href", "https://example.org/clip")
    expect(bo.locator("a.m-link")).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(bo.locator(".m-at")).to_have_text("@bo")
    expect(bo.locator(".m-followers")).to_have_text("12.3K")
    expect(bo.locator(".net")).to_have_text("Mastodon")
    expect(bo.locator("img.avatar")).to_have_js_property("naturalWidth", 36)
    expect(page.locator(".mention").nth(2).locator(".m-verified")).to_have_count(1)

    page.locator(".mention").first.focus()
    page.keyboard.press("j")
    expect(bo).to_be_focused()
    page.locator(".mention").first.focus()
    page.screenshot(path=str(SCREENSHOT), full_page=True)


LINK = '<a class="m-link" href="{href}" target="_blank" rel="noopener noreferrer nofollow">'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "Goal! #CupFinal #Other",
            'Goal! <span class="m-tag m-tag-tracked">#CupFinal</span> '
            '<span class="m-tag">#Other</span>',
        ),
        (
            '<b>bold</b> & <img src=x onerror="alert(1)">',
            '&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror="alert(1)"&gt;',
        ),
        (
            "clip: https://example.org/clip.",
            "clip: " + LINK.format(href="https://example.org/clip") + "example.org/clip</a>.",
        ),
        (
            "https://www.example.org/" + "a" * 60,
            LINK.format(href="https://www.example.org/" + "a" * 60)
            + "example.org/"
            + "a" * 28
            + "…</a>",
        ),
        ("javascript:alert(1) a#b ana@x.org", "javascript:alert(1) a#b ana@x.org"),
        (
            "@bo@social.example and @cy.bsky.social.",
            '<span class="m-at">@bo@social.example</span> and '
            '<span class="m-at">@cy.bsky.social</span>.',
        ),
    ],
)
def test_mention_text_is_highlighted_and_escaped(
    page: Page, server: LiveServer, text: str, html: str
) -> None:
    page.goto(f"{server.url}/login")

    rendered = page.evaluate(
        """async (text) => {
            const { highlightText } = await import("/static/js/lib/mention-view.js");
            const box = document.createElement("p");
            box.append(highlightText(text, new Set(["cupfinal"])));
            return box.innerHTML;
        }""",
        text,
    )

    # innerHTML escapes text nodes: "&lt;" here means the markup was shown, not parsed.
    assert rendered == html


def test_login_returns_to_the_page_asked_for(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Awards Gala", hashtags=["Gala"])

    page.goto(f"{server.url}/events/{event_id}")
    expect(page).to_have_url(f"{server.url}/login?next=/events/{event_id}")
    log_in(page, server)

    expect(page).to_have_url(f"{server.url}/events/{event_id}")
    expect(page.locator("#event-name")).to_have_text("Awards Gala")
    expect(page.locator("#feed-empty")).to_be_visible()


def test_the_feed_reconnects_and_catches_up(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Rehearsal", status="live")
    page.goto(f"{server.url}/login?next=/events/{event_id}")
    log_in(page, server)
    expect(page.locator("#feed-state")).to_have_text("live")

    def refuse(route: Route) -> None:
        route.abort()

    page.route("**/api/events/*/journal*", refuse)
    expect(page.locator("#feed-state")).to_have_text("reconnecting…")
    expect(page.locator("#feed-updated")).to_contain_text("Cannot reach the server")
    ingest(server, event_id, [mention("7", "Sent while the console was cut off")])
    page.unroute("**/api/events/*/journal*", refuse)

    expect(page.locator("#feed-state")).to_have_text("live")
    expect(page.locator(".mention .m-text")).to_have_text(["Sent while the console was cut off"])


def test_logout_ends_the_session(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")
    log_in(page, server)
    expect(page).to_have_url(f"{server.url}/")
    page.wait_for_load_state("domcontentloaded")

    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(f"{server.url}/login")
    page.goto(f"{server.url}/")
    expect(page).to_have_url(f"{server.url}/login?next=/")
