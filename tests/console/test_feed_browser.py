"""The live feed in Chromium over the real websocket: a simulated audience arriving in seq
order, a connection cut while mentions keep coming (nothing missing, nothing doubled),
pause with its "N new" count, filters and keys, and who else is on the desk.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import Tabs, run_server
from tests.console.helpers import (
    LiveServer,
    ingest,
    make_event,
    mention,
    newest_mentions,
    open_event,
    record_states,
    rendered,
    seen_states,
    start_simulator,
    stop_simulator,
    wait_until_settled,
)

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

ROWS = 300


@pytest.fixture(scope="module")
def server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Flood collapse off: these tests hold each row to one mention of the journal, and the
    simulator's reposts would join their posts' rows (tests/console/test_flood_browser.py)."""
    folder = tmp_path_factory.mktemp("browser")
    with run_server(sqlite_template, folder, flood_collapse=False) as live:
        yield live


# Set to a path (e.g. docs/screenshot-feed.png) to keep the screenshot of the live feed; the
# wait is then long enough for the rate's sparkline to fill its minute.
SCREENSHOT = os.environ.get("CUEDESK_SCREENSHOT", "")


def assert_matches_the_journal(page: Page, server: LiveServer, event_id: int) -> None:
    """Once the source has stopped: the rows are exactly the newest mentions, in order."""
    wait_until_settled(server, event_id)
    newest = newest_mentions(server, event_id, 1)[0]
    page.wait_for_function(
        "seq => Number(document.querySelector('#feed .mention')?.dataset.seq) === seq",
        arg=newest["seq"],
    )
    rows = rendered(page)
    expected = newest_mentions(server, event_id, len(rows))
    assert rows == [{"seq": m["seq"], "id": m["id"]} for m in expected]


def test_mentions_arrive_live_in_seq_order(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Derby", hashtags=["Derby"], status="live")
    source = start_simulator(server, event_id, rate=200)
    try:
        open_event(page, server, event_id)
        first_top = rendered(page)[0]["seq"]
        page.wait_for_function(
            "seq => Number(document.querySelector('#feed .mention').dataset.seq) > seq",
            arg=first_top + 400,
        )
        expect(page.locator("#feed .mention")).to_have_count(ROWS)
        page.keyboard.press(" ")
        expect(page.locator("#feed-new-count")).to_have_text(re.compile(r"^[\d,]+ new$"))
        rows = rendered(page)
        expect(page.locator("#rate-value")).not_to_have_text("0")
    finally:
        stop_simulator(server, event_id, source)

    seqs = [row["seq"] for row in rows]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == ROWS
    with server.api() as api:
        answer = api.get(
            f"/api/events/{event_id}/mentions", params={"before_seq": seqs[0] + 1, "limit": ROWS}
        )
    assert rows == [{"seq": m["seq"], "id": m["id"]} for m in answer.json()["items"]]


def test_a_dropped_socket_catches_up_with_nothing_missing_or_doubled(
    page: Page, server: LiveServer
) -> None:
    event_id = make_event(server, "Quarter Final", hashtags=["QF"], status="live")
    source = start_simulator(server, event_id, rate=40)
    try:
        open_event(page, server, event_id)
        expect(page.locator("#feed .mention").first).to_be_visible()
        record_states(page)

        page.evaluate("window.cuedeskTest.dropConnection()")
        page.wait_for_function(
            "() => seenStates.includes('reconnecting') && seenStates.at(-1) === 'live'"
        )
        time.sleep(1)
    finally:
        stop_simulator(server, event_id, source)

    assert seen_states(page) == ["live", "reconnecting", "live"]
    assert_matches_the_journal(page, server, event_id)


def test_offline_shows_and_the_feed_catches_up_when_back(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Final", hashtags=["Final"], status="live")
    source = start_simulator(server, event_id, rate=40)
    try:
        open_event(page, server, event_id)
        expect(page.locator("#feed .mention").first).to_be_visible()
        record_states(page)

        page.context.set_offline(True)
        expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
        expect(page.locator("#conn-text")).to_have_text("Offline")
        top = rendered(page)[0]["seq"]
        time.sleep(2.5)  # ~100 mentions the console does not hear about
        assert rendered(page)[0]["seq"] == top, "the socket stayed open while offline"
        page.context.set_offline(False)
        expect(page.locator("#conn")).to_have_attribute("data-state", "live")
        page.wait_for_function(
            "seq => Number(document.querySelector('#feed .mention').dataset.seq) > seq + 80",
            arg=top,
        )
    finally:
        stop_simulator(server, event_id, source)

    assert seen_states(page)[:2] == ["live", "offline"] and seen_states(page)[-1] == "live"
    assert_matches_the_journal(page, server, event_id)


def test_pause_counts_what_arrives_and_resume_shows_it(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Gala", hashtags=["Gala"], status="live")
    ingest(server, event_id, [mention("1", "one"), mention("2", "two")])
    open_event(page, server, event_id)
    texts = page.locator("#feed .mention .m-text")
    expect(texts).to_have_text(["two", "one"])
    new_button = page.locator("#feed-new")

    page.keyboard.press(" ")
    expect(page.locator("#pause")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#feed-new-count")).to_have_text("Paused")
    ingest(server, event_id, [mention("3", "three"), mention("4", "four"), mention("5", "five")])
    expect(page.locator("#feed-new-count")).to_have_text("3 new")
    expect(texts).to_have_text(["two", "one"])

    new_button.click()
    expect(texts).to_have_text(["five", "four", "three", "two", "one"])
    expect(new_button).to_be_hidden()
    expect(page.locator("#pause")).to_have_attribute("aria-pressed", "false")

    # The pointer that clicked "resume" rests on the list without freezing it again...
    page.locator("#feed .mention").nth(2).hover()
    expect(new_button).to_be_hidden()
    # ...but a pointer that comes onto the list holds it still while it is there.
    page.mouse.move(2, 2)
    page.locator("#feed .mention").nth(2).hover()
    expect(new_button).to_be_visible()
    ingest(server, event_id, [mention("6", "six")])
    expect(page.locator("#feed-new-count")).to_have_text("1 new")
    expect(texts).to_have_count(5)
    page.mouse.move(2, 2)
    expect(texts.first).to_have_text("six")
    expect(new_button).to_be_hidden()

    page.get_by_role("button", name="Pause").click()
    ingest(server, event_id, [mention("7", "seven")])
    expect(page.locator("#feed-new-count")).to_have_text("1 new")
    page.locator("#pause").click()
    expect(texts.first).to_have_text("seven")


def test_filters_search_and_keys(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Copa", hashtags=["Copa"], status="live")
    fans = {"verified": False, "followers": 50}
    ingest(
        server,
        event_id,
        [
            mention("1", "Goal by Silva", lang="en"),
            mention("2", "Golaço do Brasil", network="mastodon", lang="pt-BR",
                    author={"handle": "rui@masto.example", "name": "Rui", **fans}),
            mention("3", "What a save", network="bluesky", lang="en",
                    author={"handle": "zoe.bsky.social", "name": "Zoé", "followers": 2_000_000}),
            mention("4", "Quel but", lang="fr", author={"handle": "luc", "name": "Luc", **fans}),
        ],
    )  # fmt: skip
    open_event(page, server, event_id)
    texts = page.locator("#feed .mention .m-text")
    expect(texts).to_have_count(4)
    search = page.locator("#filter-q")

    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("gola")
    expect(texts).to_have_text(["Golaço do Brasil"])
    page.keyboard.type("ço BRÁSIL")  # every word, any case, accents ignored
    expect(texts).to_have_text(["Golaço do Brasil"])
    page.keyboard.press("Escape")
    expect(search).not_to_be_focused()
    search.fill("")
    expect(texts).to_have_count(4)

    page.locator(".net-toggle-x").click()
    expect(texts).to_have_text(["What a save", "Golaço do Brasil"])
    page.locator("#filter-verified").check()
    expect(page.locator("#feed-empty")).to_have_text("No mention matches these filters.")
    page.locator("#filter-verified").uncheck()
    page.locator("#filter-followers").select_option("1000000")
    expect(texts).to_have_text(["What a save"])
    page.locator("#filter-followers").select_option("0")
    page.locator(".net-toggle-x").click()
    page.locator("#filter-lang").select_option(label="Portuguese")
    expect(texts).to_have_text(["Golaço do Brasil"])
    # Filters apply to what arrives, too.
    ingest(server, event_id, [mention("5", "Que jogo!", lang="pt"), mention("6", "What a game")])
    expect(texts).to_have_text(["Que jogo!", "Golaço do Brasil"])
    page.locator("#filter-lang").select_option("")
    expect(texts).to_have_count(6)
    page.keyboard.press("Escape")  # from the filters back to the feed, where j and k work
    expect(page.locator("#feed")).to_be_focused()

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    selected = page.locator("#feed .mention.is-selected")
    expect(selected).to_have_count(1)
    expect(selected.locator(".m-text")).to_have_text("Que jogo!")
    expect(selected).to_be_focused()
    # Reading a row holds the list: what arrives now waits behind the counter.
    ingest(server, event_id, [mention("7", "Late one")])
    expect(page.locator("#feed-new-count")).to_have_text("1 new")
    page.keyboard.press("Escape")
    expect(selected).to_have_count(0)
    expect(texts.first).to_have_text("Late one")


def test_j_scrolls_the_selection_into_view(tabs: Tabs, server: LiveServer) -> None:
    page = tabs.open(height=600)
    event_id = make_event(server, "Long night", status="live")
    ingest(server, event_id, [mention(str(n), f"Mention number {n}") for n in range(1, 41)])
    open_event(page, server, event_id)
    expect(page.locator("#feed .mention")).to_have_count(40)

    for _ in range(30):  # the first press picks the top row, 29 more go down
        page.keyboard.press("j")

    selected = page.locator("#feed .mention.is-selected")
    expect(selected.locator(".m-text")).to_have_text("Mention number 11")
    expect(selected).to_be_in_viewport()


def test_each_sees_who_else_is_online_and_what_they_look_at(tabs: Tabs, server: LiveServer) -> None:
    event_id = make_event(server, "Open Day", status="live")
    ingest(server, event_id, [mention("1", "first"), mention("2", "second")])
    olive, pat = tabs.open(), tabs.open()
    open_event(olive, server, event_id, "olive")
    open_event(pat, server, event_id, "pat")

    for tab in (olive, pat):
        expect(tab.locator("#presence-count")).to_have_text("2 online")
        expect(tab.locator("#presence-list .person-name")).to_have_text(["Olive", "Pat"])
    olive_on_pat = pat.locator('.person[data-username="olive"]')
    expect(olive_on_pat).to_have_attribute("title", re.compile(r"^Olive \(operator\) · 1 console"))
    expect(olive_on_pat).to_have_attribute("title", re.compile("viewing the feed$"))

    olive.keyboard.press("j")
    second = newest_mentions(server, event_id, 1)[0]
    expect(olive_on_pat).to_have_attribute("title", re.compile(f"viewing mention {second['id']}$"))
    expect(pat.locator(f'.mention[data-id="{second["id"]}"] .m-viewers')).to_have_text("👁 Olive")

    olive.context.close()
    expect(pat.locator("#presence-count")).to_have_text("1 online")
    expect(pat.locator(f'.mention[data-id="{second["id"]}"] .m-viewers')).to_have_text("")


def test_screenshot_of_the_live_feed(tabs: Tabs, server: LiveServer, tmp_path: Path) -> None:
    event_id = make_event(server, "Cup Final", hashtags=["CupFinal", "Football"], status="live")
    source = start_simulator(server, event_id, rate=50)
    try:
        pat = tabs.open()
        open_event(pat, server, event_id, "pat")
        pat.keyboard.press("j")
        page = tabs.open(width=1280, height=800)
        open_event(page, server, event_id)
        expect(page.locator("#presence-count")).to_have_text("2 online")
        time.sleep(62 if SCREENSHOT else 3)
        path = Path(SCREENSHOT) if SCREENSHOT else tmp_path / "screenshot-feed.png"
        page.screenshot(path=str(path))
        expect(page.locator("#feed .mention")).to_have_count(ROWS)
    finally:
        stop_simulator(server, event_id, source)
    assert path.stat().st_size > 10_000
