"""Flood collapse in Chromium: a wave of reposts of one post shows as one row with its
count and a few authors, opens to the list by click or `e`, and the row claims the post; in
Queue mode the wave is one entry too, and "claim next" hands out the post, not a repost."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.console.helpers import LiveServer, ingest, make_event, mention, open_event

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)


def repost(n: int, followers: int = 10) -> dict[str, object]:
    return mention(
        str(2000 + n),
        "",
        author={"handle": f"fan{n}", "name": f"Fan {n}", "followers": followers},
        repost_of_id="1000",
    )


def test_a_flood_of_reposts_shows_as_one_row_with_its_count(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Flood night", hashtags=["Flood"], status="live")
    ingest(server, event_id, [mention("1000", "Penalty saved! #Flood")])
    open_event(page, server, event_id)
    feed = page.locator("#feed .mention")
    expect(feed).to_have_count(1)
    first_seq = feed.first.get_attribute("data-seq")

    # Live: forty reposts of it arrive, in a few batches, with one unrelated mention.
    for start in range(0, 40, 10):
        ingest(server, event_id, [repost(n) for n in range(start, start + 10)])
    ingest(server, event_id, [mention("3000", "Who is the referee tonight? #Flood")])

    expect(feed).to_have_count(2)
    group = page.locator("#feed .mention[data-flood]")
    expect(group).to_have_attribute("data-flood", "41")
    toggle = group.locator("button.m-flood-toggle")
    expect(toggle).to_have_text("\u00d741 · @ana, @fan0, @fan1 and 38 more")
    expect(group.locator(".m-text")).to_have_text("Penalty saved! #Flood")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(group.locator(".m-flood-member")).to_have_count(41)
    toggle.click()
    expect(group.locator(".m-flood-member")).to_have_count(0)

    # From the keyboard: select the group's row (j, j) and open it with e.
    page.mouse.move(2, 2)
    page.locator("#feed").focus()
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(group).to_have_class(re.compile(r"\bis-selected\b"))
    page.keyboard.press("e")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(group.locator(".m-flood-member")).to_have_count(41)

    # Triage acts on the row's post, the group's first mention.
    page.keyboard.press("c")
    expect(group).to_have_class(re.compile(r"\bis-mine\b"))
    assert group.get_attribute("data-seq") == first_seq


def test_the_queue_lists_a_flood_once_and_claim_next_takes_its_post(
    page: Page, server: LiveServer
) -> None:
    event_id = make_event(server, "Flood queue", hashtags=["Flood"], status="live")
    open_event(page, server, event_id)
    page.keyboard.press("q")
    expect(page.get_by_role("button", name="Queue")).to_have_attribute("aria-pressed", "true")

    # The reposts' authors outrank the post's: one by one they would all come before it.
    ingest(server, event_id, [mention("1000", "Penalty saved! #Flood")])
    for start in range(0, 40, 10):
        ingest(server, event_id, [repost(n, 10**6) for n in range(start, start + 10)])
    ingest(server, event_id, [mention("3000", "Who is the referee tonight? #Flood")])

    feed = page.locator("#feed .mention")
    expect(feed).to_have_count(2)
    expect(feed.first.locator(".m-text")).to_have_text("Who is the referee tonight? #Flood")
    group = feed.nth(1)
    expect(group).to_have_attribute("data-flood", "41")
    expect(group.locator(".m-text")).to_have_text("Penalty saved! #Flood")
    toggle = group.locator("button.m-flood-toggle")
    expect(toggle).to_have_text("\u00d741 · @ana, @fan0, @fan1 and 38 more")
    toggle.click()
    expect(group.locator(".m-flood-member")).to_have_count(41)
    toggle.click()
    expect(group.locator(".m-flood-member")).to_have_count(0)

    page.mouse.move(2, 2)
    page.locator("#feed").focus()
    for text in ("Who is the referee tonight? #Flood", "Penalty saved! #Flood"):
        page.keyboard.press("n")
        expect(page.locator("#composer-quote")).to_have_text(text)
        page.keyboard.type("Thanks!")
        page.keyboard.press("Control+Enter")
        expect(page.locator("#composer")).to_be_hidden()
        expect(feed.locator(".m-text", has_text=text)).to_have_count(0)
    # The reposts were answered with their post: nothing waits, here or for claim next.
    expect(feed).to_have_count(0)
    expect(page.locator("#feed-empty")).to_contain_text("Nothing is waiting")
    page.keyboard.press("n")
    expect(page.locator("#triage-status")).to_contain_text("Nothing is waiting")
