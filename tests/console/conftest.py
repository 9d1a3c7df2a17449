"""Console test setup: the built frontend, a real server on a free port, and Chromium.

The browser tests drive Debian's Chromium (``/usr/bin/chromium``, or the path in
``CUEDESK_TEST_CHROMIUM``) through Playwright. They fail rather than skip when it is
missing: CI must run them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from app.auth import service as auth
from app.auth import tokens
from app.auth.deps import SESSION_COOKIE
from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.conftest import PASSWORD, make_user
from tests.console.helpers import LiveServer

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "scripts" / "build-frontend"
CHROMIUM = os.environ.get("CUEDESK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AVATAR_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="36" height="36" viewBox="0 0 36 36">'
    '<rect width="36" height="36" fill="#2f6f4f"/>'
    '<circle cx="18" cy="14" r="7" fill="#cfe8d8"/><circle cx="18" cy="36" r="13" fill="#cfe8d8"/>'
    "</svg>"
)
# What the browser logs as an error that is no fault of the page: an answer like the 401 of
# a wrong password, and the refused handshakes of a console that is cut off on purpose.
EXPECTED_CONSOLE_ERRORS = ("Failed to load resource", "WebSocket connection to")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: drives a real headless Chromium through Playwright (needs /usr/bin/chromium)",
    )


@pytest.fixture(scope="session", autouse=True)
def built_frontend() -> None:
    """The pages load the Vite build; build it once (a no-op when it is up to date)."""
    try:
        result = subprocess.run(
            [str(BUILD_SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=900
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"Could not run {BUILD_SCRIPT}: {exc}", pytrace=False)
    if result.returncode != 0:
        pytest.fail(
            f"scripts/build-frontend failed (exit {result.returncode}); the console tests need "
            f"the built frontend.\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


@contextlib.contextmanager
def run_server(template: Path, folder: Path, **settings: Any) -> Iterator[LiveServer]:
    """A real server on a free port over a fresh copy of the migrated database."""
    shutil.copy(template, folder / "cuedesk.db")
    # Binding first and handing the socket over leaves no window for another process to
    # take the port between picking it and listening on it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(
        Settings(
            environment="test",
            database_url=f"sqlite+aiosqlite:///{folder / 'cuedesk.db'}",
            data_dir=folder,
            broker_url="memory://",
            migrate_on_start=False,
            allowed_origins=[url],
            **settings,
        )
    )
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


# Module-scoped, like the browser: Playwright's sync API keeps an event loop running in this
# thread while it is open, and the async tests of the other modules cannot start beside it.
@pytest.fixture(scope="module")
def server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with run_server(sqlite_template, tmp_path_factory.mktemp("browser")) as live:
        yield live


async def _seed_users(app: Any) -> str:
    """Three people who log in through the page (two operators who share the triage, and a
    producer), and the producer's API token for the setup."""
    async with app.state.db.transaction() as session:
        await auth.create_user(
            session, username="olive", password=PASSWORD, role="operator", display_name="Olive"
        )
        await auth.create_user(
            session, username="quinn", password=PASSWORD, role="operator", display_name="Quinn"
        )
        producer = await auth.create_user(
            session, username="pat", password=PASSWORD, role="producer", display_name="Pat"
        )
        _row, token = await tokens.create_api_token(session, producer, name="browser tests")
    return token


@pytest.fixture(scope="module")
def browser(server: LiveServer) -> Iterator[Browser]:
    # After the server: its setup runs asyncio.run(), which refuses to run inside the event
    # loop that Playwright's sync API keeps in this thread.
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


class Tabs:
    """Browser contexts (one per person at the desk) whose pages must not report errors."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser
        self._contexts: list[BrowserContext] = []
        self.problems: list[str] = []

    def open(self, width: int = 1100, height: int = 760) -> Page:
        context = self._browser.new_context(
            viewport={"width": width, "height": height}, locale="en-GB", timezone_id="UTC"
        )
        context.set_default_timeout(10_000)
        self._contexts.append(context)
        tab = context.new_page()
        # Avatars come from the networks' CDNs; one CDN is faked so no test touches the web.
        tab.route(
            "https://avatars.example/**",
            lambda route: route.fulfill(content_type="image/svg+xml", body=AVATAR_SVG),
        )
        tab.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and not message.text.startswith(EXPECTED_CONSOLE_ERRORS):
                self.problems.append(f"console: {message.text}")

        tab.on("console", on_console)
        return tab

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def tabs(browser: Browser) -> Iterator[Tabs]:
    opened = Tabs(browser)
    yield opened
    opened.close()
    assert not opened.problems, (
        "The page reported errors (script errors or CSP refusals):\n" + "\n".join(opened.problems)
    )


@pytest.fixture
def page(tabs: Tabs) -> Page:
    return tabs.open()


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
