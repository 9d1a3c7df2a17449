"""On the socket too, a viewer gets every entry but no internal note and no VIP handle,
both when it replays the journal and from the hub's memory when live."""

from __future__ import annotations

import httpx

from tests.factories import mention_payload
from tests.stream.conftest import LiveServer, open_console


async def annotate(api: httpx.AsyncClient, operator: str, event_id: int, batch: int) -> None:
    response = await api.post(f"/api/events/{event_id}/mentions", json=[mention_payload(batch)])
    assert response.status_code == 200
    (mention,) = (await api.get(f"/api/events/{event_id}/mentions", params={"limit": 1})).json()[
        "items"
    ]
    response = await api.post(
        f"/api/mentions/{mention['id']}/notes",
        json={"text": f"internal note {batch}"},
        headers={"Authorization": f"Bearer {operator}"},
    )
    assert response.status_code == 201
    vips = {"vips": [{"handle": f"secret_vip_{n}"} for n in range(batch + 1)]}
    assert (await api.put(f"/api/events/{event_id}/vips", json=vips)).status_code == 200


async def test_a_viewers_socket_carries_no_notes_and_no_vip_handles(
    live: LiveServer, api: httpx.AsyncClient, tokens: dict[str, str], stream_event: int
) -> None:
    await annotate(api, tokens["operator"], stream_event, 0)  # seq 2..4: read from the journal
    url = live.ws_url(stream_event, 0)
    async with (
        open_console(url, tokens["viewer"]) as viewer,
        open_console(url, tokens["operator"]) as operator,
    ):
        await viewer.until_seq(4)
        await operator.until_seq(4)
        await annotate(api, tokens["operator"], stream_event, 1)  # seq 5..7: from memory
        await viewer.until_seq(7)
        await operator.until_seq(7)
    assert viewer.seqs == operator.seqs == list(range(1, 8))
    assert [e["type"] for e in viewer.entries] == [e["type"] for e in operator.entries]
    shown = str(viewer.entries)
    assert "internal note" not in shown and "secret_vip" not in shown
    full = str(operator.entries)
    assert "internal note 0" in full and "internal note 1" in full and "secret_vip_1" in full
