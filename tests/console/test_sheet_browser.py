"""The show run in Chromium: two editors on one draft (the second gets the conflict view
and saves the merge), and the producer approving the sheet, watching the next cue's
countdown and firing it from the keyboard while both consoles see the posts published: on
Mastodon through a fake Mastodon server configured as the publisher, on X dry-run."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import Tabs, run_server
from tests.console.helpers import LiveServer, make_event, open_event
from tests.factories import png_bytes
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.server import serve_asgi

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)


@pytest.fixture(scope="module")
def mastodon() -> Iterator[tuple[FakeMastodon, str]]:
    fake = FakeMastodon()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    urls: list[str] = []

    async def run() -> None:
        async with serve_asgi(fake.app()) as url:
            urls.append(url)
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    assert ready.wait(20), "the fake Mastodon server did not start"
    yield fake, urls[0]
    loop.call_soon_threadsafe(stop.set)
    thread.join(timeout=20)
    loop.close()


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    mastodon: tuple[FakeMastodon, str],
) -> Iterator[LiveServer]:
    with run_server(
        sqlite_template,
        tmp_path_factory.mktemp("sheet"),
        publish_mastodon_url=mastodon[1],
        publish_mastodon_token=TOKEN,
    ) as live:
        yield live


def _cue_with_draft(server: LiveServer, event_id: int, text: str, **cue: Any) -> tuple[int, int]:
    with server.api() as api:
        made = api.post(f"/api/events/{event_id}/cues", json={"title": "Kickoff", **cue})
        assert made.status_code == 201, made.text
        cue_id = int(made.json()["id"])
        content = {"posts": [{"texts": {"mastodon": text}, "attachment_ids": []}]}
        draft = api.post(
            f"/api/events/{event_id}/drafts",
            json={"title": "Kickoff post", "cue_id": cue_id, "content": content},
        )
        assert draft.status_code == 201, draft.text
    return cue_id, int(draft.json()["id"])


def _edit(page: Page, text: str) -> None:
    page.locator("#cue-sheet .draft-open", has_text="Kickoff post").click()
    box = page.locator('textarea[name="post-0-mastodon"]')
    expect(box).to_be_visible()
    box.fill(text)


def test_two_editors_on_one_draft_the_second_merges_in_the_conflict_view(
    tabs: Tabs, server: LiveServer
) -> None:
    event_id = make_event(server, "Merge night", status="live", networks=["mastodon"])
    _cue, draft_id = _cue_with_draft(server, event_id, "Kickoff at the stadium! Follow along")
    olive = tabs.open(width=1600, height=1000)
    open_event(olive, server, event_id)
    quinn = tabs.open(width=1600, height=1000)
    open_event(quinn, server, event_id, username="quinn")

    _edit(olive, "Kickoff at the Olympic stadium! Follow along")
    _edit(quinn, "Kickoff at the stadium! Follow along #Final")
    expect(olive.locator(".draft-editing")).to_have_text("Quinn is editing")
    olive.get_by_role("button", name="Save", exact=True).click()
    expect(olive.locator(".draft-message")).to_have_text("Saved version 2.")

    # A reload loses nothing: the unsaved edit comes back from the browser.
    quinn.reload()
    quinn.locator("#cue-sheet .draft-open", has_text="Kickoff post").click()
    expect(quinn.locator('textarea[name="post-0-mastodon"]')).to_have_value(
        "Kickoff at the stadium! Follow along #Final"
    )
    expect(quinn.locator(".draft-message")).to_have_text(
        "Your unsaved edit is back from this browser."
    )
    quinn.get_by_role("button", name="Save", exact=True).click()
    conflict = quinn.locator(".draft-conflict")
    expect(conflict).to_contain_text("The edits did not overlap")
    expect(conflict.locator('[data-side="Mine"]')).to_contain_text("#Final")
    expect(conflict.locator('[data-side="Theirs"]')).to_contain_text("Olympic")
    merged = quinn.locator('textarea[name="post-0-mastodon"]')
    expect(merged).to_have_value("Kickoff at the Olympic stadium! Follow along #Final")
    merged.fill("Kickoff at the Olympic stadium! Follow along #Final #Live")
    quinn.get_by_role("button", name="Save the merge").click()
    expect(quinn.locator(".draft-message")).to_have_text("Saved version 3.")

    with server.api() as api:
        draft = api.get(f"/api/drafts/{draft_id}").json()
    assert draft["content"]["posts"][0]["texts"]["mastodon"] == (
        "Kickoff at the Olympic stadium! Follow along #Final #Live"
    )


def test_the_producer_approves_the_sheet_and_fires_the_next_cue_from_the_keyboard(
    tabs: Tabs, server: LiveServer, mastodon: tuple[FakeMastodon, str]
) -> None:
    event_id = make_event(server, "Fire night", status="live", networks=["x", "mastodon"])
    soon = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    cue_id, draft_id = _cue_with_draft(
        server, event_id, "We are live!", trigger="at_time", fire_at=soon
    )
    with server.api() as api:
        version = api.get(f"/api/drafts/{draft_id}").json()["version"]
        texts = {"x": "We are live on X!", "mastodon": "We are live!"}
        content = {"posts": [{"texts": texts, "attachment_ids": []}]}
        patched = api.patch(
            f"/api/drafts/{draft_id}",
            json={"content": content},
            headers={"If-Match": f'"{version}"'},
        )
        assert patched.status_code == 200, patched.text
    pat = tabs.open(width=1600, height=1000)
    open_event(pat, server, event_id, username="pat")
    olive = tabs.open(width=1600, height=1000)
    open_event(olive, server, event_id)

    banner = pat.locator("#cue-next")
    expect(banner).to_contain_text("Kickoff")
    expect(banner.locator(".cue-not-ready")).to_have_text("0/1 approved")
    # Operators see no producer's controls.
    expect(olive.get_by_role("button", name="Approve sheet")).to_have_count(0)

    pat.get_by_role("button", name="Approve sheet").click()
    expect(banner.locator(".cue-ready")).to_have_text("1/1 approved")
    countdown = banner.locator(".cue-countdown")
    expect(countdown).to_have_text(re.compile(r"^in (09|10):\d\d$"))
    first = countdown.text_content()
    expect(countdown).not_to_have_text(first or "")

    pat.keyboard.press("Shift+F")
    expect(banner.get_by_role("button", name="Fire “Kickoff” now")).to_be_focused()
    pat.keyboard.press("Enter")

    for page in (pat, olive):
        item = page.locator('#cue-sheet .cue-item:has-text("Kickoff")')
        expect(item.locator(".cue-fired-mark")).to_have_text("fired once")
        expect(item.locator('.cue-post-list li[data-status="published"]')).to_have_count(2)
    expect(banner).to_contain_text("No cue standing by.")
    assert [status["content"] for status in mastodon[0].statuses] == ["<p>We are live!</p>"]
    with server.api() as api:
        posts = api.get(f"/api/events/{event_id}/posts", params={"cue_id": cue_id}).json()
    assert {(p["network"], p["dry_run"]) for p in posts["posts"]} == {
        ("x", True),
        ("mastodon", False),
    }


def test_the_producer_adds_a_cue_and_moves_it_up_the_running_order_with_alt_up(
    tabs: Tabs, server: LiveServer
) -> None:
    event_id = make_event(server, "Order night", status="live", networks=["mastodon"])
    _cue_with_draft(server, event_id, "Kickoff!")
    pat = tabs.open(width=1600, height=1000)
    open_event(pat, server, event_id, username="pat")

    pat.get_by_role("button", name="New cue").click()
    form = pat.locator("form.cue-form")
    form.locator('input[name="title"]').fill("Pre-show tease")
    form.locator('select[name="trigger"]').select_option("show_offset")
    form.locator('input[name="offset"]').fill("00:05:00")
    form.get_by_role("button", name="Add cue").click()
    titles = pat.locator("#cue-sheet .cue-item .cue-title")
    expect(titles).to_have_text(["Kickoff", "Pre-show tease"])

    pat.locator('#cue-sheet .cue-item:has-text("Pre-show tease")').focus()
    pat.keyboard.press("Alt+ArrowUp")
    expect(titles).to_have_text(["Pre-show tease", "Kickoff"])
    with server.api() as api:
        sheet = api.get(f"/api/events/{event_id}/cues").json()["cues"]
    assert [(c["title"], c["trigger"], c["offset_seconds"]) for c in sheet] == [
        ("Pre-show tease", "show_offset", 300),
        ("Kickoff", "manual", None),
    ]


def test_an_operator_posts_quickly_from_the_feed_with_shift_p(
    tabs: Tabs, server: LiveServer, mastodon: tuple[FakeMastodon, str]
) -> None:
    event_id = make_event(server, "Quick night", status="live", networks=["mastodon"])
    olive = tabs.open(width=1600, height=1000)
    open_event(olive, server, event_id)

    olive.keyboard.press("Shift+P")
    dialog = olive.get_by_role("dialog", name="Quick post")
    text = dialog.locator('textarea[name="mastodon"]')
    expect(text).to_be_visible()
    text.fill("Doors are open!")
    expect(dialog.locator(".draft-counter")).to_have_text("485")
    dialog.get_by_role("button", name="Publish").click()
    expect(dialog.locator(".quick-post-message")).to_have_text("Published.")
    with server.api() as api:
        posts = api.get(f"/api/events/{event_id}/posts").json()["posts"]
    assert [(p["network"], p["text"], p["cue_id"]) for p in posts] == [
        ("mastodon", "Doors are open!", None)
    ]


def test_an_image_attached_in_the_editor_is_seen_with_its_alt_text_and_can_be_removed(
    tabs: Tabs, server: LiveServer, tmp_path: Path
) -> None:
    event_id = make_event(server, "Image night", status="live", networks=["mastodon"])
    _cue, draft_id = _cue_with_draft(server, event_id, "The trophy!")
    picture = tmp_path / "trophy.png"
    picture.write_bytes(png_bytes(40, 30))
    olive = tabs.open(width=1600, height=1000)
    open_event(olive, server, event_id)

    _edit(olive, "The trophy!")
    olive.get_by_label("Image for post 1").set_input_files(str(picture))
    olive.get_by_label("Alt text for post 1").fill("The cup on its plinth")
    olive.get_by_role("button", name="Attach image").click()
    thumb = olive.locator(".draft-image img")
    expect(thumb).to_have_attribute("alt", "The cup on its plinth")
    expect(thumb).to_have_js_property("naturalWidth", 40)  # the bytes, served back
    olive.get_by_role("button", name="Save", exact=True).click()
    expect(olive.locator(".draft-message")).to_have_text("Saved version 2.")
    with server.api() as api:
        draft = api.get(f"/api/drafts/{draft_id}").json()
    (attached,) = draft["content"]["posts"][0]["attachment_ids"]

    olive.get_by_role("button", name="Remove image 1").click()
    expect(olive.locator(".draft-image")).to_have_count(0)
    olive.get_by_role("button", name="Save", exact=True).click()
    expect(olive.locator(".draft-message")).to_have_text("Saved version 3.")
    with server.api() as api:
        draft = api.get(f"/api/drafts/{draft_id}").json()
        image = api.get(f"/api/events/{event_id}/attachments").json()["attachments"][0]
    assert draft["content"]["posts"][0]["attachment_ids"] == []
    assert image["id"] == attached and image["alt_text"] == "The cup on its plinth"
