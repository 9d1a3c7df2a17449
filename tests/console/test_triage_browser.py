"""Triage in Chromium: two operators at one event in two browser contexts. A claim shows on
the other console within 0.3 s and refuses the other's claim, naming the holder; a reply
typed and sent with the keyboard alone is answered and published (dry-run) on both; the
half-typed reply survives a reload; n claims the next mention; saved replies go in with
alt+1; a claim taken over leaves the text on screen; f flags, t tags and shift+N notes a
mention for every console, and a producer takes a claim over with shift+C; q orders the
feed as the queue, by priority, and a claim leaves it on every console.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import Tabs
from tests.console.helpers import (
    LiveServer,
    ingest,
    make_event,
    mention,
    newest_mentions,
    open_event,
    rendered,
)

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

# Pushed, not polled: under the stream's 1 s journal poll, with room for a busy 2-core CI box.
# The 0.3 s promise itself is measured by bench/triage.py (docs/benchmarks.md), not here.
CLAIM_VISIBLE_MS = 900
TYPING_VISIBLE_MS = 900


def newest(server: LiveServer, event_id: int) -> dict[str, Any]:
    with server.api() as api:
        response = api.get(f"/api/events/{event_id}/mentions", params={"limit": 1})
    assert response.status_code == 200, response.text
    item: dict[str, Any] = response.json()["items"][0]
    return item


def row(page: Page, mention_id: int) -> Any:
    return page.locator(f'#feed .mention[data-id="{mention_id}"]')


def watch_row(page: Page, mention_id: int, slot: str, text: str) -> None:
    """Note the moment `text` first shows in the row's `slot` (Date.now(): the same machine
    clock as the other console's keypress) as `window.shownAt`."""
    page.evaluate(
        """([id, slot, text]) => {
            window.shownAt = null;
            const row = document.querySelector(`#feed .mention[data-id="${id}"]`);
            const check = () => {
                const shown = row.querySelector(slot)?.textContent ?? "";
                if (window.shownAt === null && shown.includes(text)) window.shownAt = Date.now();
            };
            new MutationObserver(check).observe(row, {
                subtree: true, childList: true, characterData: true,
            });
        }""",
        [mention_id, slot, text],
    )


def delay_ms(watcher: Page, presser: Page) -> int:
    watcher.wait_for_function("() => window.shownAt !== null")
    delay: int = watcher.evaluate("() => window.shownAt") - presser.evaluate(
        "() => window.pressedAt"
    )
    return delay


def note_keypress(page: Page, key: str) -> None:
    """Note the moment `key` goes down, before the page's own handler sees it."""
    page.evaluate(
        """key => {
            window.pressedAt = null;
            window.addEventListener("keydown", (event) => {
                if (event.key === key && window.pressedAt === null) window.pressedAt = Date.now();
            }, { capture: true });
        }""",
        key,
    )


def test_two_operators_claim_and_answer_with_the_keyboard(tabs: Tabs, server: LiveServer) -> None:
    event_id = make_event(server, "Cup Final", hashtags=["CupFinal"], status="live")
    ingest(server, event_id, [mention("1", "Kick-off!"), mention("2", "Who scored that?")])
    target = newest(server, event_id)
    olive, quinn = tabs.open(), tabs.open()
    open_event(olive, server, event_id, "olive")
    open_event(quinn, server, event_id, "quinn")
    on_olive, on_quinn = row(olive, target["id"]), row(quinn, target["id"])
    expect(on_quinn).to_be_visible()

    # Olive claims the top mention with c; Quinn's console shows it held by her.
    watch_row(quinn, target["id"], ".m-claim", "Held by Olive")
    note_keypress(olive, "c")
    olive.keyboard.press("j")
    expect(on_olive).to_have_class(re.compile(r"\bis-selected\b"))
    olive.keyboard.press("c")
    expect(on_olive.locator(".m-claim")).to_contain_text("You hold this")
    expect(on_quinn.locator(".m-claim")).to_contain_text("Held by Olive")
    delay = delay_ms(quinn, olive)
    print(f"\nclaim visible on the other console after {delay} ms")
    assert 0 <= delay <= CLAIM_VISIBLE_MS, f"the claim took {delay} ms to show on Quinn's console"
    expect(olive.locator("#claims-list .claim")).to_have_count(1)

    # Quinn tries too: refused, told who holds it, and it stays Olive's.
    quinn.keyboard.press("j")
    expect(on_quinn).to_have_class(re.compile(r"\bis-selected\b"))
    quinn.keyboard.press("c")
    status = quinn.locator("#triage-status")
    expect(status).to_contain_text(f"Mention {target['id']} is held by Olive until")
    expect(status).to_have_attribute("data-tone", "error")
    expect(on_quinn.locator(".m-claim")).to_contain_text("Held by Olive")
    expect(quinn.locator("#claims-list .claim")).to_have_count(0)
    expect(quinn.locator("#composer")).to_be_hidden()

    # Olive answers with the keyboard alone; Quinn sees her typing.
    olive.keyboard.press("r")
    reply_box = olive.locator("#composer-text")
    expect(reply_box).to_be_focused()
    expect(olive.locator("#composer-quote")).to_have_text("Who scored that?")
    watch_row(quinn, target["id"], ".m-typing", "Olive is typing")
    note_keypress(olive, "S")
    olive.keyboard.type("Silva, in the 89th minute! @ana")
    expect(olive.locator("#composer-count")).to_have_text(re.compile(r"^\d+ left$"))
    expect(on_quinn.locator(".m-typing")).to_have_text("Olive is typing…")
    delay = delay_ms(quinn, olive)
    print(f"typing visible on the other console after {delay} ms")
    assert 0 <= delay <= TYPING_VISIBLE_MS, f"typing took {delay} ms to show on Quinn's console"
    olive.keyboard.press("Control+Enter")

    expect(olive.locator("#composer")).to_be_hidden()
    for on_tab in (on_olive, on_quinn):
        expect(on_tab.locator(".m-state-replied")).to_have_text("Answered ✓")
        expect(on_tab.locator(".m-reply")).to_have_attribute("data-status", "published")
        expect(on_tab.locator(".m-reply-status")).to_have_text("Published (dry run)")
        expect(on_tab.locator(".m-claim")).to_have_text("")
    expect(on_quinn.locator(".m-typing")).to_have_text("")
    expect(olive.locator("#claims-list .claim")).to_have_count(0)
    with server.api() as api:
        replies = api.get(f"/api/mentions/{target['id']}/replies").json()["replies"]
    assert [(r["text"], r["status"], r["dry_run"]) for r in replies] == [
        ("Silva, in the 89th minute! @ana", "published", True)
    ]


def test_the_draft_survives_a_reload_and_esc_releases(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Semi Final", status="live")
    ingest(server, event_id, [mention("1", "Is the stream down?")])
    target = newest(server, event_id)
    open_event(page, server, event_id, "olive")

    page.keyboard.press("j")
    page.keyboard.press("r")  # claims it first, then opens the composer
    expect(page.locator("#composer-text")).to_be_focused()
    expect(row(page, target["id"]).locator(".m-claim")).to_contain_text("You hold this")
    page.keyboard.type("It is back up, sorry about")
    expect(page.locator("#composer-save-state")).to_have_text("Draft saved")

    page.reload()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    expect(page.locator("#composer")).to_be_visible()
    expect(page.locator("#composer-text")).to_have_value("It is back up, sorry about")
    expect(page.locator("#composer-text")).to_be_focused()
    expect(page.locator("#claims-list .claim")).to_have_count(1)
    expect(page.locator("#claims-list .claim-left")).to_have_text(re.compile(r"^\d:\d\d$"))

    page.keyboard.type(" that!")
    page.keyboard.press("Escape")
    expect(page.locator("#composer")).to_be_hidden()
    expect(page.locator("#claims-list .claim")).to_have_count(0)
    expect(row(page, target["id"]).locator(".m-claim")).to_have_text("")
    with server.api() as api:
        assert api.get(f"/api/mentions/{target['id']}").json()["claim"] is None


def test_n_claims_the_next_and_saved_replies_go_in_with_alt(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Final", status="live")
    ingest(server, event_id, [mention("1", "First one"), mention("2", "Second one")])
    with server.api() as api:
        saved = api.post(
            f"/api/events/{event_id}/saved-replies",
            json={"title": "Thanks", "text": "Thanks {handle}, glad you enjoyed it!"},
        )
    assert saved.status_code == 201, saved.text
    open_event(page, server, event_id, "olive")
    expect(page.locator("#feed .mention")).to_have_count(2)

    page.keyboard.press("n")
    selected = page.locator("#feed .mention.is-selected")
    expect(selected.locator(".m-claim")).to_contain_text("You hold this")
    expect(page.locator("#composer-text")).to_be_focused()
    expect(page.locator("#composer-quote")).to_have_text(selected.locator(".m-text").inner_text())
    expect(page.locator("#composer-template-list .template")).to_have_count(1)

    page.keyboard.type("Hi!")
    page.keyboard.press("Alt+1")
    expect(page.locator("#composer-text")).to_have_value("Hi! Thanks @ana, glad you enjoyed it!")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#composer")).to_be_hidden()
    expect(selected.locator(".m-state-replied")).to_have_text("Answered ✓")

    # The other mention is next; once both are answered nothing waits, and n says so.
    page.keyboard.press("n")
    expect(page.locator("#composer-quote")).to_have_text("Second one")
    expect(page.locator("#composer-text")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#composer")).to_be_hidden()
    page.keyboard.press("d")
    expect(page.locator("#feed .mention.is-selected .m-state-dismissed")).to_have_text("Dismissed")
    page.keyboard.press("n")
    expect(page.locator("#triage-status")).to_contain_text("Nothing is waiting")


def test_a_claim_taken_over_keeps_the_text_to_copy(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Derby", status="live")
    ingest(server, event_id, [mention("1", "Any news on the transfer?")])
    target = newest(server, event_id)
    open_event(page, server, event_id, "olive")
    page.keyboard.press("j")
    page.keyboard.press("r")
    page.keyboard.type("We cannot say yet, but")

    with server.api() as api:  # Pat, the producer, takes it over
        taken = api.post(f"/api/mentions/{target['id']}/claim", json={"take_over": True})
    assert taken.status_code == 200, taken.text

    notice = page.locator("#composer-notice")
    expect(notice).to_contain_text("Pat took over")
    expect(page.locator("#composer-text")).to_have_value("We cannot say yet, but")
    expect(page.locator("#composer-text")).to_have_attribute("readonly", "")
    expect(page.locator("#composer-send")).to_be_disabled()
    expect(row(page, target["id"]).locator(".m-claim")).to_contain_text("Held by Pat")
    expect(page.locator("#claims-list .claim")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.locator("#composer")).to_be_hidden()


def test_flag_tag_note_and_a_producer_takes_over_with_the_keys(
    tabs: Tabs, server: LiveServer
) -> None:
    event_id = make_event(server, "Grand Prix", status="live")
    ingest(server, event_id, [mention("1", "Lights out!"), mention("2", "Any tickets left?")])
    target = newest(server, event_id)
    olive, quinn, pat = tabs.open(), tabs.open(), tabs.open()
    open_event(olive, server, event_id, "olive")
    open_event(quinn, server, event_id, "quinn")
    on_olive, on_quinn = row(olive, target["id"]), row(quinn, target["id"])
    expect(on_quinn).to_be_visible()
    olive.keyboard.press("j")
    expect(on_olive).to_have_class(re.compile(r"\bis-selected\b"))

    # f flags it for the producer: both consoles show the flag.
    olive.keyboard.press("f")
    for on_tab in (on_olive, on_quinn):
        expect(on_tab.locator(".m-flag")).to_have_text("⚑ Flagged")
        expect(on_tab).to_have_class(re.compile(r"\bis-flagged\b"))
    expect(olive.locator("#triage-status")).to_contain_text("Flagged @ana's mention")

    # t opens the tag box; Enter adds the tag (normalised by the server) and the feed has
    # the keys again; a tag the server refuses is said in the status line, the box kept.
    olive.keyboard.press("t")
    box = olive.locator("#annotate-text")
    expect(box).to_be_focused()
    expect(olive.locator("#annotate-label")).to_have_text("Tag @ana's mention")
    olive.keyboard.type("two words")
    olive.keyboard.press("Enter")
    status = olive.locator("#triage-status")
    expect(status).to_contain_text("Tag not added: tag:")
    expect(status).to_have_attribute("data-tone", "error")
    expect(box).to_have_value("two words")
    box.fill("#VIP")
    olive.keyboard.press("Enter")
    expect(olive.locator("#annotate")).to_be_hidden()
    expect(on_olive).to_be_focused()
    for on_tab in (on_olive, on_quinn):
        expect(on_tab.locator(".m-tag-name")).to_have_text(["vip"])

    # shift+N adds an internal note; every console counts it.
    olive.keyboard.press("Shift+N")
    expect(box).to_be_focused()
    expect(olive.locator("#annotate-label")).to_contain_text("never sent")
    olive.keyboard.type("Asked about tickets twice")
    olive.keyboard.press("Enter")
    expect(on_olive).to_be_focused()
    for on_tab in (on_olive, on_quinn):
        expect(on_tab.locator(".m-notes")).to_have_text("📝 1")
    with server.api() as api:
        notes = api.get(f"/api/mentions/{target['id']}/notes").json()["notes"]
        assert [n["text"] for n in notes] == ["Asked about tickets twice"]
        assert api.get(f"/api/mentions/{target['id']}").json()["tags"] == ["vip"]

    # Olive starts a reply; Quinn, an operator, may not take it over.
    olive.keyboard.press("r")
    expect(olive.locator("#composer-text")).to_be_focused()
    olive.keyboard.type("Sold out, sorry, but")
    expect(on_quinn.locator(".m-claim")).to_contain_text("Held by Olive")
    quinn.keyboard.press("j")
    expect(on_quinn).to_have_class(re.compile(r"\bis-selected\b"))
    quinn.keyboard.press("Shift+C")
    expect(quinn.locator("#triage-status")).to_have_text(
        "Only a producer or an admin can take over a claim."
    )

    # Pat, the producer: c is refused and says how to take over; shift+C takes it over.
    open_event(pat, server, event_id, "pat")
    on_pat = row(pat, target["id"])
    # Opened after the flag, the tag and the note: the feed's load brings them all.
    expect(on_pat.locator(".m-flag")).to_have_text("⚑ Flagged")
    expect(on_pat.locator(".m-tag-name")).to_have_text(["vip"])
    expect(on_pat.locator(".m-notes")).to_have_text("📝 1")
    pat.keyboard.press("j")
    expect(on_pat).to_have_class(re.compile(r"\bis-selected\b"))
    pat.keyboard.press("c")
    expect(pat.locator("#triage-status")).to_contain_text("held by Olive")
    expect(pat.locator("#triage-status")).to_contain_text("press shift+C to take it over")
    pat.keyboard.press("Shift+C")
    expect(pat.locator("#composer-text")).to_be_focused()
    expect(pat.locator("#composer-quote")).to_have_text("Any tickets left?")
    expect(on_pat.locator(".m-claim")).to_contain_text("You hold this")
    expect(pat.locator("#triage-status")).to_contain_text("You took over @ana's mention")

    # Olive's text stays, read-only, to copy; her row says who holds it now.
    expect(olive.locator("#composer-notice")).to_contain_text("Pat took over")
    expect(olive.locator("#composer-text")).to_have_value("Sold out, sorry, but")
    expect(olive.locator("#composer-text")).to_have_attribute("readonly", "")
    expect(on_olive.locator(".m-claim")).to_contain_text("Held by Pat")
    expect(on_quinn.locator(".m-claim")).to_contain_text("Held by Pat")

    # The remove button on a tag chip takes it off, on every console.
    on_quinn.locator('.m-tag-remove[data-untag="vip"]').click()
    for on_tab in (on_olive, on_quinn, on_pat):
        expect(on_tab.locator(".m-tag-name")).to_have_count(0)


def wait_for_top(page: Page, ids: list[int]) -> None:
    """Wait until the list's first rows are exactly these mentions, in this order."""
    page.wait_for_function(
        """ids => {
            const rows = [...document.querySelectorAll("#feed .mention")].slice(0, ids.length);
            const same = (r, i) => Number(r.dataset.id) === ids[i];
            return rows.length === ids.length && rows.every(same);
        }""",
        arg=ids,
    )


def test_the_queue_orders_by_priority_and_a_claim_leaves_it(tabs: Tabs, server: LiveServer) -> None:
    event_id = make_event(server, "Quarter Final", status="live")
    fan = {"handle": "fan", "name": "Fan", "followers": 10, "verified": False}
    star = {"handle": "star", "name": "Star", "followers": 2_000_000, "verified": True}
    # The oldest, and the first to answer (reach, verified and a question): older than the
    # 200 a console loads for its Live list, so only the queue's own read brings it.
    items = [mention("1", "Who is on the bench tonight?", author=star)]
    items += [
        mention(str(n), f"Goal number {n}", author={**fan, "followers": 10 ** (n % 4)})
        for n in range(2, 232)
    ]
    ingest(server, event_id, items)
    with server.api() as api:
        response = api.get(
            f"/api/events/{event_id}/mentions",
            params={"state": "new", "sort": "priority", "limit": 200},
        )
    queue = response.json()["items"]
    assert queue[0]["author"]["handle"] == "star"
    olive, quinn = tabs.open(), tabs.open()
    open_event(olive, server, event_id, "olive")
    open_event(quinn, server, event_id, "quinn")

    # q on both consoles: the rows follow the server's priority order, ties oldest first.
    for tab in (olive, quinn):
        expect(tab.locator("#feed .mention")).to_have_count(200)
        tab.keyboard.press("q")
        expect(tab.locator("#mode-queue")).to_have_attribute("aria-pressed", "true")
        expect(tab.locator("#mode-live")).to_have_attribute("aria-pressed", "false")
        wait_for_top(tab, [item["id"] for item in queue])
    first = olive.locator("#feed .mention").first
    expect(first.locator(".m-priority")).to_have_text(f"P {queue[0]['priority']}")
    expect(first.locator(".m-priority")).to_have_attribute("title", re.compile("^Priority"))

    # A question from a verified author with reach enters second, at its priority.
    ingest(
        server,
        event_id,
        [mention("300", "Is the roof closed?", author={**star, "followers": 50_000})],
    )
    arrival = newest(server, event_id)
    assert queue[0]["priority"] > arrival["priority"] > queue[1]["priority"]
    for tab in (olive, quinn):
        wait_for_top(tab, [queue[0]["id"], arrival["id"], queue[1]["id"]])

    # Olive claims the top one with c: it leaves both queues, and her selection moves on to
    # the mention that took its place.
    olive.keyboard.press("j")
    expect(row(olive, queue[0]["id"])).to_have_class(re.compile(r"\bis-selected\b"))
    olive.keyboard.press("c")
    expect(olive.locator("#claims-list .claim")).to_have_count(1)
    for tab in (olive, quinn):
        expect(row(tab, queue[0]["id"])).to_have_count(0)
        wait_for_top(tab, [arrival["id"], queue[1]["id"]])
    expect(olive.locator("#feed .mention.is-selected")).to_have_attribute(
        "data-id", str(arrival["id"])
    )

    # The mode is remembered across a reload.
    quinn.reload()
    expect(quinn.locator("#conn")).to_have_attribute("data-state", "live")
    expect(quinn.locator("#mode-queue")).to_have_attribute("aria-pressed", "true")
    wait_for_top(quinn, [arrival["id"], queue[1]["id"]])

    # q again: the Live list is back, newest first, and only the newest (what it loaded and
    # what came since: the older one the queue read stays out of it).
    olive.keyboard.press("q")
    expect(olive.locator("#mode-live")).to_have_attribute("aria-pressed", "true")
    live = [item["id"] for item in newest_mentions(server, event_id, 201)]
    wait_for_top(olive, live)
    assert [r["id"] for r in rendered(olive)] == live
