"""The Mastodon source against a fake server speaking server-sent events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.config import Settings
from app.ingest.sources.base import MentionDeleted, MentionEdited
from app.networks.mastodon.source import MastodonConfig, MastodonSource
from tests.fakes.mastodon_stream import (
    HEARTBEAT,
    RATE_LIMIT_RESET_SECONDS,
    TOKEN,
    FakeMastodonStream,
    sse,
    status,
)
from tests.fakes.scripted_stream import DROP, HOLD
from tests.fakes.server import serve_asgi
from tests.networks.fixtures import fixture_bytes
from tests.networks.harness import Kept, RecordingSleep, context_for, running, stop, until


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeMastodonStream, str]]:
    server = FakeMastodonStream()
    async with serve_asgi(server.app()) as url:
        yield server, url


def settings_for(*urls: str, token: str = TOKEN, **extra: Any) -> Settings:
    return Settings(
        environment="test",
        mastodon_servers=[{"url": url, "token": token} for url in urls],
        mastodon_stream_read_timeout_seconds=5,
        listen_state_report_seconds=0,
        **extra,
    )


def source_for(
    kept: Kept, settings: Settings, sleep: RecordingSleep, **context: Any
) -> MastodonSource:
    return MastodonSource(context_for(kept, settings, **context), MastodonConfig(), sleep=sleep)


async def test_a_status_on_the_stream_becomes_one_mention_and_the_source_says_connected(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    server.connections = [[HEARTBEAT, fixture_bytes("mastodon_sse_update.txt"), HOLD]]
    kept = Kept()
    task = await running(
        source_for(kept, settings_for(url), RecordingSleep(), hashtags=("#Test",)).run
    )
    try:
        await until(lambda: len(kept.mentions) == 1, what="the fixture's status")
    finally:
        await stop(task)

    assert kept.ids == ["https://mastodon.social/users/trwnh/statuses/108914430312582020"]
    assert server.stream_requests == [{"tag": "test"}]  # through the instance's streaming host
    assert "connected" in kept.statuses
    assert kept.states[-1]["last_item_at"] is not None
    assert kept.states[-1]["items_per_minute"] == 1


async def test_a_status_delivered_twice_or_by_two_servers_is_one_mention(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    first, second = status(1), status(2)
    server.connections = [
        [sse("update", first), sse("update", second), sse("update", first), HOLD],
        [sse("update", second), HOLD],
    ]
    kept = Kept()
    # The same fake twice, as two servers: the second sees status 2 again.
    settings = settings_for(url, url.replace("127.0.0.1", "localhost"))
    task = await running(source_for(kept, settings, RecordingSleep()).run)
    try:
        await until(lambda: len(server.stream_requests) == 2 and len(kept.mentions) >= 2)
        await until(lambda: not server.connections, what="both streams played")
    finally:
        await stop(task)

    assert sorted(kept.ids) == sorted([first["uri"], second["uri"]])


async def test_deletes_and_edits_follow_the_stored_mention_by_its_uri(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    post = status(3, "First take #CupFinal")
    edited = {
        **post,
        "content": "<p>Second take #CupFinal</p>",
        "edited_at": "2026-12-01T20:05:00.000Z",
    }
    server.connections = [
        [
            sse("update", post),
            sse("status.update", edited),
            sse("delete", post["id"]),
            sse("delete", "999"),
            HOLD,
        ]
    ]
    kept = Kept()
    task = await running(source_for(kept, settings_for(url), RecordingSleep()).run)
    try:
        await until(lambda: len(kept.changes) == 2, what="the edit and the delete")
    finally:
        await stop(task)

    edit, delete = kept.changes
    assert isinstance(edit, MentionEdited) and edit.external_id == post["uri"]
    assert edit.text == "Second take #CupFinal"
    assert edit.at.isoformat().startswith("2026-12-01T20:05:00")
    assert isinstance(delete, MentionDeleted) and delete.external_id == post["uri"]
    assert kept.ids == [post["uri"]]


async def test_a_stream_cut_mid_event_is_back_filled_from_the_last_id_with_nothing_lost_or_doubled(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    a, b, c = status(10), status(11), status(12)
    half_of_b = sse("update", b)[:40]
    server.connections = [[sse("update", a), half_of_b, DROP], [sse("update", c), HOLD]]
    server.timeline = [a, b, c]
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, settings_for(url), sleep).run)
    try:
        await until(lambda: "closed" in [kind for kind, _ in kept.gaps], what="the gap closed")
        await until(lambda: len(kept.mentions) == 3)
    finally:
        await stop(task)

    assert sorted(kept.ids) == sorted([a["uri"], b["uri"], c["uri"]])
    assert server.timeline_requests[0]["min_id"] == a["id"]
    assert sleep.waits[0] == 0  # an established connection that drops: reconnect at once
    (opened, gap), (closed, end) = kept.gaps
    assert (opened, closed) == ("opened", "closed")
    assert end["backfilled"] is True and end["from_at"] == gap["from_at"]
    assert "reconnecting" in kept.statuses


async def test_a_429_waits_until_the_reset_the_server_gave(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    server.refuse_with = [429]
    server.connections = [[sse("update", status(20)), HOLD]]
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, settings_for(url), sleep).run)
    try:
        await until(lambda: len(kept.mentions) == 1)
    finally:
        await stop(task)

    assert RATE_LIMIT_RESET_SECONDS - 30 < sleep.waits[0] <= RATE_LIMIT_RESET_SECONDS
    limited = next(state for state in kept.states if state["status"] == "rate_limited")
    assert limited["rate_limited_until"] is not None
    assert kept.statuses[-1] == "connected"


async def test_server_errors_back_off_exponentially_then_the_stream_recovers(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    server.refuse_with = [503, 502]
    server.connections = [[sse("update", status(30)), HOLD]]
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, settings_for(url), sleep).run)
    try:
        await until(lambda: len(kept.mentions) == 1)
    finally:
        await stop(task)

    assert sleep.waits == [5.0, 10.0]
    assert kept.statuses[-1] == "connected"


async def test_malformed_and_unexpected_events_are_counted_kept_and_skipped(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    server.connections = [
        [
            sse("update", "{not json"),
            sse("notification", "{}"),
            sse("update", {"id": "5"}),
            sse("update", status(40)),
            HOLD,
        ]
    ]
    kept = Kept()
    source = source_for(kept, settings_for(url), RecordingSleep())
    task = await running(source.run)
    try:
        await until(lambda: len(kept.mentions) == 1)
    finally:
        await stop(task)

    assert source.state.malformed == 3
    assert kept.states[-1]["malformed"] == 3
    assert any("{not json" in sample for sample in source.state.samples)


async def test_a_refused_token_says_so_and_does_not_retry_in_a_storm(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, settings_for(url, token="wrong"), sleep).run)
    try:
        await until(lambda: "refused" in kept.statuses, what="the refused state")
        await until(lambda: len(sleep.waits) == 1)
    finally:
        await stop(task)

    assert len(server.stream_requests) == 1
    assert sleep.waits == [900.0]
    refused = next(state for state in kept.states if state["status"] == "refused")
    assert "refused the credentials" in refused["message"]
    assert "wrong" not in refused["message"]


async def test_statuses_out_of_order_are_all_kept_once(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    newer, older = status(51), status(50)
    server.connections = [[sse("update", newer), sse("update", older), sse("update", newer), HOLD]]
    kept = Kept()
    task = await running(source_for(kept, settings_for(url), RecordingSleep()).run)
    try:
        await until(lambda: len(kept.mentions) == 2)
        await until(lambda: not server.connections)
    finally:
        await stop(task)

    assert kept.ids == [newer["uri"], older["uri"]]


async def test_a_source_resumed_after_a_restart_fills_the_time_it_was_down(
    fake: tuple[FakeMastodonStream, str],
) -> None:
    server, url = fake
    seen, missed = status(70), status(71)
    server.timeline = [seen, missed]
    kept = Kept()
    previous = {
        "cursors": {f"{url}#cupfinal": seen["id"]},
        "last_item_at": "2026-12-01T19:00:00.000Z",
    }
    task = await running(
        source_for(kept, settings_for(url), RecordingSleep(), previous_state=previous).run
    )
    try:
        await until(lambda: len(kept.gaps) == 2)
    finally:
        await stop(task)

    assert kept.ids == [missed["uri"]]
    assert kept.gaps[0][1]["from_at"].isoformat() == "2026-12-01T19:00:00+00:00"
    assert kept.gaps[1][1]["backfilled"] is True
