from __future__ import annotations

import httpx

from tests.factories import mention_payload


async def seed(client: httpx.AsyncClient, event_id: int) -> None:
    batch = [
        mention_payload(1, text="Kickoff! #CupFinal"),
        mention_payload(2, network="mastodon", text="Is the ref blind?? #CupFinal"),
        mention_payload(3, network="bluesky", text="50% of me wants extra time"),
        mention_payload(4, text="GOAL GOAL GOAL", author={"handle": "bigclub", "followers": 9}),
    ]
    response = await client.post(f"/api/events/{event_id}/mentions", json=batch)
    assert response.status_code == 200, response.text


async def test_list_is_newest_first_by_default(producer: httpx.AsyncClient, event_id: int) -> None:
    await seed(producer, event_id)
    items = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    assert [m["external_id"] for m in items] == ["4", "3", "2", "1"]


async def test_filter_by_network_and_state(producer: httpx.AsyncClient, event_id: int) -> None:
    await seed(producer, event_id)
    url = f"/api/events/{event_id}/mentions"
    mastodon = (await producer.get(url, params={"network": "mastodon"})).json()["items"]
    assert [m["external_id"] for m in mastodon] == ["2"]
    new = (await producer.get(url, params={"state": "new"})).json()["items"]
    assert len(new) == 4
    assert (await producer.get(url, params={"state": "replied"})).json()["items"] == []


async def test_text_search_is_case_insensitive_and_literal(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await seed(producer, event_id)
    url = f"/api/events/{event_id}/mentions"
    goal = (await producer.get(url, params={"q": "goal"})).json()["items"]
    assert [m["external_id"] for m in goal] == ["4"]
    percent = (await producer.get(url, params={"q": "50%"})).json()["items"]
    assert [m["external_id"] for m in percent] == ["3"]
    by_handle = (await producer.get(url, params={"q": "BIGCLUB"})).json()["items"]
    assert [m["external_id"] for m in by_handle] == ["4"]


async def test_after_seq_pages_forward_in_arrival_order(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await seed(producer, event_id)
    url = f"/api/events/{event_id}/mentions"
    first = (await producer.get(url, params={"order": "asc", "limit": 2})).json()
    assert [m["external_id"] for m in first["items"]] == ["1", "2"]
    assert first["has_more"] is True
    after = first["items"][-1]["seq"]
    rest = (await producer.get(url, params={"order": "asc", "after_seq": after})).json()
    assert [m["external_id"] for m in rest["items"]] == ["3", "4"]
    assert rest["has_more"] is False


async def test_before_seq_pages_backwards(producer: httpx.AsyncClient, event_id: int) -> None:
    await seed(producer, event_id)
    url = f"/api/events/{event_id}/mentions"
    newest = (await producer.get(url, params={"limit": 3})).json()
    older = (await producer.get(url, params={"before_seq": newest["items"][-1]["seq"]})).json()[
        "items"
    ]
    assert [m["external_id"] for m in older] == ["1"]


async def test_bad_filters_are_refused(producer: httpx.AsyncClient, event_id: int) -> None:
    url = f"/api/events/{event_id}/mentions"
    for params in ({"state": "lost"}, {"network": "fax"}, {"limit": 0}, {"after_seq": -1}):
        response = await producer.get(url, params=params)
        assert response.status_code == 422, params
    assert (await producer.get("/api/events/999/mentions")).status_code == 404


async def test_each_mention_carries_priority_tags_flag_and_claim(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await seed(producer, event_id)
    items = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    for mention in items:
        assert mention["tags"] == []
        assert mention["flagged"] is False
        assert mention["claim"] is None
    question = next(m for m in items if m["external_id"] == "2")
    assert question["priority"] > next(m for m in items if m["external_id"] == "1")["priority"]


async def test_sort_by_priority_pages_with_a_cursor(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    batch = [
        mention_payload(1, text="nice", author={"handle": "a", "followers": 0}),
        mention_payload(2, text="worst ever", author={"handle": "b", "followers": 0}),
        mention_payload(3, text="nice", author={"handle": "c", "followers": 0}),
        mention_payload(4, text="why?", author={"handle": "d", "followers": 0}),
        mention_payload(5, text="awful", author={"handle": "e", "followers": 0}),
    ]
    await producer.post(f"/api/events/{event_id}/mentions", json=batch)
    url = f"/api/events/{event_id}/mentions"
    seen = []
    params: dict[str, str | int] = {"sort": "priority", "limit": 2}
    while True:
        page = (await producer.get(url, params=params)).json()
        seen += [m["external_id"] for m in page["items"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        params["cursor"] = page["next_cursor"]
    # Negative (30) first, oldest first among equals, then the question (25), then the rest.
    assert seen == ["2", "5", "4", "1", "3"]


async def test_a_cursor_needs_sort_priority_and_the_right_form(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    url = f"/api/events/{event_id}/mentions"
    no_sort = await producer.get(url, params={"cursor": "10:3"})
    assert no_sort.status_code == 422
    assert "sort=priority" in no_sort.json()["detail"]
    for cursor in ("ten", "10", "10:x", ":3"):
        response = await producer.get(url, params={"sort": "priority", "cursor": cursor})
        assert response.status_code == 422, cursor
    assert (await producer.get(url, params={"sort": "loudest"})).status_code == 422


async def test_heads_only_lists_a_flood_once_in_the_queue_order(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    copies = [
        mention_payload(
            n, text="", repost_of_id="1", author={"handle": f"b{n}", "followers": 10**6}
        )
        for n in range(10, 14)
    ]
    batch = [
        mention_payload(1, text="Penalty saved!", author={"handle": "a", "followers": 10**3}),
        *copies,
        mention_payload(2, text="nice", author={"handle": "c", "followers": 0}),
    ]
    await producer.post(f"/api/events/{event_id}/mentions", json=batch)
    url = f"/api/events/{event_id}/mentions"
    params = {"state": "new", "sort": "priority"}
    every = (await producer.get(url, params=params)).json()["items"]
    assert [m["external_id"] for m in every] == ["10", "11", "12", "13", "1", "2"]
    heads = (await producer.get(url, params={**params, "heads_only": "true"})).json()["items"]
    assert [m["external_id"] for m in heads] == ["1", "2"]
