"""The stream's epoch: a console resuming into another history (a database reset or
restored) is told to reload, never fed other entries under the numbers it holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from app.config import Settings
from app.db import Database
from tests.conftest import make_token
from tests.factories import mention_payload
from tests.stream.conftest import LiveServer, open_console, serve


async def ingest(live: LiveServer, token: str, event_id: int, ids: range) -> None:
    async with httpx.AsyncClient(
        base_url=live.http, headers={"Authorization": f"Bearer {token}"}
    ) as api:
        response = await api.post(
            f"/api/events/{event_id}/mentions", json=[mention_payload(i) for i in ids]
        )
        assert response.status_code == 200, response.text


async def fresh_show(settings: Settings, mentions: int) -> tuple[str, int]:
    """A token and an event with ``mentions`` mentions (seq 2 onwards) in a new database."""
    db = Database(settings.database_url_resolved)
    try:
        token = await make_token(db, "pat", "producer")
    finally:
        await db.dispose()
    async with (
        serve(settings) as live,
        httpx.AsyncClient(base_url=live.http, headers={"Authorization": f"Bearer {token}"}) as api,
    ):
        event = (await api.post("/api/events", json={"name": "Cup Final"})).json()
        await ingest(live, token, event["id"], range(mentions))
    return token, int(event["id"])


def sqlite_settings(template: Path, path: Path) -> Settings:
    shutil.copy(template, path)
    return Settings(
        environment="test",
        database_url=f"sqlite+aiosqlite:///{path}",
        data_dir=path.parent,
        broker_url="memory://",
        migrate_on_start=False,
        stream_tick_ms=10,
    )


async def test_the_hello_the_journal_and_the_event_name_the_same_epoch(
    live: LiveServer, api: httpx.AsyncClient, tokens: dict[str, str], stream_event: int
) -> None:
    other = (await api.post("/api/events", json={"name": "Semi Final"})).json()["id"]
    journal = (await api.get(f"/api/events/{stream_event}/journal")).json()
    other_journal = (await api.get(f"/api/events/{other}/journal")).json()
    event = (await api.get(f"/api/events/{stream_event}")).json()
    async with open_console(live.ws_url(stream_event), tokens["viewer"]) as console:
        hello = await console.receive_type("hello")
    assert hello["epoch"] == journal["epoch"] == event["journal_epoch"]
    assert journal["epoch"] and journal["epoch"] != other_journal["epoch"]


async def test_resuming_into_a_reset_database_is_told_to_reload(
    sqlite_template: Path, tmp_path: Path
) -> None:
    before = sqlite_settings(sqlite_template, tmp_path / "before.db")
    token, event_id = await fresh_show(before, 10)  # seq 1..11
    async with serve(before) as live:
        async with open_console(live.ws_url(event_id, 0), token) as console:
            held_epoch = (await console.receive_type("hello"))["epoch"]
            await console.until_seq(11)
    # The database is reset: the same event id, now with another history of 21 entries.
    after = sqlite_settings(sqlite_template, tmp_path / "after.db")
    token, same_id = await fresh_show(after, 20)
    assert same_id == event_id
    async with serve(after) as live:
        url = live.ws_url(event_id, 11) + f"&epoch={held_epoch}"
        async with open_console(url, token) as console:
            hello = await console.receive_type("hello")
            reset = await console.receive()
            await ingest(live, token, event_id, range(100, 101))
            await console.until_seq(22)
    assert reset == {
        "type": "reset",
        "reason": "another history (epoch changed)",
        "last_seq": 21,
        "epoch": hello["epoch"],
    }
    assert hello["epoch"] != held_epoch
    assert console.seqs == [22]


async def test_resuming_with_the_epoch_held_replays_what_followed(
    live: LiveServer, api: httpx.AsyncClient, tokens: dict[str, str], stream_event: int
) -> None:
    epoch = (await api.get(f"/api/events/{stream_event}/journal")).json()["epoch"]
    await ingest(live, tokens["producer"], stream_event, range(5))  # seq 2..6
    url = live.ws_url(stream_event, 3) + f"&epoch={epoch}"
    async with open_console(url, tokens["viewer"]) as console:
        await console.receive_type("hello")
        await console.until_seq(6)
    assert console.seqs == [4, 5, 6]
    assert not [frame for frame in console.frames if frame["type"] == "reset"]


async def test_an_epoch_that_cannot_be_one_is_a_bad_request(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    url = live.ws_url(stream_event, 0) + "&epoch=" + "x" * 33
    async with open_console(url, tokens["viewer"]) as console:
        with pytest.raises(ConnectionClosed) as closed:
            await console.receive()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
