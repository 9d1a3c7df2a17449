"""A socket for an event id or a position that cannot exist closes with a clear code
(docs/stream.md), never an internal error."""

from __future__ import annotations

import pytest
from websockets.exceptions import ConnectionClosed

from tests.stream.conftest import LiveServer, open_console


@pytest.mark.parametrize("event_id", [2**63, 2**64 + 5])
async def test_an_event_id_past_64_bits_closes_as_not_found(
    live: LiveServer, tokens: dict[str, str], event_id: int
) -> None:
    async with open_console(live.ws_url(event_id), tokens["viewer"]) as console:
        with pytest.raises(ConnectionClosed) as closed:
            await console.receive()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4404


@pytest.mark.parametrize("after_seq", [str(2**64), "²"])
async def test_an_after_seq_past_64_bits_or_not_ascii_closes_as_bad_request(
    live: LiveServer, tokens: dict[str, str], stream_event: int, after_seq: str
) -> None:
    url = f"ws://127.0.0.1:{live.port}/ws/events/{stream_event}?after_seq={after_seq}"
    async with open_console(url, tokens["viewer"]) as console:
        with pytest.raises(ConnectionClosed) as closed:
            await console.receive()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4400
