"""The replay in Chromium: open an evening, scrub to its spike, play at 60x and watch the
feed follow; a producer's bookmark opens the same instant from its URL."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from app.events.models import Event
from app.journal import service as journal
from app.journal.models import JournalEntry
from tests.console.helpers import LiveServer, ingest, log_in, make_event, mention

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

ON_AIR = datetime(2026, 2, 8, 20, 0, tzinfo=UTC)
# Mentions in each minute of the evening: quiet, then a spike at T+10, then quiet again.
MINUTES = [20] * 10 + [400] + [20] * 4
# Set to a path (e.g. docs/screenshot-replay.png) to keep a screenshot of the replay.
SCREENSHOT = os.environ.get("CUEDESK_SCREENSHOT", "")


async def spread_over_the_evening(server: LiveServer, event_id: int, ends: list[int]) -> None:
    """Give each minute's entries that minute's time (ingest stamps them all "now"), add a
    cue fired and a post published in the spike's minute, and put the show on air."""
    database = server.app.state.db
    entries = JournalEntry.__table__  # type: ignore[attr-defined]
    async with database.transaction() as session:
        post = {"id": 1, "network": "x", "text": "GOAL!", "status": "published"}
        first = await journal.append(session, event_id, "cue.fired", {"cue_id": 3})
        await journal.append(session, event_id, "post.published", {"post": post})
        start = 0
        for minute, end in enumerate(ends):
            at = ON_AIR + timedelta(minutes=minute)
            for offset, seq in enumerate(range(start + 1, end + 1)):
                step = timedelta(seconds=59 * offset / max(end - start, 1))
                await session.execute(
                    update(entries)
                    .where(entries.c.event_id == event_id, entries.c.seq == seq)
                    .values(at=at + step)
                )
            start = end
        spike_at = ON_AIR + timedelta(minutes=10, seconds=30)
        await session.execute(
            update(entries)
            .where(entries.c.event_id == event_id, entries.c.seq >= first["seq"])
            .values(at=spike_at)
        )
        await session.execute(
            update(Event.__table__)  # type: ignore[attr-defined]
            .where(Event.__table__.c.id == event_id)  # type: ignore[attr-defined]
            .values(on_air_at=ON_AIR)
        )


def an_evening(server: LiveServer) -> tuple[int, int]:
    """The event, and the seq of the spike's first mention."""
    event_id = make_event(server, "Cup Final", hashtags=["CupFinal"])
    ends: list[int] = []
    sent = 0
    for count in MINUTES:
        ingest(
            server,
            event_id,
            [mention(str(sent + i), f"Mention {sent + i} #CupFinal") for i in range(count)],
        )
        sent += count
        with server.api() as api:
            ends.append(int(api.get(f"/api/events/{event_id}").json()["last_seq"]))
    # The event's creation is entry 1: it belongs to the first minute.
    server.run(spread_over_the_evening(server, event_id, ends))
    return event_id, ends[9] + 1


def top_seq(page: Page) -> int:
    return int(page.eval_on_selector("#replay-feed .mention", "row => Number(row.dataset.seq)"))


def test_scrub_to_the_spike_then_play_at_60x_and_the_feed_follows(
    page: Page, server: LiveServer
) -> None:
    event_id, spike_seq = an_evening(server)
    page.goto(f"{server.url}/login?next=/events/{event_id}/replay")
    log_in(page, "pat")
    replay = page.locator("#replay")
    expect(replay).to_have_attribute("data-seq", "0")
    expect(page.locator(".replay-marker.marker-cue")).to_contain_text("Cue 3 fired")
    expect(page.locator(".replay-marker.marker-post")).to_contain_text("GOAL!")
    spike = page.locator(".replay-marker.marker-spike")
    expect(spike).to_have_count(1)
    expect(spike).to_contain_text("T+00:10:00")
    spike.click()
    expect(replay).to_have_attribute("data-seq", str(spike_seq))
    assert top_seq(page) == spike_seq
    expect(page.locator("#replay-clock")).to_have_text("T+00:10:00")
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT)
    page.get_by_role("button", name="60x").click()
    expect(replay).to_have_attribute("data-playing", "true")
    # A minute of the evening a second: the spike's 400 mentions scroll by within seconds.
    page.wait_for_function(
        "seq => Number(document.querySelector('#replay-feed .mention')?.dataset.seq) > seq + 200",
        arg=spike_seq,
    )
    assert top_seq(page) <= int(replay.get_attribute("data-seq") or 0)
    page.get_by_role("button", name="Pause").click()
    expect(replay).to_have_attribute("data-playing", "false")


def test_a_bookmark_opens_its_instant_from_its_url(page: Page, server: LiveServer) -> None:
    event_id, spike_seq = an_evening(server)
    page.goto(f"{server.url}/login?next=/events/{event_id}/replay?seq={spike_seq}")
    log_in(page, "pat")
    replay = page.locator("#replay")
    expect(replay).to_have_attribute("data-seq", str(spike_seq))
    page.get_by_placeholder("Name this instant").fill("The goal")
    page.get_by_role("button", name="Bookmark").click()
    link = page.get_by_role("link", name="The goal")
    expect(link).to_have_attribute("href", f"/events/{event_id}/replay?seq={spike_seq}")
    page.goto(f"{server.url}/events/{event_id}/replay?seq=5")
    expect(replay).to_have_attribute("data-seq", "5")
    page.get_by_role("link", name="The goal").click()
    expect(replay).to_have_attribute("data-seq", str(spike_seq))
    assert top_seq(page) == spike_seq
