"""The live numbers and the report in Chromium: the volume chart and the backlog follow the
mentions as they arrive, a burst raises the spike alert, and the report page prints to a
PDF with its chart."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.console.helpers import LiveServer, ingest, log_in, make_event, mention, open_event

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)


def panel_mentions(page: Page) -> int:
    return int(page.locator(".numbers").get_attribute("data-mentions") or 0)


def test_the_live_chart_and_backlog_follow_the_mentions_as_they_arrive(
    page: Page, server: LiveServer
) -> None:
    event_id = make_event(server, "Numbers night", hashtags=["Numbers"], status="live")
    ingest(server, event_id, [mention(str(n), f"early {n}") for n in range(1, 6)])
    open_event(page, server, event_id)
    numbers = page.locator(".numbers")
    expect(numbers.locator(".numbers-chart canvas")).to_have_count(1)
    expect(numbers).to_have_attribute("data-mentions", "5")
    expect(numbers.locator('[data-stat="waiting"]')).to_have_text("5")
    expect(numbers.locator(".numbers-alert")).to_be_hidden()

    # A burst of 80 in a minute against nothing before: over the floor of 60, a spike.
    ingest(server, event_id, [mention(str(n), f"burst {n}") for n in range(100, 180)])
    expect(numbers).to_have_attribute("data-mentions", "85")
    expect(numbers.locator('[data-stat="waiting"]')).to_have_text("85")
    expect(numbers.locator('[data-stat="unclaimed"]')).to_have_text("85")
    expect(numbers.locator(".numbers-alert")).to_be_visible()
    # 80, and the 5 from before if they arrived within the minute.
    expect(numbers.locator(".numbers-alert")).to_contain_text(
        re.compile(r"Spike: 8[0-5] mentions in the last minute")
    )

    # The mute is remembered across a reload.
    mute = numbers.locator(".numbers-mute")
    expect(mute).to_have_text("Sound on")
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator(".numbers-mute")).to_have_text("Sound off")
    # A console opening mid-show starts from the snapshot.
    expect(page.locator(".numbers")).to_have_attribute("data-mentions", "85")


def test_the_report_page_prints_to_pdf_with_its_chart(page: Page, server: LiveServer) -> None:
    event_id = make_event(server, "Report night ⚽", hashtags=["Report"], status="live")
    ingest(server, event_id, [mention(str(n), f"هدف {n} 进球 ⚽") for n in range(1, 40)])
    with server.api() as api:
        listed = api.get(f"/api/events/{event_id}/mentions", params={"limit": 3}).json()["items"]
        for item in listed:
            fence = api.post(f"/api/mentions/{item['id']}/claim").json()["fence"]
            answer = api.post(
                f"/api/mentions/{item['id']}/reply", json={"text": "Merci!", "fence": fence}
            )
            assert answer.status_code == 201, answer.text

    page.goto(f"{server.url}/login?next=/events/{event_id}/report")
    log_in(page)
    expect(page).to_have_url(f"{server.url}/events/{event_id}/report")
    expect(page.locator("#report-volume")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#report-volume canvas")).to_have_count(1)
    expect(page.locator(".report-table").first).to_contain_text("pat")
    expect(page.get_by_text("Nothing was posted.")).to_be_visible()

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert b"/Image" in pdf, "the chart (a canvas) is in the PDF as an image"
    assert len(pdf) > 10_000
