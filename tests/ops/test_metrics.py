"""``GET /metrics``: Prometheus' text format, figures that move with what the desk does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.factories import mention_payload
from tests.ops.helpers import Scrape, scrape, scrape_until
from tests.stream.conftest import LiveServer, open_console

FAMILIES = {
    "cuedesk_http_requests",
    "cuedesk_http_request_duration_seconds",
    "cuedesk_ingest_mentions",
    "cuedesk_ingest_lag_seconds",
    "cuedesk_ingest_queue_depth",
    "cuedesk_sources_leader",
    "cuedesk_stream_open_sockets",
    "cuedesk_stream_frames_sent",
    "cuedesk_stream_entries_sent",
    "cuedesk_broker_errors",
    "cuedesk_outbox_replies",
    "process_resident_memory_bytes",
}


async def test_metrics_answers_prometheus_text_with_every_family(anon: httpx.AsyncClient) -> None:
    current = await scrape(anon)
    assert FAMILIES <= set(current.families)
    assert current.value("cuedesk_sources_leader") == 1
    assert current.value("cuedesk_ingest_queue_depth") == 0
    for status in ("queued", "sending", "retrying", "failed"):
        assert current.value("cuedesk_outbox_replies", status=status) == 0


async def test_requests_count_under_their_route_template_not_their_path(
    anon: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    series = {"method": "GET", "route": "/api/events/{event_id}", "status": "2xx"}
    before = await scrape(anon)
    for _ in range(2):
        assert (await producer.get(f"/api/events/{event_id}")).status_code == 200
    assert (await producer.get("/api/events/999999")).status_code == 404
    assert (await anon.get("/no/such/page/12345")).status_code == 404
    after = await scrape(anon)

    assert after.value("cuedesk_http_requests_total", **series) == (
        before.value("cuedesk_http_requests_total", **series) + 2
    )
    missing = {**series, "status": "4xx"}
    assert after.value("cuedesk_http_requests_total", **missing) == (
        before.value("cuedesk_http_requests_total", **missing) + 1
    )
    timed = {"method": "GET", "route": "/api/events/{event_id}"}
    assert after.value("cuedesk_http_request_duration_seconds_count", **timed) == (
        before.value("cuedesk_http_request_duration_seconds_count", **timed) + 3
    )
    routes = after.label_values("cuedesk_http_requests_total", "route")
    assert "unmatched" in routes
    assert not [route for route in routes if "999999" in route or "12345" in route]
    assert f"/api/events/{event_id}" not in routes


async def test_stored_mentions_move_the_ingest_counter_and_duplicates_do_not(
    anon: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    before = await scrape(anon)
    first = [mention_payload(i) for i in range(3)]
    again = [mention_payload(2), mention_payload(3)]
    for batch in (first, again):
        response = await producer.post(f"/api/events/{event_id}/mentions", json=batch)
        assert response.status_code == 200, response.text
    after = await scrape(anon)
    assert after.value("cuedesk_ingest_mentions_total") == (
        before.value("cuedesk_ingest_mentions_total") + 4
    )


async def test_a_running_source_moves_the_ingest_counter_and_its_lag(
    anon: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    before = await scrape(anon)
    response = await producer.post(
        f"/api/events/{event_id}/sources",
        json={"kind": "simulator", "config": {"seed": 3, "rate": 2000, "spikes": False}},
    )
    assert response.status_code == 201, response.text

    def moved(current: Scrape) -> bool:
        return current.value("cuedesk_ingest_mentions_total") > before.value(
            "cuedesk_ingest_mentions_total"
        ) and current.value("cuedesk_ingest_lag_seconds_count") > before.value(
            "cuedesk_ingest_lag_seconds_count"
        )

    await scrape_until(anon, moved, what="simulated mentions stored, with their lag")
    stopped = await producer.delete(f"/api/events/{event_id}/sources/{response.json()['id']}")
    assert stopped.status_code == 200, stopped.text


async def test_an_open_console_shows_in_the_socket_gauge_and_its_deliveries_count(
    live: LiveServer, api: httpx.AsyncClient, tokens: dict[str, str], stream_event: int
) -> None:
    event = str(stream_event)
    before = await scrape(api)
    assert event not in before.label_values("cuedesk_stream_open_sockets", "event_id")
    async with open_console(live.ws_url(stream_event), tokens["viewer"]) as console:
        await console.receive_type("hello")
        await scrape_until(
            api,
            lambda s: s.value("cuedesk_stream_open_sockets", event_id=event) == 1,
            what="the open console",
        )
        response = await api.post(
            f"/api/events/{stream_event}/mentions", json=[mention_payload(i) for i in range(5)]
        )
        assert response.status_code == 200, response.text
        await console.until_seq(6)
        delivered = before.value("cuedesk_stream_entries_sent_total") + 5
        await scrape_until(
            api,
            lambda s: s.value("cuedesk_stream_entries_sent_total") >= delivered,
            what="five entries delivered",
        )
    await scrape_until(
        api,
        lambda s: event not in s.label_values("cuedesk_stream_open_sockets", "event_id"),
        what="the console gone",
    )
    after = await scrape(api)
    frames = len(console.frames)
    assert after.value("cuedesk_stream_frames_sent_total") >= (
        before.value("cuedesk_stream_frames_sent_total") + frames
    )


@pytest.fixture
def guarded_settings(settings: Settings) -> Settings:
    settings.metrics_token = "scrape-token-0123456789"
    return settings


async def test_with_a_metrics_token_set_only_a_scraper_sending_it_reads_metrics(
    guarded_settings: Settings,
) -> None:
    app = create_app(guarded_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            refused: list[Any] = [
                await client.get("/metrics"),
                await client.get("/metrics", headers={"Authorization": "Bearer wrong"}),
            ]
            allowed = await client.get(
                "/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"}
            )
            health = await client.get("/healthz")
    for response in refused:
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "scrape-token" not in response.text
    assert allowed.status_code == 200
    assert "cuedesk_http_requests_total" in allowed.text
    assert health.status_code == 200
