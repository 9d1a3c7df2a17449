"""The desk as columns in Chromium: the feed, the claims and the show side by side at
1600x1000, each reached by its key, and the show clock once the event is on air."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.events.models import Event
from app.journal import service as journal
from tests.console.conftest import Tabs
from tests.console.helpers import LiveServer, ingest, make_event, mention, open_event

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def test_three_columns_side_by_side_at_1600_each_focused_by_its_key(
    tabs: Tabs, server: LiveServer
) -> None:
    event_id = make_event(server, "Columns night", status="live")
    ingest(server, event_id, [mention(str(n), f"Row {n}") for n in range(1, 4)])
    page = tabs.open(width=1600, height=1000)
    open_event(page, server, event_id)

    feed, claims, show = (_box(page, s) for s in ("#feed-wrap", "#claims-column", "#show-column"))
    # Side by side: one row, left to right, none over another, each a usable width.
    assert feed["x"] + feed["width"] <= claims["x"] and claims["x"] + claims["width"] <= show["x"]
    assert abs(feed["y"] - claims["y"]) < 2 and abs(claims["y"] - show["y"]) < 2
    assert min(feed["width"], claims["width"], show["width"]) >= 280
    assert show["x"] + show["width"] <= 1600

    if shot := os.environ.get("CUEDESK_DESK_SCREENSHOT"):
        page.screenshot(path=shot)
    page.keyboard.press("2")
    expect(page.locator("#claims-column")).to_be_focused()
    page.keyboard.press("3")
    # The column, or its first control once the cue sheet has buttons (docs/frontend.md).
    expect(page.locator("#show-column:focus, #show-column :focus")).to_have_count(1)
    page.keyboard.press("1")
    expect(page.locator("#feed")).to_be_focused()
    # The feed's keys work from there as before.
    page.keyboard.press("j")
    expect(page.locator(".mention.is-selected")).to_have_count(1)


def test_a_narrow_window_keeps_the_feed_beside_the_claims_with_the_show_below(
    tabs: Tabs, server: LiveServer
) -> None:
    event_id = make_event(server, "Laptop night", status="live")
    page = tabs.open(width=1100, height=760)
    open_event(page, server, event_id)

    feed, claims, show = (_box(page, s) for s in ("#feed-wrap", "#claims-column", "#show-column"))
    assert feed["x"] + feed["width"] <= claims["x"]
    assert abs(claims["x"] - show["x"]) < 2 and claims["y"] + claims["height"] <= show["y"]
    page.keyboard.press("3")
    # The column, or its first control once the cue sheet has buttons (docs/frontend.md).
    expect(page.locator("#show-column:focus, #show-column :focus")).to_have_count(1)


def test_the_team_claims_show_who_holds_what_and_how_long_it_waited(
    tabs: Tabs, server: LiveServer
) -> None:
    event_id = make_event(server, "Team night", status="live")
    ingest(server, event_id, [mention("1", "First one")])
    olive = tabs.open(width=1600, height=1000)
    open_event(olive, server, event_id)
    quinn = tabs.open(width=1600, height=1000)
    open_event(quinn, server, event_id, username="quinn")

    olive.keyboard.press("j")
    olive.keyboard.press("c")

    row = quinn.locator("#team-claims-list .team-claim")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("@ana")
    expect(row).to_contain_text("Held by Olive")
    expect(row.locator(".claim-left")).to_have_text(re.compile(r"^waiting \d+:\d\d(:\d\d)?$"))
    expect(olive.locator("#team-claims-list .team-claim")).to_contain_text("Held by You")

    olive.keyboard.press("Escape")
    expect(row).to_have_count(0)
    expect(quinn.locator("#team-claims-empty")).to_be_visible()


async def _go_on_air(event_id: int, at: datetime, *, server: LiveServer) -> None:
    """As POST …/on-air will (built in parallel): the column and the journal entry."""
    async with server.app.state.db.transaction() as session:
        event = await session.get(Event, event_id)
        assert event is not None
        previous = event.on_air_at
        event.on_air_at = at
        session.add(event)
        await journal.append(
            session,
            event_id,
            "event.on_air",
            {
                "on_air_at": at.isoformat(),
                "previous_on_air_at": previous.isoformat() if previous else None,
            },
            "pat",
        )


def test_the_show_clock_appears_when_the_event_goes_on_air(tabs: Tabs, server: LiveServer) -> None:
    event_id = make_event(server, "Clock night", status="live")
    page = tabs.open(width=1600, height=1000)
    open_event(page, server, event_id)
    expect(page.locator("#wall-clock")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    expect(page.locator("#show-offset")).to_be_hidden()

    on_air = datetime.now(UTC) - timedelta(minutes=42, seconds=17)
    server.run(_go_on_air(event_id, on_air, server=server))

    expect(page.locator("#show-offset")).to_have_text(re.compile(r"^T\+00:42:1[7-9]$"))
    expect(page.locator("#show-col-offset")).to_have_text(re.compile(r"^T\+00:42:\d\d$"))
    # A reload reads it from the event.
    page.reload()
    expect(page.locator("#show-offset")).to_have_text(re.compile(r"^T\+00:42:\d\d$"))
