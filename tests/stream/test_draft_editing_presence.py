"""Who is editing which draft, live on every console; and drafts on a viewer's stream."""

from __future__ import annotations

import httpx

from tests.factories import draft_payload
from tests.stream.conftest import LiveServer, open_console
from tests.stream.test_triage_on_stream import presence_until


async def test_every_console_sees_who_is_editing_which_draft_until_they_stop(
    live: LiveServer, tokens: dict[str, str], api: httpx.AsyncClient, stream_event: int
) -> None:
    draft = (await api.post(f"/api/events/{stream_event}/drafts", json=draft_payload())).json()
    url = live.ws_url(stream_event)
    async with (
        open_console(url, tokens["producer"]) as pat,
        httpx.AsyncClient(
            base_url=live.http, headers={"Authorization": f"Bearer {tokens['operator']}"}
        ) as olive,
    ):
        started = await olive.post(f"/api/drafts/{draft['id']}/editing")
        assert started.status_code == 204, started.text
        users = await presence_until(
            pat,
            lambda u: (
                u.get("operator-user", {}).get("editing") == [draft["id"]] and "producer-user" in u
            ),
            timeout=10,
        )
        assert users["operator-user"]["connections"] == 0  # a mark, not a socket
        assert users["producer-user"]["editing"] == []
        stopped = await olive.delete(f"/api/drafts/{draft['id']}/editing")
        assert stopped.status_code == 204
        await presence_until(pat, lambda u: "operator-user" not in u, timeout=10)


async def test_editing_marks_need_a_writer_and_a_live_draft(
    live: LiveServer, tokens: dict[str, str], api: httpx.AsyncClient, stream_event: int
) -> None:
    draft = (await api.post(f"/api/events/{stream_event}/drafts", json=draft_payload())).json()
    async with httpx.AsyncClient(
        base_url=live.http, headers={"Authorization": f"Bearer {tokens['viewer']}"}
    ) as viewer:
        assert (await viewer.post(f"/api/drafts/{draft['id']}/editing")).status_code == 403
    assert (await api.post("/api/drafts/4242/editing")).status_code == 404


async def test_a_viewer_console_gets_draft_entries_without_the_note(
    live: LiveServer, tokens: dict[str, str], api: httpx.AsyncClient, stream_event: int
) -> None:
    url = live.ws_url(stream_event, 0)  # from the start: no race with the consoles opening
    async with (
        open_console(url, tokens["viewer"]) as viewer,
        open_console(url, tokens["producer"]) as pat,
    ):
        created = await api.post(f"/api/events/{stream_event}/drafts", json=draft_payload())
        seq = (await api.get(f"/api/events/{stream_event}")).json()["last_seq"]
        await viewer.until_seq(seq)
        await pat.until_seq(seq)
        (seen,) = [e for e in viewer.entries if e["type"] == "draft.created"]
        assert seen["data"]["draft"]["id"] == created.json()["id"]
        assert "note" not in seen["data"]["draft"]
        (team,) = [e for e in pat.entries if e["type"] == "draft.created"]
        assert team["data"]["draft"]["note"] == "Only once the whistle blows"
