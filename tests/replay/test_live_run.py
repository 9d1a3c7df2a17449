"""A live run recorded through the real websocket, then replayed through the replay's
endpoints: at each instant the replay's state is what the live console and the API showed.

With ``CUEDESK_RECORD_REPLAY_FIXTURE=path`` the run is also written as a JSON fixture that
the console's own test replays through its reducers (frontend/src/replay/live-run.test.ts):
the frames the console was sent, the API's mentions at each instant, and the seek answers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import orjson

from tests.factories import mention_payload
from tests.replay.test_replay import seek_board
from tests.stream.conftest import LiveServer, open_console

FIXTURE = os.environ.get("CUEDESK_RECORD_REPLAY_FIXTURE", "")


async def instant(api: httpx.AsyncClient, event_id: int) -> dict[str, Any]:
    """What the API shows now: the journal's end, the newest mentions and every claim."""
    last_seq = (await api.get(f"/api/events/{event_id}")).json()["last_seq"]
    newest = (await api.get(f"/api/events/{event_id}/mentions?limit=50")).json()["items"]
    claimed = (await api.get(f"/api/events/{event_id}/mentions?state=claimed")).json()["items"]
    return {"seq": last_seq, "mentions": newest, "claimed": claimed}


async def run_the_evening(
    api: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int
) -> list[dict[str, Any]]:
    instants = []
    for batch in range(4):
        ids = range(batch * 300, batch * 300 + 300)
        await api.post(f"/api/events/{event_id}/mentions", json=[mention_payload(i) for i in ids])
        page = (await api.get(f"/api/events/{event_id}/mentions?limit=20")).json()["items"]
        newest = sorted(item["id"] for item in page)
        grants = [(await olive.post(f"/api/mentions/{i}/claim")).json() for i in newest[:4]]
        await olive.post(f"/api/mentions/{newest[0]}/release", json={"fence": grants[0]["fence"]})
        body = {"text": f"Thanks! {batch}", "fence": grants[1]["fence"]}
        await olive.post(f"/api/mentions/{newest[1]}/reply", json=body)
        await olive.post(f"/api/mentions/{newest[2]}/dismiss", json={})
        await olive.post(f"/api/mentions/{newest[3]}/tags", json={"tag": "prize"})
        await olive.post(f"/api/mentions/{newest[5]}/flag", json={"reason": "for Pat"})
        instants.append(await instant(api, event_id))
    return instants


async def test_the_replay_at_each_instant_is_what_the_live_console_saw(
    live: LiveServer, tokens: dict[str, str], api: httpx.AsyncClient, stream_event: int
) -> None:
    headers = {"Authorization": f"Bearer {tokens['operator']}"}
    async with (
        httpx.AsyncClient(base_url=live.http, headers=headers) as olive,
        open_console(live.ws_url(stream_event, after_seq=0), tokens["producer"]) as console,
    ):
        instants = await run_the_evening(api, olive, stream_event)
        await console.until_seq(instants[-1]["seq"])
    seeks = []
    for seen in instants:
        answer = (await api.get(f"/api/events/{stream_event}/replay/seek?seq={seen['seq']}")).json()
        # The seek's entries are the very entries the live console was sent.
        live_entries = [e for e in console.entries if answer["from_seq"] < e["seq"] <= seen["seq"]]
        assert answer["entries"] == live_entries
        claims = {(c["mention_id"], c["holder"]["username"]) for c in seek_board(answer)["claims"]}
        held = {(m["id"], m["claim"]["holder"]["username"]) for m in seen["claimed"]}
        assert claims == held
        seeks.append({key: value for key, value in answer.items() if key != "entries"})
    if FIXTURE:
        frames = [frame for frame in console.frames if frame["type"] == "entries"]
        write_fixture({"frames": frames, "instants": instants, "seeks": seeks})


def write_fixture(recorded: dict[str, Any]) -> None:
    Path(FIXTURE).write_bytes(orjson.dumps(recorded))
