"""Triage as a second console sees it: every action, and who is typing on what."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.factories import mention_payload
from tests.stream.conftest import LiveServer, open_console


async def presence_until(console: Any, wanted: Any, timeout: float = 2.0) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = await console.receive_type("presence", timeout=max(deadline - loop.time(), 0.01))
        users = {user["username"]: user for user in frame["users"]}
        if wanted(users):
            return users


async def test_every_console_sees_who_is_typing_on_which_mention(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    url = live.ws_url(stream_event)
    async with (
        open_console(url, tokens["producer"]) as pat,
        open_console(url, tokens["operator"]) as olive,
    ):
        await olive.socket.send('{"type": "view", "viewing": "mention:42", "typing": true}')
        users = await presence_until(
            pat, lambda u: u.get("operator-user", {}).get("typing") == ["mention:42"]
        )
        assert users["operator-user"]["viewing"] == ["mention:42"]
        await olive.socket.send('{"type": "view", "viewing": "mention:42", "typing": false}')
        await presence_until(pat, lambda u: u.get("operator-user", {}).get("typing") == [])
        # Typing on nothing is not typing.
        await olive.socket.send('{"type": "view", "viewing": null, "typing": true}')
        await presence_until(
            pat,
            lambda u: (
                u.get("operator-user", {}).get("viewing") == []
                and u["operator-user"]["typing"] == []
            ),
        )
        await olive.socket.send('{"type": "view", "viewing": "feed", "typing": "yes"}')
        error = await olive.receive_type("error")
        assert "typing" in error["message"]


async def test_every_triage_action_reaches_a_second_console(
    live: LiveServer, tokens: dict[str, str], api: httpx.AsyncClient, stream_event: int
) -> None:
    async with httpx.AsyncClient(
        base_url=live.http, headers={"Authorization": f"Bearer {tokens['operator']}"}
    ) as olive:
        response = await api.post(
            f"/api/events/{stream_event}/mentions", json=[mention_payload(i) for i in (1, 2)]
        )
        assert response.status_code == 200
        async with open_console(live.ws_url(stream_event, after_seq=0), tokens["viewer"]) as tv:
            items = (await api.get(f"/api/events/{stream_event}/mentions")).json()["items"]
            first, second = sorted(item["id"] for item in items)
            fence = (await olive.post(f"/api/mentions/{first}/claim")).json()["fence"]
            await olive.post(f"/api/mentions/{first}/release", json={"fence": fence})
            fence = (await olive.post(f"/api/mentions/{first}/claim")).json()["fence"]
            await olive.post(f"/api/mentions/{first}/tags", json={"tag": "prize"})
            await olive.post(f"/api/mentions/{first}/flag", json={"reason": "for Pat"})
            await olive.post(f"/api/mentions/{first}/notes", json={"text": "Regular viewer"})
            await olive.post(
                f"/api/events/{stream_event}/saved-replies",
                json={"title": "Thanks", "text": "Thanks {handle}!"},
            )
            reply = await olive.post(
                f"/api/mentions/{first}/reply", json={"text": "Thanks!", "fence": fence}
            )
            assert reply.status_code == 201
            await olive.post(f"/api/mentions/{second}/dismiss", json={})

            wanted = [
                "mention.claimed",
                "mention.released",
                "mention.claimed",
                "mention.tagged",
                "mention.flagged",
                "mention.noted",
                "saved_reply.created",
                "mention.replied",
                "mention.dismissed",
                "reply.sending",
                "reply.published",
            ]
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 5
            while not {"reply.published", "mention.dismissed"} <= {e["type"] for e in tv.entries}:
                await tv.receive(max(deadline - loop.time(), 0.01))
            journal = (
                await api.get(
                    f"/api/events/{stream_event}/journal",
                    headers={"Authorization": f"Bearer {tokens['viewer']}"},
                )
            ).json()["entries"]
            skip = ("event.created", "mention.received")
            seen = [e["type"] for e in tv.entries if e["type"] not in skip]
            assert sorted(seen) == sorted(wanted)
            # The console got exactly the journal as a viewer reads it, in order.
            assert tv.entries == journal
