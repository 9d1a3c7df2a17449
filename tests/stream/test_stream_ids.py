"""A socket for an event id that cannot exist closes with the not-found code (docs/stream.md)."""

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
