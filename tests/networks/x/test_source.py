"""X sources against a fake X speaking the filtered stream's real protocol: chunked
newline-delimited JSON with \\r\\n keep-alives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from app.config import Settings
from app.ingest.sources.base import EventInfo, MentionEdited, SharedResources
from app.networks.x.source import XConfig, XSource
from tests.fakes.scripted_stream import DROP, HOLD
from tests.fakes.server import serve_asgi
from tests.fakes.x_stream import KEEP_ALIVE, RATE_LIMIT_RESET_SECONDS, TOKEN, FakeX, line, post
from tests.networks.fixtures import fixture_bytes
from tests.networks.harness import Kept, RecordingSleep, context_for, running, stop, until


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeX, str]]:
    server = FakeX()
    async with serve_asgi(server.app()) as url:
        yield server, url


def settings_for(url: str, token: str = TOKEN, **extra: Any) -> Settings:
    values: dict[str, Any] = {"x_stream_read_timeout_seconds": 5, **extra}
    return Settings(
        environment="test",
        x_api_url=url,
        x_bearer_token=token,
        listen_state_report_seconds=0,
        **values,
    )


def source_for(kept: Kept, settings: Settings, sleep: RecordingSleep, **context: Any) -> XSource:
    return XSource(context_for(kept, settings, **context), XConfig(), sleep=sleep)


def post_id(n: int) -> str:
    return str(1_860_000_000_000_000_000 + n)


async def test_a_real_stream_line_reaches_the_event_whose_rule_it_matched(
    fake: tuple[FakeX, str],
) -> None:
    server, url = fake
    # The captured line names its rule by a numeric id and no tag: routed by the id.
    server.first_rule_id = 1377649934414049282
    server.connections = [
        [KEEP_ALIVE, fixture_bytes("x_stream_tweet.json").strip() + b"\r\n", KEEP_ALIVE, HOLD]
    ]
    kept = Kept()
    task = await running(
        source_for(kept, settings_for(url), RecordingSleep(), hashtags=("dogs",)).run
    )
    try:
        await until(lambda: len(kept.mentions) == 1)
    finally:
        await stop(task)

    assert kept.ids == ["1377650387579248643"]
    assert server.rule_changes[0] == {
        "add": [{"value": "#dogs -is:retweet", "tag": "cuedesk-event-7"}]
    }
    asked = server.stream_requests[0]
    assert asked["expansions"] == "author_id"
    assert "created_at" in asked["tweet.fields"] and "referenced_tweets" in asked["tweet.fields"]
    assert "connected" in kept.statuses
    assert kept.states[-1]["reads_month"] == 1 and kept.states[-1]["reads_cap"] == 3_000_000
    assert server.rules == []  # the source stopped: its rule went with it


async def test_two_events_share_one_connection_each_getting_its_own_posts(
    fake: tuple[FakeX, str],
) -> None:
    server, url = fake
    both_joined = asyncio.Event()
    server.connections = [
        [
            both_joined,
            line(post(1, tag="cuedesk-event-7")),
            line(post(2, tag="cuedesk-event-8", rule_id="2")),
            HOLD,
        ]
    ]
    resources = SharedResources()
    settings = settings_for(url)
    seven, eight = Kept(), Kept()
    first = await running(source_for(seven, settings, RecordingSleep(), resources=resources).run)
    second = await running(
        source_for(
            eight,
            settings,
            RecordingSleep(),
            resources=resources,
            event_id=8,
            source_id=2,
            hashtags=("Other",),
        ).run
    )
    try:
        await until(lambda: len(server.rules) == 2, what="both events' rules")
        both_joined.set()
        await until(lambda: len(seven.mentions) == 1 and len(eight.mentions) == 1)
    finally:
        await stop(first)
        await stop(second)
        await resources.aclose()

    assert seven.ids == [post_id(1)] and eight.ids == [post_id(2)]
    assert len(server.stream_requests) == 1
    tags = sorted(rule["tag"] for change in server.rule_changes for rule in change.get("add", []))
    assert tags == ["cuedesk-event-7", "cuedesk-event-8"]


async def test_duplicates_out_of_order_posts_and_edits_make_one_mention_each(
    fake: tuple[FakeX, str],
) -> None:
    server, url = fake
    original = post(5, "First version #CupFinal")
    edit = post(6, "Second version #CupFinal")
    edit["data"]["edit_history_tweet_ids"] = [post_id(5), post_id(6)]
    server.connections = [
        [line(post(4)), line(post(3)), line(post(4)), line(original), line(edit), HOLD]
    ]
    kept = Kept()
    task = await running(source_for(kept, settings_for(url), RecordingSleep()).run)
    try:
        await until(lambda: len(kept.changes) == 1)
    finally:
        await stop(task)

    assert kept.ids == [
        post_id(4),
        post_id(3),
        post_id(5),
        post_id(5),
    ]  # the store dedupes the edit's
    (change,) = kept.changes
    assert isinstance(change, MentionEdited)
    assert (change.external_id, change.text) == (post_id(5), "Second version #CupFinal")


async def test_a_connection_cut_mid_line_reconnects_at_once_and_recent_search_fills_the_gap(
    fake: tuple[FakeX, str],
) -> None:
    server, url = fake
    cut = line(post(11))[:30]
    server.connections = [[line(post(10)), cut, DROP], [line(post(13)), HOLD]]
    server.recent = [post(10), post(11), post(12)]
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, settings_for(url), sleep).run)
    try:
        await until(lambda: [kind for kind, _ in kept.gaps] == ["opened", "closed"])
        await until(lambda: len(kept.mentions) == 4)
    finally:
        await stop(task)

    assert sorted(kept.ids) == [post_id(n) for n in (10, 11, 12, 13)]
    assert sleep.waits == [0.0]
    assert server.recent_requests[0]["since_id"] == post_id(10)
    assert server.recent_requests[0]["query"] == "#CupFinal -is:retweet"
    assert kept.gaps[1][1]["backfilled"] is True
    assert kept.states[-1]["reads_month"] == 4  # 1 streamed + 2 searched + 1 streamed


async def test_a_stream_silent_past_the_read_timeout_is_dead_and_reconnected(
    fake: tuple[FakeX, str],
) -> None:
    server, url = fake
    server.connections = [[line(post(20)), HOLD], [line(post(21)), HOLD]]
    kept = Kept()
    task = await running(
        source_for(kept, settings_for(url, x_stream_read_timeout_seconds=0.5), RecordingSleep()).run
    )
    try:
        await until(lambda: len(kept.mentions) == 2)
    finally:
        await stop(task)

    assert len(server.stream_requests) >= 2
    assert any("read timeout" in (state["message"] or "") for state in kept.states)


async def test_a_429_waits_for_the_reset_x_gave(fake: tuple[FakeX, str]) -> None:
    server, url = fake
    server.refuse_with = [429]
    server.connections = [[line(post(30)), HOLD]]
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, settings_for(url), sleep).run)
    try:
        await until(lambda: len(kept.mentions) == 1)
    finally:
        await stop(task)

    assert RATE_LIMIT_RESET_SECONDS - 30 < sleep.waits[0] <= RATE_LIMIT_RESET_SECONDS + 1
    assert "rate_limited" in kept.statuses


async def test_http_errors_back_off_from_five_seconds_doubling_then_recover(
    fake: tuple[FakeX, str],
) -> None:
    server, url = fake
    server.refuse_with = [503, 500, 503]
    server.connections = [[line(post(40)), HOLD]]
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, settings_for(url), sleep).run)
    try:
        await until(lambda: len(kept.mentions) == 1)
    finally:
        await stop(task)

    assert sleep.waits == [5.0, 10.0, 20.0]
    assert kept.statuses[-1] == "connected"


async def test_malformed_lines_are_counted_kept_and_skipped(fake: tuple[FakeX, str]) -> None:
    server, url = fake
    truncated = fixture_bytes("twarc_csv_streaming_output_with_error.jsonl").splitlines()[-1]
    server.connections = [[truncated + b"\r\n", b'{"unexpected": true}\r\n', line(post(50)), HOLD]]
    kept = Kept()
    source = source_for(kept, settings_for(url), RecordingSleep())
    task = await running(source.run)
    try:
        await until(lambda: len(kept.mentions) == 1)
    finally:
        await stop(task)

    assert source.state.malformed == 2
    assert kept.states[-1]["malformed"] == 2
    assert len(source.state.samples) == 2


async def test_a_refused_token_says_so_and_waits_instead_of_retrying(
    fake: tuple[FakeX, str],
) -> None:
    server, url = fake
    kept = Kept()
    sleep = RecordingSleep()
    task = await running(source_for(kept, settings_for(url, token="wrong"), sleep).run)
    try:
        await until(lambda: len(sleep.waits) == 1)
    finally:
        await stop(task)

    assert sleep.waits == [900.0]
    assert kept.statuses[-1] == "refused"
    assert "refused the credentials" in kept.states[-1]["message"]
    assert server.stream_requests == []  # not even one stream connection


async def test_an_x_source_without_a_bearer_token_anywhere_is_refused_naming_both_ways(
    app: Any, producer: Any, event_id: int
) -> None:
    response = await producer.post(f"/api/events/{event_id}/sources", json={"kind": "x"})
    assert response.status_code == 422, response.text
    message = response.json()["detail"]
    assert "CUEDESK_X_BEARER_TOKEN" in message and "X account connected for every event" in message
    assert (await producer.get(f"/api/events/{event_id}/sources")).json() == []


async def test_a_source_resumed_after_a_restart_fills_the_time_it_was_down(
    fake: tuple[FakeX, str],
) -> None:
    server, url = fake
    server.recent = [post(60), post(61)]
    kept = Kept()
    previous = {"last_id": post_id(60), "last_item_at": "2026-12-01T19:00:00.000Z"}
    source = source_for(kept, settings_for(url), RecordingSleep(), previous_state=previous)
    task = await running(source.run)
    try:
        await until(lambda: len(kept.gaps) == 2)
    finally:
        await stop(task)

    assert kept.ids == [post_id(61)]
    (_opened, gap), (_closed, end) = kept.gaps
    assert gap["from_at"].isoformat() == "2026-12-01T19:00:00+00:00"
    assert end["backfilled"] is True


async def test_the_rules_follow_the_events_hashtags_when_they_change(
    fake: tuple[FakeX, str],
) -> None:
    server, url = fake
    server.connections = [[HOLD]]
    kept = Kept()
    renamed = EventInfo(id=7, name="Cup Final", hashtags=("CupFinal", "Extra"))

    async def reload() -> EventInfo:
        return renamed

    context = replace(
        context_for(kept, settings_for(url, x_rules_refresh_seconds=0.05)), reload_event=reload
    )
    task = await running(XSource(context, XConfig(), sleep=RecordingSleep()).run)
    try:
        await until(
            lambda: [r["value"] for r in server.rules] == ["(#CupFinal OR #Extra) -is:retweet"]
        )
    finally:
        await stop(task)

    assert len(server.stream_requests) == 1  # the same connection, new rules
