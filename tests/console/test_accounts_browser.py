"""Posting accounts in Chromium: the admin connects X (through its consent page) and
Bluesky (an app password) and tests them; an operator answers on both fakes and the budget
meter moves; a token X refuses shows on the account; the admin connects Mastodon through
its server's consent page, and a declined consent says so.

X, Bluesky and Mastodon are fake servers (the edge of the world) on a thread of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.auth import service as auth
from tests.conftest import PASSWORD
from tests.console.conftest import run_server
from tests.console.helpers import LiveServer, ingest, log_in, make_event, mention, open_event
from tests.fakes.bluesky import APP_PASSWORD, FAN_DID, HANDLE, FakeBluesky
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serve_asgi
from tests.fakes.x import CLIENT_ID, FakeX

pytestmark = pytest.mark.browser
# This test goes through two logins, X's consent page and two networks: room for a slow CI.
expect.set_options(timeout=15_000)

PARENT = f"at://{FAN_DID}/app.bsky.feed.post/3lparent00000"


@contextlib.contextmanager
def served(*apps: Any) -> Iterator[list[str]]:
    """The fake servers' addresses, served on a thread (and event loop) of their own."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    urls: list[str] = []

    async def run() -> None:
        async with contextlib.AsyncExitStack() as stack:
            urls.extend([await stack.enter_async_context(serve_asgi(app)) for app in apps])
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    assert ready.wait(20), "the fake networks did not start"
    try:
        yield urls
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=20)
        loop.close()


@pytest.fixture(scope="module")
def fakes() -> Iterator[tuple[FakeX, str, FakeBluesky, str]]:
    x, bluesky = FakeX(), FakeBluesky()
    bluesky.add_post(PARENT)
    with served(x.app(), bluesky.app()) as (x_url, bluesky_url):
        yield x, x_url, bluesky, bluesky_url


@pytest.fixture(scope="module")
def mastodon_fake() -> Iterator[tuple[FakeMastodon, str]]:
    """A Mastodon server whose statuses may be 1,000 characters long."""
    fake = FakeMastodon(max_characters=1000)
    with served(fake.app()) as (url,):
        yield fake, url


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, fakes: Any
) -> Iterator[LiveServer]:
    _x, x_url, _bluesky, bluesky_url = fakes
    with run_server(
        sqlite_template,
        tmp_path_factory.mktemp("accounts"),
        x_api_url=x_url,
        x_authorize_url=x_url + "/i/oauth2/authorize",
        x_client_id=CLIENT_ID,
        bluesky_pds_url=bluesky_url,
        bluesky_appview_url=bluesky_url,
        publish_backoff_base_seconds=0.1,
        publish_backoff_max_seconds=0.5,
    ) as live:

        async def admin() -> None:
            async with live.app.state.db.transaction() as session:
                await auth.create_user(
                    session, username="ada", password=PASSWORD, role="admin", display_name="Ada"
                )

        live.run(admin())
        yield live


def row(page: Page, network: str) -> Any:
    return page.locator("#accounts-rows tr", has_text=network)


def test_the_admin_connects_and_tests_x_and_bluesky_then_an_operator_answers_on_both(
    page: Page, server: LiveServer, fakes: Any
) -> None:
    x, _x_url, bluesky, _bluesky_url = fakes
    page.goto(f"{server.url}/login?next=/accounts")
    log_in(page, "ada")
    expect(page).to_have_url(f"{server.url}/accounts", timeout=20_000)

    page.select_option("#connect-network", "bluesky")
    page.fill("#connect-handle", HANDLE)
    page.fill("#connect-app-password", APP_PASSWORD)
    page.click("#connect-submit")
    expect(row(page, "Bluesky")).to_contain_text("••••mnop")
    expect(page.locator("#accounts-rows")).not_to_contain_text(APP_PASSWORD)
    row(page, "Bluesky").get_by_role("button", name="Test").click()
    expect(page.locator("#accounts-status")).to_have_text(f"Connected as @{HANDLE}")
    expect(row(page, "Bluesky")).to_have_attribute("data-status", "connected")

    # X: its consent page (the fake says yes at once) sends the admin back here, connected.
    page.select_option("#connect-network", "x")
    page.click("#connect-submit")
    page.wait_for_url("**/accounts?connected=*")
    expect(row(page, "X")).to_contain_text("@cuedesk")
    row(page, "X").get_by_role("button", name="Test").click()
    expect(page.locator("#accounts-status")).to_have_text("Connected as @cuedesk")

    event_id = make_event(server, "Final", status="live")
    bluesky_mention = {
        **mention("2", "Who scored?"),
        "network": "bluesky",
        "external_id": PARENT,
        "author": {"handle": "fan.bsky.social", "name": "Fan", "followers": 5},
    }
    ingest(
        server,
        event_id,
        [mention("1", "@cuedesk who won?"), bluesky_mention, mention("3", "no mention here")],
    )
    page.context.clear_cookies()
    open_event(page, server, event_id, "olive")
    meter = page.locator("[data-budget-meters] .budget-meter", has_text="X @cuedesk")
    expect(meter).to_contain_text("0/100 posts")
    expect(page.locator("#feed .mention", has_text="no mention here")).to_contain_text(
        "Cannot answer"
    )

    for text, network in (("@cuedesk who won?", "x"), ("Who scored?", "bluesky")):
        page.locator("#feed .mention", has_text=text).click()
        page.keyboard.press("r")
        expect(page.locator("#composer-text")).to_be_focused()
        page.keyboard.type(f"Thanks on {network}!")
        page.keyboard.press("Control+Enter")
        reply = page.locator("#feed .mention", has_text=text).locator(".m-reply")
        expect(reply).to_have_attribute("data-status", "published")
    assert len(x.posts) == 1 and x.posts[0]["text"] == "Thanks on x!"
    assert len(bluesky.records) == 1
    # The meter moved: X's own headers now count the post (and the token check before it).
    expect(meter).to_contain_text(re.compile(r"\b[1-9]\d*/100 "))


def test_a_token_x_refuses_shows_on_the_reply_and_on_the_account(
    page: Page, server: LiveServer, fakes: Any
) -> None:
    x = fakes[0]
    x.access_tokens.clear()
    x.refresh_tokens.clear()
    event_id = make_event(server, "Semi", status="live")
    ingest(server, event_id, [mention("11", "@cuedesk and now?")])
    open_event(page, server, event_id, "olive")
    page.locator("#feed .mention", has_text="and now?").click()
    page.keyboard.press("r")
    page.keyboard.type("Soon!")
    page.keyboard.press("Control+Enter")
    reply = page.locator("#feed .mention", has_text="and now?").locator(".m-reply")
    expect(reply).to_have_attribute("data-status", "failed")
    expect(reply).to_contain_text("refused the account's token")

    page.context.clear_cookies()
    page.goto(f"{server.url}/login?next=/accounts")
    log_in(page, "ada")
    expect(page).to_have_url(f"{server.url}/accounts", timeout=20_000)
    expect(row(page, "X")).to_have_attribute("data-status", "refused")
    expect(row(page, "X")).to_contain_text("Refused: X refused the account's token")


def test_the_admin_connects_mastodon_through_its_servers_consent_page(
    page: Page, server: LiveServer, mastodon_fake: tuple[FakeMastodon, str]
) -> None:
    mastodon, mastodon_url = mastodon_fake
    page.goto(f"{server.url}/login?next=/accounts")
    log_in(page, "ada")
    expect(page).to_have_url(f"{server.url}/accounts", timeout=20_000)

    # The server declines first: the page says so, and no account is left behind.
    mastodon.consent = "deny"
    page.fill("#mastodon-server", mastodon_url)
    page.click("#mastodon-connect")
    page.wait_for_url("**/accounts?mastodon_error=*")
    expect(page.locator("#accounts-status")).to_have_text(
        f"Mastodon did not connect: the consent was declined on {mastodon_url}: "
        "Cuedesk was given no access"
    )
    expect(row(page, "Mastodon")).to_have_count(0)

    # Then it says yes: back here, connected, counting as the server does.
    mastodon.consent = "allow"
    page.fill("#mastodon-server", mastodon_url)
    page.click("#mastodon-connect")
    page.wait_for_url("**/accounts?connected=*")
    expect(row(page, "Mastodon")).to_contain_text("@cuedesk")
    expect(row(page, "Mastodon")).to_contain_text("statuses up to 1,000 characters")
    assert len(mastodon.oauth.registrations) == 1  # once for the server, reused
