"""The live feed under strain, in Chromium: a thousand mentions a second must not freeze the
page, in Live or in Queue mode, and a console that fell too far behind for the server to
replay reloads and goes on.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from tests.console.conftest import Tabs, run_server
from tests.console.helpers import (
    LiveServer,
    ingest,
    make_event,
    mention,
    newest_mentions,
    open_event,
    rendered,
    start_simulator,
    stop_simulator,
    wait_until_settled,
)

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

MEASURE_FRAMES = """() => {
    window.frameGaps = [];
    window.longTasks = [];
    let last = performance.now();
    const frame = (now) => {
        window.frameGaps.push(now - last);
        last = now;
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => {
        for (const task of list.getEntries()) window.longTasks.push(task.duration);
    }).observe({ type: "longtask" });
}"""

FRAME_REPORT = """() => {
    const gaps = window.frameGaps.slice(1).sort((a, b) => a - b);
    return {
        frames: gaps.length,
        median: gaps[Math.floor(gaps.length / 2)],
        longest_task: Math.max(0, ...window.longTasks),
        rows: document.querySelectorAll("#feed .mention").length,
        newest: Math.max(
            ...[...document.querySelectorAll("#feed .mention")].map((r) => Number(r.dataset.seq))
        ),
    };
}"""


@pytest.mark.parametrize("mode", ["live", "queue"])
def test_a_thousand_mentions_a_second_do_not_freeze_the_page(
    page: Page, server: LiveServer, mode: str
) -> None:
    event_id = make_event(server, f"Storm ({mode})", hashtags=["Storm"], status="live")
    source = start_simulator(server, event_id, rate=1000)
    try:
        open_event(page, server, event_id)
        if mode == "queue":  # waiting mentions by priority, re-sorted as they pour in
            page.keyboard.press("q")
            expect(page.get_by_role("button", name="Queue")).to_have_attribute(
                "aria-pressed", "true"
            )
        time.sleep(1)
        newest = max(row["seq"] for row in rendered(page))
        page.evaluate(MEASURE_FRAMES)
        time.sleep(5)
        report: dict[str, Any] = page.evaluate(FRAME_REPORT)
    finally:
        stop_simulator(server, event_id, source)

    # Bounds for a freeze, not a frame rate: the server, the simulator and the browser share
    # two cores here, where the median gap between frames measured 50-67 ms in Live mode on
    # 2026-11-25 (the console before and after triage alike; under 50 ms on earlier days) and
    # 16.7 ms in Queue mode (fewer rows move). On a desk's
    # machine this runs at the display's rate; what must never happen is a page that stops
    # painting.
    # A full list: 300 rows, fewer in Live when the simulator's reposts and repeated phrases
    # collapse into flood groups (docs/floods.md) and the store holds fewer groups than that.
    assert 200 <= report["rows"] <= 300, report
    # The list kept up with the stream: Live shows the newest; the queue takes in the new
    # mentions that outrank the ones it shows.
    assert report["newest"] - newest > 1500, report
    assert report["frames"] > 60, report
    assert report["median"] < 100, report
    assert report["longest_task"] < 500, report


def test_a_console_too_far_behind_reloads_and_carries_on(
    tabs: Tabs, sqlite_template: Path, tmp_path: Path
) -> None:
    with run_server(sqlite_template, tmp_path, stream_replay_limit=100) as server:
        page = tabs.open()
        snapshots: list[str] = []

        def note(request: Request) -> None:
            if "/mentions?before_seq=" in request.url:
                snapshots.append(request.url)

        page.on("request", note)
        event_id = make_event(server, "Marathon", status="live")
        ingest(server, event_id, [mention(str(n), f"early {n}") for n in range(1, 6)])
        open_event(page, server, event_id)
        expect(page.locator("#feed .mention")).to_have_count(5)

        page.context.set_offline(True)
        expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
        ingest(server, event_id, [mention(str(n), f"missed {n}") for n in range(6, 256)])
        page.context.set_offline(False)
        expect(page.locator("#conn")).to_have_attribute("data-state", "live")
        ingest(server, event_id, [mention(str(n), f"after {n}") for n in range(256, 259)])

        last_seq = wait_until_settled(server, event_id)
        expect(page.locator("#feed .mention .m-text").first).to_have_text("after 258")
        rows = rendered(page)
        expected = newest_mentions(server, event_id, len(rows))
        # The first load and the reload after the reset; the reload as of the reset's seq.
        assert len(snapshots) == 2, snapshots
        assert snapshots[1].endswith(f"before_seq={last_seq - 3 + 1}&limit=200")
        assert len(rows) == 203  # the reload's 200 and the 3 that followed on the socket
        assert rows == [{"seq": m["seq"], "id": m["id"]} for m in expected]
