"""Posts go out through the outbox: quick posts at once (or held for approval), a draft's
thread chained post by post, to a fake Mastodon server speaking its protocol or dry-run."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db import Database
from tests.cues.helpers import add_cue, add_drafts, entries, set_event, wait_for
from tests.factories import thread
from tests.fakes.mastodon import TOKEN, FakeMastodon


@pytest.fixture
def settings(settings: Settings, mastodon: tuple[FakeMastodon, str]) -> Settings:
    settings.publish_mastodon_url = mastodon[1]
    settings.publish_mastodon_token = TOKEN
    return settings


@pytest.fixture
def fake(mastodon: tuple[FakeMastodon, str]) -> FakeMastodon:
    return mastodon[0]


async def test_a_quick_post_is_published_at_once_on_each_network_given(
    fake: FakeMastodon, olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    response = await olive.post(
        f"/api/events/{event_id}/quick-posts",
        json={"texts": {"x": "The lights are out!", "mastodon": "The lights are out!"}},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "published"
    assert [p["network"] for p in body["posts"]] == ["x", "mastodon"]
    assert {p["cue_firing"] for p in body["posts"]} == {0}
    published = await wait_for(producer, event_id, "post.published", count=2)
    by_network = {e["data"]["post"]["network"]: e["data"]["post"] for e in published}
    assert by_network["x"]["dry_run"] is True
    assert by_network["mastodon"]["dry_run"] is False
    (status,) = fake.statuses
    assert status["in_reply_to_id"] is None  # a post, not a reply
    assert by_network["mastodon"]["external_id"] == status["id"]
    assert by_network["mastodon"]["external_url"] == status["url"]
    kinds = [e["type"] for e in await entries(producer, event_id, "post.sending")]
    assert len(kinds) == 2
    post_id = body["posts"][1]["id"]
    fetched = (await producer.get(f"/api/posts/{post_id}")).json()
    assert fetched["status"] == "published"
    assert (await producer.get("/api/posts/99999")).status_code == 404


async def test_a_quick_post_over_a_limit_is_refused_naming_the_network_and_count(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    response = await olive.post(
        f"/api/events/{event_id}/quick-posts",
        json={"texts": {"mastodon": "fine", "bluesky": "b" * 301}},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["network"] == "bluesky" and body["length"] == 301 and body["limit"] == 300
    assert "Bluesky" in body["detail"]
    empty = await olive.post(f"/api/events/{event_id}/quick-posts", json={"texts": {"x": "  "}})
    assert empty.status_code == 422
    assert (await producer.get(f"/api/events/{event_id}/posts")).json()["posts"] == []
    assert await entries(producer, event_id, "post.queued") == []


async def test_a_quick_post_waits_for_approval_when_the_event_says_so(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    await set_event(db, event_id, quick_posts_need_approval=True)
    held = await olive.post(f"/api/events/{event_id}/quick-posts", json={"texts": {"x": "Wow"}})
    assert held.status_code == 202, held.text
    assert held.json()["status"] == "held_for_approval"
    draft_id = held.json()["draft_id"]
    # Made by the drafts service and submitted at once: a draft in review, without a cue.
    (created,) = await entries(producer, event_id, "draft.created")
    (submitted,) = await entries(producer, event_id, "draft.submitted")
    draft = submitted["data"]["draft"]
    assert created["data"]["draft"]["id"] == draft_id
    assert draft["id"] == draft_id and draft["status"] == "in_review" and draft["cue_id"] is None
    assert draft["content"]["posts"][0]["texts"]["x"] == "Wow"
    assert (await producer.get(f"/api/events/{event_id}/posts")).json()["posts"] == []
    # A producer's quick post needs no one's approval.
    direct = await producer.post(f"/api/events/{event_id}/quick-posts", json={"texts": {"x": "Go"}})
    assert direct.status_code == 201


async def test_a_viewer_cannot_quick_post(client_as: Any, event_id: int) -> None:
    viewer = await client_as("viewer")
    response = await viewer.post(f"/api/events/{event_id}/quick-posts", json={"texts": {"x": "Hi"}})
    assert response.status_code == 403


async def test_a_thread_is_chained_each_post_answering_the_one_before(
    fake: FakeMastodon, producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    cue = await add_cue(producer, event_id)
    content = thread(
        {"mastodon": "1/3 What a night", "x": "1/2 What a night"},
        {"mastodon": "2/3 the goal", "x": "2/2 the goal"},
        {"mastodon": "3/3 the cup"},
    )
    await add_drafts(db, event_id, cue["id"], content=content)
    fired = (await producer.post(f"/api/cues/{cue['id']}/fire")).json()
    assert len(fired["posts"]) == 5
    await wait_for(producer, event_id, "post.published", count=5)
    texts = [s["content"] for s in fake.statuses]
    assert texts == ["<p>1/3 What a night</p>", "<p>2/3 the goal</p>", "<p>3/3 the cup</p>"]
    first, second, third = fake.statuses
    assert first["in_reply_to_id"] is None
    assert second["in_reply_to_id"] == first["id"]
    assert third["in_reply_to_id"] == second["id"]
    posts = (await producer.get(f"/api/events/{event_id}/posts")).json()["posts"]
    x_posts = sorted((p for p in posts if p["network"] == "x"), key=lambda p: p["thread_index"])
    assert [p["dry_run"] for p in x_posts] == [True, True]


async def test_a_thread_whose_post_fails_fails_the_rest_of_it(
    fake: FakeMastodon, producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    fake.plan = ["422"]
    cue = await add_cue(producer, event_id)
    content = thread({"mastodon": "1/3"}, {"mastodon": "2/3"}, {"mastodon": "3/3"})
    await add_drafts(db, event_id, cue["id"], content=content)
    await producer.post(f"/api/cues/{cue['id']}/fire")
    failed = await wait_for(producer, event_id, "post.failed", count=3)
    assert fake.statuses == [] and len(fake.requests) == 1
    errors = [e["data"]["post"]["last_error"] for e in failed]
    assert "Text character limit" in errors[0]
    assert errors[1:] == ["not sent: post 1 of the thread, which it answers, failed"] * 2


async def test_a_lost_answer_is_retried_and_posts_once(
    fake: FakeMastodon, olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    fake.plan = ["lose"]
    await olive.post(f"/api/events/{event_id}/quick-posts", json={"texts": {"mastodon": "Once"}})
    (published,) = await wait_for(producer, event_id, "post.published", timeout=15)
    assert len(fake.statuses) == 1 and len({r["key"] for r in fake.requests}) == 1
    assert len(fake.requests) == 2 and published["data"]["post"]["attempts"] == 2
    assert len(await entries(producer, event_id, "post.retrying")) == 1
