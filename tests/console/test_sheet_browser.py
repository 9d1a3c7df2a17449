"""The show run in Chromium: two editors on one draft (the second gets the conflict view
and saves the merge), and the producer approving the sheet, watching the next cue's
countdown and firing it from the keyboard while both consoles see the posts published."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import Tabs
from tests.console.helpers import LiveServer, make_event, open_event

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)


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
    tabs: Tabs, server: LiveServer
) -> None:
    event_id = make_event(server, "Fire night", status="live", networks=["mastodon"])
    soon = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    _cue_with_draft(server, event_id, "We are live!", trigger="at_time", fire_at=soon)
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
        expect(item.locator('.cue-post-list li[data-status="published"]')).to_have_count(1)
    expect(banner).to_contain_text("No cue standing by.")
