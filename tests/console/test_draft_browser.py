"""An operator never loses a typed word, in Chromium: a reload right after the last keystroke
brings back every character (from the browser, before the server answers); a draft typed
offline reaches the server as soon as the browser is back online; a send pressed before the
claim is granted waits for it and publishes once; the "N new" pill never covers the
selected row; and a row answered shows what was sent.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from app.auth import service as auth
from app.auth import tokens
from tests.conftest import PASSWORD
from tests.console.helpers import LiveServer, ingest, make_event, mention, open_event

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

# 59 characters, as in the issue: a reload 250 ms after the last one brought back 21.
REPLY = "It is back up now, sorry about that! Enjoy the second half."
# Far above the ~0.1 s a save takes once the browser is online, far below the 20 s renewal
# that was the only thing to send a draft missed offline.
BACK_ONLINE_SAVE_S = 10


def token_of(server: LiveServer, username: str) -> str:
    """An API token of `username`'s, to read their claims (and drafts) as they would."""

    async def make() -> str:
        async with server.app.state.db.read_session() as session:
            user = await auth.find_login_user(session, username)
        assert await auth.check_password(user, PASSWORD) is not None
        assert user is not None
        async with server.app.state.db.transaction() as session:
            _row, token = await tokens.create_api_token(session, user, name="draft checks")
        return token

    return server.run(make())


def server_drafts(server: LiveServer, token: str, event_id: int) -> dict[int, str | None]:
    with server.api() as api:
        response = api.get(
            f"/api/events/{event_id}/claims/mine", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    return {claim["mention"]["id"]: claim["draft"] for claim in response.json()["claims"]}


def newest_id(server: LiveServer, event_id: int) -> int:
    with server.api() as api:
        items = api.get(f"/api/events/{event_id}/mentions", params={"limit": 1}).json()["items"]
    return int(items[0]["id"])


def row(page: Page, mention_id: int) -> Any:
    return page.locator(f'#feed .mention[data-id="{mention_id}"]')


def claim_and_open(page: Page, mention_id: int) -> None:
    page.keyboard.press("j")
    page.keyboard.press("r")
    expect(page.locator("#composer-text")).to_be_focused()
    expect(row(page, mention_id).locator(".m-claim")).to_contain_text("You hold this")


def test_a_reload_right_after_the_last_keystroke_brings_back_every_character(
    page: Page, server: LiveServer
) -> None:
    event_id = make_event(server, "Semi Final", status="live")
    ingest(server, event_id, [mention("1", "Is the stream down?")])
    target = newest_id(server, event_id)
    open_event(page, server, event_id, "olive")
    claim_and_open(page, target)

    page.keyboard.type(REPLY)
    # What the server says this operator holds is kept waiting: the text must not need it.
    waiting: list[Route] = []
    page.route("**/claims/mine", lambda route: waiting.append(route))
    page.reload()
    expect(page.locator("#composer")).to_be_visible()
    expect(page.locator("#composer-text")).to_have_value(REPLY)
    page.wait_for_function("() => true")
    assert waiting, "claims/mine was answered before the check"

    page.unroute("**/claims/mine")
    for route in waiting:
        route.continue_()
    expect(page.locator("#composer-save-state")).to_have_text(
        re.compile(r"^(Draft restored|Draft saved)")
    )
    expect(page.locator("#composer-text")).to_have_value(REPLY)
    expect(page.locator("#composer-text")).to_be_focused()
    expect(page.locator("#claims-list .claim")).to_have_count(1)
    # And the server gets the whole of it.
    token = token_of(server, "olive")
    deadline = time.monotonic() + BACK_ONLINE_SAVE_S
    while server_drafts(server, token, event_id).get(target) != REPLY:
        assert time.monotonic() < deadline, "the restored draft never reached the server"
        time.sleep(0.1)

    # Released: the browser forgets it, and a reload brings back nothing.
    page.keyboard.press("Escape")
    expect(page.locator("#composer")).to_be_hidden()
    page.reload()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    expect(page.locator("#claims-list .claim")).to_have_count(0)
    expect(page.locator("#composer")).to_be_hidden()


def test_a_draft_typed_offline_reaches_the_server_once_back_online(
    page: Page, server: LiveServer
) -> None:
    event_id = make_event(server, "Derby", status="live")
    ingest(server, event_id, [mention("1", "Any news on the transfer?")])
    target = newest_id(server, event_id)
    token = token_of(server, "olive")
    open_event(page, server, event_id, "olive")
    claim_and_open(page, target)

    page.context.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    page.keyboard.type("Typed while the wifi was down")
    expect(page.locator("#composer-save-state")).to_contain_text("Draft not saved")
    assert server_drafts(server, token, event_id)[target] in (None, "")

    page.context.set_offline(False)
    back = time.monotonic()
    while server_drafts(server, token, event_id)[target] != "Typed while the wifi was down":
        assert time.monotonic() < back + BACK_ONLINE_SAVE_S, "the draft waited for the renewal"
        time.sleep(0.1)
    print(f"\ndraft on the server {time.monotonic() - back:.2f} s after the browser came online")
    expect(page.locator("#composer-save-state")).to_have_text("Draft saved")


def test_send_pressed_before_the_claim_is_granted_publishes_once(
    page: Page, server: LiveServer
) -> None:
    event_id = make_event(server, "Final", status="live")
    ingest(server, event_id, [mention("1", "Who won?")])
    target = newest_id(server, event_id)
    open_event(page, server, event_id, "olive")
    # The claim is held on its way until the reply is typed and sent: no race to lose.
    claims: list[Route] = []
    page.route("**/api/mentions/*/claim", lambda route: claims.append(route))

    page.keyboard.press("j")
    page.keyboard.press("r")
    expect(page.locator("#composer-text")).to_be_focused()
    page.keyboard.type("The home side, 2-1!")
    page.keyboard.press("Control+Enter")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#composer-save-state")).to_have_text("Sending once the claim is granted…")
    assert len(claims) == 1

    page.unroute("**/api/mentions/*/claim")
    claims[0].continue_()
    expect(page.locator("#composer")).to_be_hidden()
    expect(row(page, target).locator(".m-state-replied")).to_have_text("Answered ✓")
    expect(page.locator("#triage-status")).to_contain_text("Reply to @ana sent")
    with server.api() as api:
        replies = api.get(f"/api/mentions/{target}/replies").json()["replies"]
    assert [r["text"] for r in replies] == ["The home side, 2-1!"]


def boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_the_new_pill_never_covers_the_selected_row(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Gala", status="live")
    ingest(server, event_id, [mention("1", "one"), mention("2", "two")])
    target = newest_id(server, event_id)
    open_event(page, server, event_id, "olive")

    # The top row selected and claimed: its holder and status are what the pill hid.
    page.keyboard.press("j")
    page.keyboard.press("c")
    selected = row(page, target)
    expect(selected.locator(".m-claim")).to_contain_text("You hold this")
    ingest(server, event_id, [mention("3", "three")])
    pill = page.locator("#feed-new")
    expect(page.locator("#feed-new-count")).to_have_text("1 new")

    pill_box, row_box = pill.bounding_box(), selected.bounding_box()
    assert pill_box and row_box
    assert not boxes_overlap(pill_box, row_box), (pill_box, row_box)
    # Nothing lies over the holder: the point at its middle is the holder itself.
    uncovered = selected.locator(".m-holder").evaluate(
        """holder => {
            const box = holder.getBoundingClientRect();
            const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return holder.contains(top);
        }"""
    )
    assert uncovered, "something lies over the selected row's holder"


def test_a_row_answered_shows_what_was_sent(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Cup", status="live")
    ingest(server, event_id, [mention("1", "Who scored that?")])
    target = newest_id(server, event_id)
    open_event(page, server, event_id, "olive")
    claim_and_open(page, target)

    sent = "Silva, in the 89th minute! <b>@ana</b>"
    page.keyboard.type(sent)
    page.keyboard.press("Control+Enter")
    answered = row(page, target)
    expect(answered.locator(".m-state-replied")).to_have_text("Answered ✓")
    expect(answered.locator(".m-sent")).to_have_text(f"Olive: {sent}")

    page.reload()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    expect(row(page, target).locator(".m-sent-text")).to_have_text(sent)
