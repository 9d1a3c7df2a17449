"""A networked source's state in the header and its gap in the feed, in Chromium: a
Mastodon source connected, cut off (reconnecting, a gap marker), back with its back-fill
(the marker says the gap was filled), and another whose token is refused."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from tests.console.conftest import run_server
from tests.console.helpers import LiveServer, make_event, open_event
from tests.fakes.mastodon_stream import TOKEN, FakeMastodonStream, sse, status
from tests.fakes.scripted_stream import DROP, HOLD, Pause

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def mastodon() -> Iterator[tuple[FakeMastodonStream, int]]:
    """A fake Mastodon on its own loop and thread, as a server across the network is."""
    fake = FakeMastodonStream()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(
        uvicorn.Config(fake.app(), log_level="warning", timeout_graceful_shutdown=1)
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=loop.run_until_complete, args=(uv.serve(sockets=[sock]),), daemon=True
    )
    thread.start()
    while not uv.started:
        time.sleep(0.05)
    yield fake, port
    uv.should_exit = True
    thread.join(timeout=10)
    loop.close()
    sock.close()


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    mastodon: tuple[FakeMastodonStream, int],
) -> Iterator[LiveServer]:
    _fake, port = mastodon
    servers = [
        {"url": f"http://127.0.0.1:{port}", "token": TOKEN},
        # The same fake under another name, with a token it refuses.
        {"url": f"http://localhost:{port}", "token": "revoked"},
    ]
    with run_server(
        sqlite_template, tmp_path_factory.mktemp("sources"), mastodon_servers=servers
    ) as live:
        yield live


def start_mastodon(server: LiveServer, event_id: int, url: str) -> int:
    with server.api() as api:
        response = api.post(
            f"/api/events/{event_id}/sources",
            json={"kind": "mastodon", "config": {"servers": [url]}},
        )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_sources_state_shows_in_the_header_and_its_gap_in_the_feed(
    page: Page, server: LiveServer, mastodon: tuple[FakeMastodonStream, int]
) -> None:
    fake, port = mastodon
    first, missed = status(1, "Kick-off #CupFinal"), status(2, "Missed while away #CupFinal")
    # Connected for a few seconds, cut off, refused once (5 s of reconnecting), then back.
    fake.connections = [[sse("update", first), Pause(3), DROP], 503, [HOLD]]
    fake.timeline = [first, missed]
    event_id = make_event(server, "Cup Final", hashtags=["CupFinal"], status="live")
    open_event(page, server, event_id)

    source_id = start_mastodon(server, event_id, f"http://127.0.0.1:{port}")
    chip = page.locator(f'#sources .src[data-source-id="{source_id}"]')
    expect(chip).to_have_attribute("data-status", "connected")
    expect(chip).to_contain_text("Mastodon · connected")
    expect(page.locator("#feed .mention")).to_have_count(1)

    expect(chip).to_have_attribute("data-status", "reconnecting")
    expect(chip).to_contain_text("reconnecting since")
    marker = page.locator("#feed .gap-marker")
    expect(marker).to_have_attribute("data-state", "open")
    expect(marker).to_contain_text("Gap in Mastodon")

    expect(marker).to_have_attribute("data-state", "filled")
    expect(marker).to_contain_text("back-filled")
    expect(chip).to_have_attribute("data-status", "connected")
    expect(page.locator("#feed .mention")).to_have_count(2)
    expect(page.locator("#feed")).to_contain_text("Missed while away")

    refused_id = start_mastodon(server, event_id, f"http://localhost:{port}")
    refused = page.locator(f'#sources .src[data-source-id="{refused_id}"]')
    expect(refused).to_have_attribute("data-status", "refused")
    expect(refused).to_contain_text("credentials refused")
    expect(refused).to_contain_text("check the token")
