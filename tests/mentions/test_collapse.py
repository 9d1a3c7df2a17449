"""Flood collapse at ingest: reposts, quotes and near-identical texts join one group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.db import Database
from app.mentions import collapse
from app.mentions import service as mentions
from app.mentions.schemas import MentionIn
from tests.factories import mention_payload


async def post(client: httpx.AsyncClient, event_id: int, items: list[dict[str, Any]]) -> Any:
    response = await client.post(f"/api/events/{event_id}/mentions", json=items)
    assert response.status_code == 200, response.text
    return response.json()


async def clusters(client: httpx.AsyncClient, event_id: int) -> dict[str, int | None]:
    """external id → cluster_id, oldest first."""
    page = (await client.get(f"/api/events/{event_id}/mentions", params={"limit": 1000})).json()
    items = sorted(page["items"], key=lambda item: item["seq"])
    return {item["external_id"]: item["cluster_id"] for item in items}


async def ids(client: httpx.AsyncClient, event_id: int) -> dict[str, int]:
    page = (await client.get(f"/api/events/{event_id}/mentions", params={"limit": 1000})).json()
    return {item["external_id"]: item["id"] for item in page["items"]}


def chant(external_id: str, text: str) -> dict[str, Any]:
    return mention_payload(external_id, text=text)


async def test_reposts_of_one_post_join_the_post_s_group(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await post(producer, event_id, [chant("orig", "Our keeper just saved a penalty!")])
    await post(
        producer,
        event_id,
        [mention_payload(f"rt{n}", text="", repost_of_id="orig") for n in range(3)],
    )
    await post(producer, event_id, [mention_payload("rt9", text="", repost_of_id="orig")])
    head = (await ids(producer, event_id))["orig"]
    assert await clusters(producer, event_id) == {
        "orig": None,
        "rt0": head,
        "rt1": head,
        "rt2": head,
        "rt9": head,
    }


async def test_reposts_of_a_post_the_event_never_saw_group_under_the_first_repost(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    batch = [mention_payload(f"rt{n}", text="", repost_of_id="elsewhere") for n in range(4)]
    await post(producer, event_id, batch)
    head = (await ids(producer, event_id))["rt0"]
    assert await clusters(producer, event_id) == {
        "rt0": None,
        "rt1": head,
        "rt2": head,
        "rt3": head,
    }


async def test_quotes_of_one_post_join_its_group(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await post(producer, event_id, [chant("orig", "Kick-off in five minutes")])
    quotes = [
        mention_payload("q1", text="Finally!", quote_of_id="orig"),
        mention_payload("q2", text="Can't wait, so nervous", quote_of_id="orig"),
    ]
    await post(producer, event_id, quotes)
    head = (await ids(producer, event_id))["orig"]
    assert await clusters(producer, event_id) == {"orig": None, "q1": head, "q2": head}


async def test_a_copy_pasted_chant_collapses_whatever_its_case_links_and_handles(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    copies = [
        chant("c1", "Vamos vamos Argentina! #CupFinal"),
        chant("c2", "VAMOS VAMOS ARGENTINA!!! #cupfinal"),
        chant("c3", "@friend vamos vamos argentina #CupFinal https://t.co/abc"),
    ]
    await post(producer, event_id, copies[:2])
    await post(producer, event_id, copies[2:])
    head = (await ids(producer, event_id))["c1"]
    assert await clusters(producer, event_id) == {"c1": None, "c2": head, "c3": head}


async def test_a_bot_wave_with_small_edits_collapses(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    wave = [
        chant("b1", "Vote now for the best goal of the night at example dot com"),
        chant("b2", "Vote now for the best goal of the night at example dot co"),
        chant("b3", "Vote now for the best goals of the night at example dot com"),
    ]
    await post(producer, event_id, wave)
    head = (await ids(producer, event_id))["b1"]
    assert await clusters(producer, event_id) == {"b1": None, "b2": head, "b3": head}


async def test_distinct_texts_stay_apart(producer: httpx.AsyncClient, event_id: int) -> None:
    distinct = [
        chant("d1", "What a goal by Messi, unbelievable"),
        chant("d2", "The referee should have given that penalty"),
        chant("d3", "I love this show so much"),
        chant("d4", "I hate this show so much"),
        chant("d5", "Half time: 1-0"),
        chant("d6", "Half time: 2-0"),
        # No words at all: nothing to compare, so no group.
        chant("d7", "🎉🎉"),
        chant("d8", "🎉🎉"),
    ]
    await post(producer, event_id, distinct)
    assert set((await clusters(producer, event_id)).values()) == {None}


async def test_ingest_dedup_stays_exact_with_collapse_on(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    batch = [chant("c1", "Goal!"), chant("c2", "GOAL!!"), chant("c3", "goal")]
    assert await post(producer, event_id, batch) == {"accepted": 3, "duplicates": 0}
    again = [*batch, chant("c4", "Goal")]
    assert await post(producer, event_id, again) == {"accepted": 1, "duplicates": 3}
    head = (await ids(producer, event_id))["c1"]
    assert await clusters(producer, event_id) == {"c1": None, "c2": head, "c3": head, "c4": head}


async def test_the_journal_entry_carries_the_group(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await post(producer, event_id, [chant("c1", "Goal!"), chant("c2", "Goal!")])
    entries = (await producer.get(f"/api/events/{event_id}/journal")).json()["entries"]
    received = {
        e["data"]["external_id"]: e["data"] for e in entries if e["type"] == "mention.received"
    }
    assert received["c1"]["cluster_id"] is None
    assert received["c2"]["cluster_id"] == received["c1"]["id"]


async def test_a_group_s_head_already_stored_hands_the_group_to_a_new_member(
    producer: httpx.AsyncClient, event_id: int, app: Any
) -> None:
    await post(producer, event_id, [chant("c1", "Unique text one")])
    # A fresh window (a restarted server) that never saw c1 matches nothing for it.
    collapse.configure(app.state.db, enabled=True)
    await post(producer, event_id, [chant("c1", "Unique text one"), chant("c2", "Go go go")])
    await post(producer, event_id, [chant("c3", "go go go!")])
    found = await ids(producer, event_id)
    assert (await clusters(producer, event_id))["c3"] == found["c2"]


async def test_a_restarted_server_reads_recent_groups_back(
    producer: httpx.AsyncClient, event_id: int, app: Any
) -> None:
    await post(producer, event_id, [chant("orig", "Kick-off!"), chant("c1", "Ole ole ole")])
    collapse.configure(app.state.db, enabled=True)
    await post(
        producer,
        event_id,
        [mention_payload("rt1", text="", repost_of_id="orig"), chant("c2", "OLE OLE OLE")],
    )
    found = await ids(producer, event_id)
    groups = await clusters(producer, event_id)
    assert groups["rt1"] == found["orig"]
    assert groups["c2"] == found["c1"]


async def test_mentions_stored_by_another_process_are_matched(
    producer: httpx.AsyncClient, event_id: int, db: Database
) -> None:
    await post(producer, event_id, [chant("c1", "Warm-up"), chant("c2", "Ole ole ole")])
    # Another server process (its own Database and windows) stores a copy of the chant…
    async with db.transaction() as session:
        await mentions.ingest(session, event_id, [MentionIn.model_validate(chant("c3", "ole ole"))])
        await mentions.ingest(
            session, event_id, [MentionIn.model_validate(chant("c4", "Ole, ole, ole"))]
        )
    # …and this one, which had seen c2 only, sees c4's group too.
    await post(producer, event_id, [chant("c5", "ole ole ole!"), chant("c6", "OLE OLE")])
    found = await ids(producer, event_id)
    groups = await clusters(producer, event_id)
    assert groups["c4"] == found["c2"]
    assert groups["c5"] == found["c2"]
    assert groups["c6"] == found["c3"]


async def test_a_rolled_back_batch_leaves_no_group_behind(
    producer: httpx.AsyncClient, event_id: int, app: Any
) -> None:
    database: Database = app.state.db
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            await mentions.ingest(session, event_id, [MentionIn.model_validate(chant("c1", "Ole"))])
            raise RuntimeError("the request failed after ingest")
    await post(producer, event_id, [chant("c2", "Ole!"), chant("c3", "OLE")])
    found = await ids(producer, event_id)
    assert await clusters(producer, event_id) == {"c2": None, "c3": found["c2"]}


async def test_collapse_can_be_turned_off(
    producer: httpx.AsyncClient, event_id: int, app: Any
) -> None:
    collapse.configure(app.state.db, enabled=False)
    await post(producer, event_id, [chant("c1", "Goal!"), chant("c2", "Goal!")])
    assert await clusters(producer, event_id) == {"c1": None, "c2": None}


def test_normalised_text_keeps_words_of_every_script() -> None:
    assert collapse.normalise("RT @ana: ¡GOOOL de México! 🇲🇽 https://t.co/x") == "goool de méxico"
    assert collapse.normalise("ゴール\uff01 #ワールドカップ") == "ゴール ワールドカップ"


def window_rows(*texts: str) -> list[dict[str, Any]]:
    return [
        {"network": "x", "external_id": text, "text": text, "repost_of_id": None}
        | {"quote_of_id": None, "cluster_id": None}
        for text in texts
    ]


def store(floods: collapse.Floods, window: collapse.EventWindow, rows: list[Any], at: Any) -> None:
    """What ingest does around the insert: group, give the rows ids, settle."""
    groups = floods.assign(window, rows, at)
    first = (window.synced_seq or 0) + 1
    for n, row in enumerate(rows):
        row["id"] = row["seq"] = first + n
    groups.settle(rows, first - 1, at)


def test_a_group_quiet_for_longer_than_the_window_is_forgotten() -> None:
    floods, window = collapse.Floods(), collapse.EventWindow()
    start = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    wave = "Vote now for the best goal of the night at example dot com"
    store(floods, window, window_rows("Ole ole ole", wave), start)
    soon = start + timedelta(seconds=collapse.WINDOW_SECONDS - 1)
    copies = window_rows("OLE OLE OLE", wave[:-1])
    store(floods, window, copies, soon)
    assert [row["cluster_id"] for row in copies] == [1, 2]
    # Each copy kept its group alive; a window after the last one, the next starts anew.
    late = soon + timedelta(seconds=collapse.WINDOW_SECONDS + 1)
    stale = window_rows("ole ole ole!", wave + "!")
    store(floods, window, stale, late)
    assert [row["cluster_id"] for row in stale] == [None, None]


def test_a_full_window_forgets_the_least_recently_active_group_first() -> None:
    recent = collapse._Recent(limit=3)
    heads = {name: collapse._Head(n) for n, name in enumerate("abcd")}
    for at, name in enumerate("abc"):
        recent.put(name, heads[name], float(at))
    recent.put("a", heads["a"], 3.0)  # "a" is active again: "b" is now the oldest
    recent.put("d", heads["d"], 4.0)
    assert [name for name in "abcd" if recent.get(name)] == ["a", "c", "d"]
    recent.forget_before(3.5)
    assert [name for name in "abcd" if recent.get(name)] == ["d"]
