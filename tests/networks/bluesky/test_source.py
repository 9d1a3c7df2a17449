"""The Bluesky source against a local Jetstream websocket and a local AppView."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.config import Settings
from app.ingest.sources.base import MentionDeleted, MentionEdited
from app.networks.bluesky.source import BlueskyConfig, BlueskySource
from tests.fakes.jetstream import (
    FakeAppView,
    FakeJetstream,
    post_event,
    profile,
    serve_jetstream,
)
from tests.fakes.server import serve_asgi
from tests.networks.fixtures import fixture_bytes
from tests.networks.harness import Kept, RecordingSleep, context_for, running, stop, until

ALICE = "did:plc:alice"
BOB = "did:plc:bob"
T0 = 1_783_175_888_000_000


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeJetstream, FakeAppView, Settings]]:
    jetstream, appview = FakeJetstream(), FakeAppView()
    appview.profiles[ALICE] = profile(ALICE, "alice.bsky.social", 120, "Alice")
    async with serve_jetstream(jetstream) as ws_url, serve_asgi(appview.app()) as http_url:
        settings = Settings(
            environment="test",
            bluesky_jetstream_url=ws_url,
            bluesky_appview_url=http_url,
            bluesky_profile_wait_seconds=0.05,
            bluesky_cursor_rewind_seconds=2,
            listen_state_report_seconds=0,
        )
        yield jetstream, appview, settings


def source_for(kept: Kept, settings: Settings, **context: Any) -> BlueskySource:
    return BlueskySource(
        context_for(kept, settings, **context), BlueskyConfig(), sleep=RecordingSleep()
    )


async def run_until(source: BlueskySource, check: Any, what: str) -> None:
    task = await running(source.run)
    try:
        await until(check, what=what)
    finally:
        await stop(task)


async def test_a_matching_post_becomes_a_mention_with_its_authors_profile(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, _appview, settings = fakes
    jetstream.events = [fixture_bytes("bluesky_jetstream_post.json").strip()]
    kept = Kept()
    source = source_for(kept, settings, hashtags=("#IndieRebellion",))
    await run_until(source, lambda: len(kept.mentions) == 1, "the fixture's post")
    assert kept.ids == ["at://did:plc:tn3hni2jpphsgl6amfbb7ja6/app.bsky.feed.post/3mptbypfywk2v"]
    assert jetstream.requests[0]["wantedCollections"] == ["app.bsky.feed.post"]
    assert kept.mentions[0].author.handle == "did:plc:tn3hni2jpphsgl6amfbb7ja6"  # no profile
    assert "connected" in kept.statuses


async def test_facet_tags_record_tags_and_keywords_match_and_other_posts_are_dropped(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, _appview, settings = fakes
    jetstream.events = [
        post_event(ALICE, "a1", T0 + 1, "Kick-off #cupfinal", facet_tags=("cupfinal",)),
        post_event(ALICE, "a2", T0 + 2, "no facet here", tags=("CUPFINAL",)),
        post_event(BOB, "b1", T0 + 3, "What a PENALTY"),
        post_event(BOB, "b2", T0 + 4, "lunch #food", facet_tags=("food",)),
        post_event(BOB, "b3", T0 + 5, "cupfinal as plain text is not a tag"),
    ]
    kept = Kept()
    source = source_for(kept, settings, hashtags=("CupFinal",), keywords=("penalty",))
    await run_until(source, lambda: len(kept.mentions) == 3, "the three matching posts")
    assert sorted(m.external_id.rsplit("/", 1)[1] for m in kept.mentions) == ["a1", "a2", "b1"]
    alice = next(m for m in kept.mentions if m.external_id.endswith("a1"))
    assert alice.author.handle == "alice.bsky.social" and alice.author.followers == 120


async def test_after_a_drop_it_resumes_from_its_rewound_cursor_losing_and_doubling_nothing(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, _appview, settings = fakes
    jetstream.events = [
        post_event(ALICE, f"p{i}", T0 + i * 1_000_000, f"#cupfinal {i}", facet_tags=("cupfinal",))
        for i in range(10)
    ]
    jetstream.cut_after = [4]
    kept = Kept()
    source = source_for(kept, settings)
    await run_until(source, lambda: len(kept.mentions) == 10, "all ten posts")
    assert sorted(kept.ids) == sorted({m.external_id for m in kept.mentions})
    # Rewound 2 s from the fourth post's time: the overlap was replayed, then deduplicated.
    assert jetstream.requests[1]["cursor"] == [str(T0 + 3_000_000 - 2_000_000)]
    opened = [g for g in kept.gaps if g[0] == "opened"]
    closed = [g for g in kept.gaps if g[0] == "closed"]
    assert len(opened) == 1 and closed[0][1]["backfilled"] is True
    assert kept.states[-1]["cursor"] == T0 + 9_000_000


async def test_a_delete_and_an_update_of_a_delivered_post_mark_it_and_others_are_ignored(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, _appview, settings = fakes
    jetstream.events = [
        post_event(ALICE, "a1", T0 + 1, "#cupfinal goal", facet_tags=("cupfinal",)),
        post_event(
            ALICE, "a1", T0 + 2, "#cupfinal GOAL!", operation="update", facet_tags=("cupfinal",)
        ),
        post_event(BOB, "zz", T0 + 3, "", operation="delete"),
        post_event(ALICE, "a1", T0 + 4, "", operation="delete"),
    ]
    kept = Kept()
    source = source_for(kept, settings)
    await run_until(source, lambda: len(kept.changes) == 2, "the update and the delete")
    edited, deleted = kept.changes
    assert isinstance(edited, MentionEdited) and edited.text == "#cupfinal GOAL!"
    assert isinstance(deleted, MentionDeleted)
    assert deleted.external_id == f"at://{ALICE}/app.bsky.feed.post/a1"
    assert len(kept.mentions) == 1


async def test_malformed_frames_are_skipped_and_counted_and_the_stream_goes_on(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, _appview, settings = fakes
    jetstream.events = [
        b'{"did":"did:plc:x","time_us":1,"kind":"commit","commit":{"operation":"create" #cupfinal',
        post_event(BOB, "b0", T0, "#cupfinal", facet_tags=("cupfinal",), created_at="yesterday"),
        post_event(BOB, "b1", T0 + 1, "#cupfinal", facet_tags=("cupfinal",), created_at=None),
        post_event(BOB, "b2", T0 + 2, "#cupfinal ok", facet_tags=("cupfinal",)),
    ]
    kept = Kept()
    source = source_for(kept, settings)
    await run_until(source, lambda: len(kept.mentions) == 1, "the good post")
    assert kept.mentions[0].external_id.endswith("/b2")
    assert source.state.malformed == 3


async def test_authors_are_asked_25_at_a_time_and_cached(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, appview, settings = fakes
    dids = [f"did:plc:user{i}" for i in range(30)]
    for did in dids:
        appview.profiles[did] = profile(did, f"{did[8:]}.bsky.social")
    jetstream.events = [
        post_event(did, f"r{n}", T0 + n, "#cupfinal", facet_tags=("cupfinal",))
        for n, did in enumerate(dids + dids)
    ]
    kept = Kept()
    source = source_for(kept, settings)
    await run_until(source, lambda: len(kept.mentions) == 60, "sixty posts")
    assert all(len(call) <= 25 for call in appview.calls)
    assert sum(len(call) for call in appview.calls) == 30  # each author asked once
    assert all(m.author.handle.endswith(".bsky.social") for m in kept.mentions)


async def test_a_post_delivered_twice_and_posts_out_of_order_are_each_one_mention(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, _appview, settings = fakes
    first = post_event(ALICE, "a1", T0 + 5, "#cupfinal one", facet_tags=("cupfinal",))
    second = post_event(ALICE, "a2", T0 + 2, "#cupfinal two", facet_tags=("cupfinal",))
    jetstream.events = [first, second, first]
    kept = Kept()
    source = source_for(kept, settings)
    await run_until(source, lambda: len(kept.mentions) == 2, "the two posts")
    assert sorted(kept.ids) == [
        f"at://{ALICE}/app.bsky.feed.post/a1",
        f"at://{ALICE}/app.bsky.feed.post/a2",
    ]
    assert source.cursor == T0 + 5  # the later time, not the out-of-order one


async def test_a_503_then_a_429_are_waited_out_and_the_stream_recovers(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, _appview, settings = fakes
    jetstream.refuse_with = [503, 429]
    jetstream.events = [post_event(ALICE, "a1", T0, "#cupfinal", facet_tags=("cupfinal",))]
    kept = Kept()
    sleep = RecordingSleep()
    source = BlueskySource(context_for(kept, settings), BlueskyConfig(), sleep=sleep)
    await run_until(source, lambda: len(kept.mentions) == 1, "the post after recovery")
    assert jetstream.handshakes == 3
    # 5 s for the 5xx, a minute for the 429, each jittered into its upper half.
    assert 2.5 <= sleep.waits[0] <= 5 and 30 <= sleep.waits[1] <= 60
    assert {"reconnecting", "rate_limited", "connected"} <= set(kept.statuses)


async def test_a_restarted_source_resumes_from_its_reported_cursor_and_opens_a_gap(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, _appview, settings = fakes
    jetstream.events = [
        post_event(ALICE, f"p{i}", T0 + i * 1_000_000, "#cupfinal", facet_tags=("cupfinal",))
        for i in range(6)
    ]
    kept = Kept()
    previous = {"cursor": T0 + 4_000_000, "last_item_at": "2026-07-04T14:38:07Z"}
    source = source_for(kept, settings, previous_state=previous)
    await run_until(source, lambda: len(kept.mentions) == 4, "the replayed posts")
    assert jetstream.requests[0]["cursor"] == [str(T0 + 2_000_000)]
    assert sorted(m.external_id[-2:] for m in kept.mentions) == ["p2", "p3", "p4", "p5"]
    assert [kind for kind, _ in kept.gaps] == ["opened", "closed"]


async def test_an_author_the_appview_cannot_give_goes_with_its_did(
    fakes: tuple[FakeJetstream, FakeAppView, Settings],
) -> None:
    jetstream, _appview, settings = fakes
    down = settings.model_copy(update={"bluesky_appview_url": "http://127.0.0.1:9"})
    jetstream.events = [post_event(BOB, "b1", T0, "#cupfinal", facet_tags=("cupfinal",))]
    kept = Kept()
    await run_until(source_for(kept, down), lambda: len(kept.mentions) == 1, "the post")
    assert kept.mentions[0].author.handle == BOB
