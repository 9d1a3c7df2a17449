"""The console in a real headless Chromium against a real server: login, the event list, and
the event page showing mentions as they are ingested, escaped and highlighted.

The live feed's harder cases (a flood, a cut connection, pause, presence) are in
``test_feed_browser.py``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.console.helpers import LiveServer, ingest, log_in, make_event, mention, open_event

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)


def test_a_wrong_password_shows_the_error(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")

    log_in(page, password="not the password")

    expect(page.locator("#login-error")).to_have_text("Wrong username or password.")
    expect(page).to_have_url(f"{server.url}/login")
    expect(page.get_by_label("Password")).to_be_focused()


def test_login_event_list_and_live_feed(page: Page, server: LiveServer) -> None:
    event_id = make_event(
        server, "Cup Final", hashtags=["CupFinal"], status="live", starts_at="2026-02-08T20:00:00Z"
    )
    ingest(server, event_id, [mention("1", "Kickoff! #CupFinal"), mention("2", "What a save")])

    page.goto(f"{server.url}/login")
    log_in(page)
    expect(page).to_have_url(f"{server.url}/")
    expect(page.get_by_role("heading", name="Events")).to_be_visible()
    expect(page.locator(".who-name")).to_have_text("Olive")
    card = page.locator(".event-card", has_text="Cup Final")
    # Rendered in UTC by the server, then shown in the browser's zone (UTC here) and locale.
    expect(card.locator("time")).to_have_text(re.compile(r"^Sun.*8 Feb 2026.*20:00$"))
    page.get_by_role("link", name="Cup Final").click()

    expect(page).to_have_url(f"{server.url}/events/{event_id}")
    expect(page.locator("#conn-text")).to_have_text("Live")
    page.mouse.move(2, 2)
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


def test_the_header_follows_event_updates(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Semi Final", hashtags=["Semi"], status="scheduled")
    open_event(page, server, event_id)

    with server.api() as api:
        response = api.patch(
            f"/api/events/{event_id}",
            json={"name": "Semi Final (extra time)", "hashtags": ["Semi", "ET"], "status": "live"},
        )
    assert response.status_code == 200, response.text
    ingest(server, event_id, [mention("9", "Extra time! #ET #Semi")])

    expect(page.locator("#event-name")).to_have_text("Semi Final (extra time)")
    expect(page.locator("#event-hashtags li")).to_have_text(["#Semi", "#ET"])
    expect(page.locator("#event-status")).to_have_text("live")
    expect(page.locator("#event-status")).to_have_class("status status-live")
    expect(page).to_have_title("Semi Final (extra time) · Cuedesk")
    # Mentions after the change highlight the new hashtag as the event's own.
    expect(page.locator(".mention .m-tag-tracked")).to_have_text(["#ET", "#Semi"])


def test_login_returns_to_the_page_asked_for(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Awards Gala", hashtags=["Gala"])

    page.goto(f"{server.url}/events/{event_id}")
    expect(page).to_have_url(f"{server.url}/login?next=/events/{event_id}")
    log_in(page)

    expect(page).to_have_url(f"{server.url}/events/{event_id}")
    expect(page.locator("#event-name")).to_have_text("Awards Gala")
    expect(page.locator("#feed-empty")).to_have_text(
        "No mentions yet. They appear here as they arrive."
    )


def test_logout_ends_the_session(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")
    log_in(page)
    expect(page).to_have_url(f"{server.url}/")
    page.wait_for_load_state("domcontentloaded")

    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(f"{server.url}/login")
    page.goto(f"{server.url}/")
    expect(page).to_have_url(f"{server.url}/login?next=/")
