"""What the browser tests do again and again: make events, feed them, log in, read the feed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

T = TypeVar("T")


@dataclass
class LiveServer:
    url: str
    loop: asyncio.AbstractEventLoop
    app: Any
    token: str = ""

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the server's own loop, where its database engine lives."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        )


def make_event(server: LiveServer, name: str, **fields: Any) -> int:
    with server.api() as api:
        response = api.post("/api/events", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def mention(external_id: str, text: str, **overrides: Any) -> dict[str, Any]:
    second = int(external_id) % 60
    item: dict[str, Any] = {
        "network": "x",
        "external_id": external_id,
        "author": {"handle": "ana", "name": "Ana", "followers": 1200, "verified": True},
        "text": text,
        "created_at": f"2026-02-08T20:00:{second:02d}Z",
    }
    item.update(overrides)
    return item


def ingest(server: LiveServer, event_id: int, items: list[dict[str, Any]]) -> dict[str, int]:
    with server.api() as api:
        response = api.post(f"/api/events/{event_id}/mentions", json=items)
    assert response.status_code == 200, response.text
    body: dict[str, int] = response.json()
    return body


def start_simulator(server: LiveServer, event_id: int, rate: float) -> int:
    """The built-in simulator as the producer: mentions keep coming until it is stopped."""
    with server.api() as api:
        response = api.post(
            f"/api/events/{event_id}/sources",
            json={"kind": "simulator", "config": {"rate": rate, "seed": 1, "spikes": False}},
        )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def stop_simulator(server: LiveServer, event_id: int, source_id: int) -> None:
    with server.api() as api:
        response = api.delete(f"/api/events/{event_id}/sources/{source_id}")
    assert response.status_code == 200, response.text


def newest_mentions(server: LiveServer, event_id: int, limit: int) -> list[dict[str, Any]]:
    with server.api() as api:
        response = api.get(f"/api/events/{event_id}/mentions", params={"limit": limit})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def wait_until_settled(server: LiveServer, event_id: int, timeout: float = 10) -> int:
    """The event's last seq once it has stopped moving (a stopped source may still flush)."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        with server.api() as api:
            seq = int(api.get(f"/api/events/{event_id}").json()["last_seq"])
        if seq == last:
            return seq
        last = seq
        time.sleep(0.5)
    raise AssertionError(f"event {event_id} kept growing for {timeout} s")


def log_in(page: Page, username: str = "olive", password: str = PASSWORD) -> None:
    """Type as a person would: the username field has the focus, Enter submits."""
    # Module scripts run just before DOMContentLoaded; an Enter before that posts the form.
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def open_event(page: Page, server: LiveServer, event_id: int, username: str = "olive") -> None:
    page.goto(f"{server.url}/login?next=/events/{event_id}")
    log_in(page, username)
    expect(page).to_have_url(f"{server.url}/events/{event_id}")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    # Out of the way: a pointer over the list holds it still.
    page.mouse.move(2, 2)


def rendered(page: Page) -> list[dict[str, int]]:
    """The rows on screen, top to bottom, as their seq and mention id."""
    rows: list[dict[str, int]] = page.eval_on_selector_all(
        "#feed .mention",
        "rows => rows.map(r => ({seq: Number(r.dataset.seq), id: Number(r.dataset.id)}))",
    )
    return rows


def record_states(page: Page) -> None:
    """Keep every value the connection indicator takes, however briefly it shows."""
    page.evaluate(
        """() => {
            const conn = document.getElementById("conn");
            window.seenStates = [conn.dataset.state];
            new MutationObserver(() => {
                if (window.seenStates.at(-1) !== conn.dataset.state) {
                    window.seenStates.push(conn.dataset.state);
                }
            }).observe(conn, { attributes: true, attributeFilter: ["data-state"] });
        }"""
    )


def seen_states(page: Page) -> list[str]:
    states: list[str] = page.evaluate("window.seenStates")
    return states
