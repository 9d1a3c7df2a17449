"""Setting up the night in Chromium, with no API call or command line: a producer creates an
event, starts the simulator and sees mentions arrive on the desk; an admin creates a user,
who then logs in; an admin changes roles, locks a user out and sets a new password."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from app.auth import service as auth
from tests.conftest import PASSWORD
from tests.console.conftest import Tabs
from tests.console.helpers import LiveServer, log_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)


def _log_in_at(page: Page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{server.url}/login")
    log_in(page, username, password)
    expect(page).to_have_url(f"{server.url}/")


def _open_new_event(page: Page) -> None:
    """The form is open when there is no event yet, a click away otherwise."""
    if not page.locator("#new-event").evaluate("details => details.open"):
        page.get_by_text("New event").click()


def test_a_producer_creates_an_event_and_starts_the_simulator_from_the_browser(
    tabs: Tabs, server: LiveServer
) -> None:
    page = tabs.open(width=1600, height=1000)
    _log_in_at(page, server, "pat")

    _open_new_event(page)
    form = page.locator("#new-event-form")
    form.get_by_label("Name").fill("Browser Final")
    form.get_by_label("Hashtags").fill("#BrowserFinal, final")
    form.get_by_label("Keywords").fill("penalty kick\nred card")
    form.get_by_label("Mastodon").uncheck()
    form.get_by_label("Planned start").fill("2026-02-08T20:00")
    form.get_by_role("button", name="Create the event").click()

    expect(page).to_have_url(re.compile(r"/events/(\d+)/settings$"))
    event_id = int(page.url.rsplit("/", 2)[-2])
    with server.api() as api:
        event = api.get(f"/api/events/{event_id}").json()
    assert event["name"] == "Browser Final"
    assert event["hashtags"] == ["BrowserFinal", "final"]
    assert event["keywords"] == ["penalty kick", "red card"]
    assert event["networks"] == ["x", "bluesky"]
    # Typed in the browser's zone (UTC here), sent with its offset.
    assert event["starts_at"] == "2026-02-08T20:00:00.000Z"
    expect(page.locator("#event-name")).to_have_value("Browser Final")

    # Edits go as a PATCH of what changed.
    page.locator("#event-name").fill("Browser Cup Final")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#event-form-saved")).to_have_text("Saved.")
    expect(page.locator("#settings-title")).to_have_text("Browser Cup Final")

    page.get_by_label("VIP handles").fill("x:@Ana\n@bob")
    page.get_by_role("button", name="Save VIPs").click()
    expect(page.locator("#vips-saved")).to_have_text("Saved: 2 added, 0 removed.")
    expect(page.get_by_label("VIP handles")).to_have_value("x:@ana\n@bob")

    page.get_by_label("Mentions per second").fill("20")
    page.get_by_label("Seed").fill("3")
    page.get_by_role("button", name="Start the simulator").click()
    row = page.locator("#sources-list tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("simulator")
    expect(row).to_contain_text("running")
    if shot := os.environ.get("CUEDESK_SETUP_SCREENSHOT"):
        page.screenshot(path=shot, full_page=True)

    page.get_by_role("link", name="Back to the desk").click()
    expect(page).to_have_url(f"{server.url}/events/{event_id}")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    page.mouse.move(2, 2)
    expect(page.locator("#feed .mention").first).to_be_visible()

    page.goto(f"{server.url}/events/{event_id}/settings")
    page.get_by_role("button", name="Stop").click()
    expect(row).to_contain_text("stopped")
    expect(page.get_by_role("button", name="Stop")).to_have_count(0)


def test_a_refused_event_says_why_and_keeps_what_was_typed(tabs: Tabs, server: LiveServer) -> None:
    page = tabs.open()
    _log_in_at(page, server, "pat")
    _open_new_event(page)
    form = page.locator("#new-event-form")
    form.get_by_label("Name").fill("Backwards night")
    form.get_by_label("Planned start").fill("2026-02-08T22:00")
    form.get_by_label("Planned end").fill("2026-02-08T20:00")
    form.get_by_role("button", name="Create the event").click()

    expect(page.locator("#new-event-error")).to_contain_text("ends_at must not be before starts_at")
    expect(form.get_by_label("Name")).to_have_value("Backwards night")


def test_an_admin_creates_a_user_who_then_logs_in(tabs: Tabs, server: LiveServer) -> None:
    server.run(_make_admin(server))
    admin = tabs.open()
    _log_in_at(admin, server, "ada")
    admin.get_by_role("link", name="Users").click()
    expect(admin).to_have_url(f"{server.url}/users")

    form = admin.locator("#new-user-form")
    form.get_by_label("Username").fill("nina")
    form.get_by_label("Display name").fill("Nina")
    form.get_by_label("Password").fill("a long enough password 1")
    form.get_by_label("Role").select_option("operator")
    form.get_by_role("button", name="Create the user").click()
    expect(admin.locator("#users-status")).to_have_text("nina can log in now, as operator.")
    nina_row = admin.locator('#users-list tr[data-username="nina"]')
    expect(nina_row).to_contain_text("active")

    nina = tabs.open()
    _log_in_at(nina, server, "nina", "a long enough password 1")
    expect(nina.locator(".who-name")).to_have_text("Nina")
    expect(nina.get_by_role("link", name="Users")).to_have_count(0)

    # A producer now; then locked out; then back with a new password.
    nina_row.get_by_label("Role of nina").select_option("producer")
    expect(admin.locator("#users-status")).to_have_text("nina is now producer.")
    nina_row.get_by_role("button", name="Deactivate").click()
    expect(nina_row).to_contain_text("deactivated")
    nina.reload()
    expect(nina).to_have_url(re.compile(r"/login"))
    nina_row.get_by_role("button", name="Reactivate").click()
    expect(nina_row.get_by_role("button", name="Deactivate")).to_be_visible()
    nina_row.get_by_label("New password for nina").fill("another long password 2")
    nina_row.get_by_role("button", name="Set password").click()
    expect(admin.locator("#users-status")).to_contain_text("New password set for nina")

    fresh = tabs.open()
    _log_in_at(fresh, server, "nina", "another long password 2")
    expect(fresh.locator(".role")).to_have_text("producer")


async def _make_admin(server: LiveServer) -> None:
    async with server.app.state.db.transaction() as session:
        if await auth.find_login_user(session, "ada") is None:
            await auth.create_user(
                session, username="ada", password=PASSWORD, role="admin", display_name="Ada"
            )
