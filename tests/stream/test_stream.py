"""The live stream, end to end: a real server, real websocket clients, the real journal."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from app.journal import service as journal
from tests.factories import mention_payload
from tests.stream.conftest import LiveServer, open_console


async def ingest(api: httpx.AsyncClient, event_id: int, ids: range) -> None:
    response = await api.post(
        f"/api/events/{event_id}/mentions", json=[mention_payload(i) for i in ids]
    )
    assert response.status_code == 200, response.text


async def journal_seqs(api: httpx.AsyncClient, event_id: int) -> list[int]:
    body = (await api.get(f"/api/events/{event_id}/journal", params={"limit": 5000})).json()
    return [entry["seq"] for entry in body["entries"]]


@pytest.mark.parametrize("after_seq", [0, 1, 17, 40])
async def test_backlog_then_live_tail_in_order_from_any_position(
    live: LiveServer,
    api: httpx.AsyncClient,
    tokens: dict[str, str],
    stream_event: int,
    after_seq: int,
) -> None:
    await ingest(api, stream_event, range(40))  # seq 2..41 after event.created
    async with open_console(live.ws_url(stream_event, after_seq), tokens["viewer"]) as console:
        hello = await console.receive_type("hello")
        assert hello["last_seq"] == 41
        await console.until_seq(41)
        await ingest(api, stream_event, range(40, 60))
        await console.until_seq(61)
    assert console.seqs == list(range(after_seq + 1, 62))
    received = [e for e in console.entries if e["type"] == "mention.received"]
    assert received[-1]["data"]["external_id"] == "59"


async def test_without_after_seq_only_the_live_tail_is_sent(
    live: LiveServer, api: httpx.AsyncClient, tokens: dict[str, str], stream_event: int
) -> None:
    await ingest(api, stream_event, range(5))
    async with open_console(live.ws_url(stream_event), tokens["viewer"]) as console:
        await console.receive_type("hello")
        await ingest(api, stream_event, range(5, 7))
        await console.until_seq(8)
    assert console.seqs == [7, 8]


async def test_console_cut_off_mid_burst_resumes_with_exactly_the_journal(
    live: LiveServer, api: httpx.AsyncClient, tokens: dict[str, str], stream_event: int
) -> None:
    async def burst() -> None:
        for start in range(0, 3000, 100):
            await ingest(api, stream_event, range(start, start + 100))

    producer = asyncio.create_task(burst())
    collected: list[dict[str, Any]] = []
    async with open_console(live.ws_url(stream_event, 0), tokens["operator"]) as console:
        while len(console.entries) < 300:
            await console.receive()
        collected.extend(console.entries)
    # Dropped without a goodbye while the burst goes on; reconnect from the last seq seen.
    await asyncio.sleep(0.2)
    async with open_console(
        live.ws_url(stream_event, collected[-1]["seq"]), tokens["operator"]
    ) as console:
        await producer
        await console.until_seq(3001, timeout=30)
        collected.extend(console.entries)
    assert [e["seq"] for e in collected] == await journal_seqs(api, stream_event)


async def test_entries_committed_while_the_backlog_is_read_are_not_lost(
    live: LiveServer, api: httpx.AsyncClient, tokens: dict[str, str], stream_event: int
) -> None:
    await ingest(api, stream_event, range(2000))

    async def more() -> None:
        for start in range(2000, 2500, 50):
            await ingest(api, stream_event, range(start, start + 50))

    writer = asyncio.create_task(more())
    async with open_console(live.ws_url(stream_event, 0), tokens["viewer"]) as console:
        await writer
        await console.until_seq(2501, timeout=30)
    assert console.seqs == list(range(1, 2502))


async def test_a_rolled_back_transaction_publishes_nothing(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    db = live.app.state.db
    async with open_console(live.ws_url(stream_event, 1), tokens["viewer"]) as console:
        await console.receive_type("hello")
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await journal.append(session, stream_event, "test.rolled_back", {})
                raise RuntimeError("request failed")
        async with db.transaction() as session:
            await journal.append(session, stream_event, "test.committed", {})
        await console.until_seq(2)
        with pytest.raises(TimeoutError):
            await console.receive_type("entries", timeout=0.7)
    assert [(e["seq"], e["type"]) for e in console.entries] == [(2, "test.committed")]


async def test_a_lost_broker_message_is_caught_up_from_the_journal(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    """Entries committed with no publication at all (as if the broker dropped them)
    still reach the console, from the journal."""
    db = live.app.state.db
    async with open_console(live.ws_url(stream_event, 1), tokens["viewer"]) as console:
        await console.receive_type("hello")
        publisher, db.publisher = db.publisher, None
        try:
            async with db.transaction() as session:
                await journal.append(session, stream_event, "test.unannounced", {})
        finally:
            db.publisher = publisher
        await console.until_seq(2, timeout=5)
    assert console.entries[0]["type"] == "test.unannounced"


async def test_a_console_that_asks_for_too_old_a_position_is_told_to_reset(
    live: LiveServer, api: httpx.AsyncClient, tokens: dict[str, str], stream_event: int
) -> None:
    live.app.state.settings.stream_replay_limit = 100
    await ingest(api, stream_event, range(150))
    async with open_console(live.ws_url(stream_event, 0), tokens["viewer"]) as console:
        reset = await console.receive_type("reset")
        assert reset["last_seq"] == 151
        await ingest(api, stream_event, range(150, 151))
        await console.until_seq(152)
    assert console.seqs == [152]


async def test_a_position_beyond_the_journal_is_told_to_reset(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    async with open_console(live.ws_url(stream_event, 999), tokens["viewer"]) as console:
        reset = await console.receive_type("reset")
    assert reset["last_seq"] == 1


async def test_a_slow_console_is_cut_off_without_delaying_a_fast_one(
    live: LiveServer, api: httpx.AsyncClient, tokens: dict[str, str], stream_event: int
) -> None:
    settings = live.app.state.settings
    settings.stream_send_timeout_seconds = 0.5
    # ~36 MB in all: more than loopback's kernel buffers can hide.
    big_text = "#CupFinal " + "x" * 9000
    async with (
        open_console(
            live.ws_url(stream_event, 1),
            tokens["viewer"],
            max_queue=1,
            max_size=2**24,
            receive_buffer=16384,
        ) as slow,
        open_console(live.ws_url(stream_event, 1), tokens["operator"], max_size=2**24) as fast,
    ):
        await slow.receive_type("hello")
        for start in range(0, 4000, 500):
            response = await api.post(
                f"/api/events/{stream_event}/mentions",
                json=[mention_payload(i, text=big_text) for i in range(start, start + 500)],
            )
            assert response.status_code == 200
        # The fast console gets everything while the slow one is not reading at all.
        await fast.until_seq(4001, timeout=30)
        # The slow one, when it finally reads, finds it was reset or cut off (4008).
        outcome = None
        try:
            while outcome is None:
                frame = await slow.receive(timeout=10)
                if frame["type"] == "reset":
                    outcome = "reset"
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code == 4008
            outcome = "closed"
    assert fast.seqs == list(range(2, 4002))
    assert outcome in {"reset", "closed"}


async def test_malformed_messages_get_error_frames_and_the_socket_stays_open(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    async with open_console(live.ws_url(stream_event, 1), tokens["viewer"]) as console:
        await console.receive_type("hello")
        for bad in ("{not json", '"just a string"', '{"type": "claim"}', "x" * 5000, b"\x00"):
            await console.socket.send(bad)
            error = await console.receive_type("error")
            assert error["message"]
        await console.socket.send('{"type": "ping"}')
        assert (await console.receive_type("pong"))["type"] == "pong"


async def test_a_flood_of_messages_closes_the_socket_with_1008(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    async with open_console(live.ws_url(stream_event, 1), tokens["viewer"]) as console:
        await console.receive_type("hello")
        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(200):
                await console.socket.send('{"type": "ping"}')
            while True:
                await console.receive()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_a_page_from_another_site_is_refused_at_the_handshake(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with open_console(
            live.ws_url(stream_event), tokens["viewer"], origin="http://evil.example"
        ):
            pass
    assert refused.value.response.status_code == 403
    async with open_console(
        live.ws_url(stream_event), tokens["viewer"], origin="http://console.example"
    ) as console:
        assert (await console.receive_type("hello"))["event_id"] == stream_event


async def test_no_login_is_refused_at_the_handshake(live: LiveServer, stream_event: int) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with open_console(live.ws_url(stream_event), "cdk_not-a-token"):
            pass
    assert refused.value.response.status_code == 403


async def test_bad_after_seq_and_unknown_event_close_with_clear_codes(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    for url, code in (
        (f"ws://127.0.0.1:{live.port}/ws/events/{stream_event}?after_seq=-3", 4400),
        (live.ws_url(9999), 4404),
    ):
        async with open_console(url, tokens["viewer"]) as console:
            with pytest.raises(ConnectionClosed) as closed:
                await console.receive()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == code


async def test_presence_shows_who_is_online_and_what_they_view(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    url = live.ws_url(stream_event)
    async with open_console(url, tokens["operator"]) as olive:
        async with open_console(url, tokens["viewer"]) as victor:
            await victor.socket.send('{"type": "view", "viewing": "mention:42"}')
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 1.0
            while True:
                presence = await olive.receive_type("presence", timeout=deadline - loop.time())
                users = {u["username"]: u for u in presence["users"]}
                if users.get("viewer-user", {}).get("viewing") == ["mention:42"]:
                    break
            assert users["operator-user"]["connections"] == 1
        deadline = loop.time() + 1.0
        while True:
            presence = await olive.receive_type("presence", timeout=deadline - loop.time())
            if [u["username"] for u in presence["users"]] == ["operator-user"]:
                break


async def test_a_silent_console_gets_heartbeats_then_is_dropped(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    settings = live.app.state.settings
    settings.stream_heartbeat_seconds = 0.1
    settings.stream_idle_timeout_seconds = 0.5
    async with open_console(live.ws_url(stream_event), tokens["viewer"]) as console:
        await console.receive_type("ping", timeout=2)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await console.receive(timeout=3)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4000


async def test_server_shutdown_closes_consoles_quickly(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    async with open_console(live.ws_url(stream_event), tokens["viewer"]) as console:
        await console.receive_type("hello")
        loop = asyncio.get_running_loop()
        started = loop.time()
        live.server.should_exit = True
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await console.receive(timeout=5)
        assert loop.time() - started < 3
    assert closed.value.rcvd is not None and closed.value.rcvd.code in (1001, 1012)
