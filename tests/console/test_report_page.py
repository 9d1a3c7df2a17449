"""The report page, server-rendered: empty sections say so, a viewer may read it, an
unknown event is the not-found page."""

from __future__ import annotations

import httpx

from tests.console.conftest import LoggedIn
from tests.triage.helpers import ingest


async def test_the_report_page_says_what_is_empty_and_a_viewer_may_read_it(
    logged_in: LoggedIn, producer: httpx.AsyncClient, event_id: int
) -> None:
    await ingest(producer, event_id, [1, 2])
    viewer = await logged_in("viewer")
    page = await viewer.get(f"/events/{event_id}/report")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Cup Final — after-show report" in html
    assert 'id="report-volume"' in html
    for empty in ("Nobody was answered.", "Nothing was posted.", "No cue was fired."):
        assert empty in html
    assert "Never on air" in html


async def test_the_report_page_of_an_unknown_event_is_not_found(logged_in: LoggedIn) -> None:
    client = await logged_in("producer")
    assert (await client.get("/events/31337/report")).status_code == 404
