"""A reply the network refuses, in Chromium: it stays on the mention with the network's
error and a Retry button, through a reload too, and Retry publishes it (once) when the
network accepts it.

The server here publishes Mastodon replies to a fake Mastodon server (the edge of the
world) that refuses the first post and accepts the next.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import run_server
from tests.console.helpers import LiveServer, ingest, make_event, mention, open_event
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.server import serve_asgi

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mastodon() -> Iterator[tuple[FakeMastodon, str]]:
    """The fake Mastodon server, on its own thread and event loop for the whole module."""
    fake = FakeMastodon()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    address: list[str] = []

    async def run() -> None:
        async with serve_asgi(fake.app()) as url:
            address.append(url)
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    assert ready.wait(20), "the fake Mastodon server did not start"
    yield fake, address[0]
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
        tmp_path_factory.mktemp("failure"),
        publish_mastodon_url=mastodon[1],
        publish_mastodon_token=TOKEN,
    ) as live:
        yield live


def test_a_refused_reply_shows_its_error_and_retry_publishes_it(
    page: Page, server: LiveServer, mastodon: tuple[FakeMastodon, str]
) -> None:
    fake = mastodon[0]
    fake.plan = ["422"]
    event_id = make_event(server, "Final", status="live")
    ingest(server, event_id, [mention("1", "Who won?", network="mastodon")])
    open_event(page, server, event_id, "olive")

    page.keyboard.press("j")
    page.keyboard.press("r")
    expect(page.locator("#composer-text")).to_be_focused()
    page.keyboard.type("The home side, 2-1!")
    page.keyboard.press("Control+Enter")

    reply = page.locator("#feed .mention.is-selected .m-reply")
    expect(reply).to_have_attribute("data-status", "failed")
    expect(reply).to_contain_text("Text character limit of 500 exceeded")
    assert fake.statuses == []

    # A reload (or a lost connection) keeps the failure in view, with its button.
    page.reload()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    reply = page.locator("#feed .mention .m-reply")
    expect(reply).to_have_attribute("data-status", "failed")
    expect(reply).to_contain_text("Text character limit of 500 exceeded")
    retry = reply.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()

    retry.click()
    expect(reply).to_have_attribute("data-status", "published")
    expect(reply.get_by_role("button")).to_have_count(0)
    assert len(fake.statuses) == 1
    assert fake.statuses[0]["content"] == "<p>The home side, 2-1!</p>"
    # The refused attempt and the retry carried one idempotency key.
    assert len({request["key"] for request in fake.requests}) == 1


def test_a_refused_reply_is_edited_and_sent_again(
    page: Page, server: LiveServer, mastodon: tuple[FakeMastodon, str]
) -> None:
    fake = mastodon[0]
    fake.plan = ["422"]
    event_id = make_event(server, "Semi", status="live")
    ingest(server, event_id, [mention("2", "Who scored?", network="mastodon")])
    open_event(page, server, event_id, "olive")
    page.keyboard.press("j")
    page.keyboard.press("r")
    expect(page.locator("#composer-text")).to_be_focused()
    page.keyboard.type("Number nine, what a goal!!!")
    page.keyboard.press("Control+Enter")
    reply = page.locator("#feed .mention.is-selected .m-reply")
    expect(reply).to_have_attribute("data-status", "failed")

    reply.get_by_role("button", name="Edit").click()
    editor = page.get_by_role("dialog", name="Edit the reply")
    box = editor.get_by_label("The reply's new text")
    expect(box).to_have_value("Number nine, what a goal!!!")
    box.fill("Number nine, what a goal!")
    page.keyboard.press("Control+Enter")
    expect(editor).to_have_count(0)
    expect(reply).to_have_attribute("data-status", "published")
    expect(page.locator("#feed .mention.is-selected .m-sent-text")).to_have_text(
        "Number nine, what a goal!"
    )
    assert [status["content"] for status in fake.statuses][-1] == "<p>Number nine, what a goal!</p>"
