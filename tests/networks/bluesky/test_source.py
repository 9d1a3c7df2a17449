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
