"""Twenty people saving one draft at once: only the version holder lands, nothing is lost.

Runs on SQLite and, with CUEDESK_TEST_POSTGRES_URL, on PostgreSQL (the ``database_url``
fixture), where the saves really run side by side in separate connections.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpx

from tests.factories import make_draft

EDITORS = 20
ROUNDS = 4


async def test_twenty_concurrent_editors_one_lands_per_round_and_the_history_keeps_all(
    client_as: Any, event_id: int
) -> None:
    editors = [await client_as("operator", f"editor{n}") for n in range(EDITORS)]
    draft = await make_draft(editors[0], event_id)
    url = f"/api/drafts/{draft['id']}"
    chance = random.Random(9)
    landed: dict[int, str] = {}

    for round_number in range(ROUNDS):
        current = (await editors[0].get(url)).json()["version"]
        # Each sends a version it might hold: most are stale, a few hold the current one.
        seen = [chance.randint(max(1, current - 3), current) for _ in range(EDITORS)]
        seen[chance.randrange(EDITORS)] = current

        async def save(n: int, version: int, round_number: int = round_number) -> httpx.Response:
            text = f"round {round_number} by editor {n}"
            return await editors[n].patch(
                url,
                json={"content": {"posts": [{"texts": {"x": text}}]}},
                headers={"If-Match": f'"{version}"'},
            )

        answers = await asyncio.gather(*(save(n, v) for n, v in enumerate(seen)))
        statuses = [a.status_code for a in answers]
        assert set(statuses) <= {200, 412}, statuses
        winners = [n for n, a in enumerate(answers) if a.status_code == 200]
        assert len(winners) == 1, statuses
        (winner,) = winners
        assert seen[winner] == current
        assert answers[winner].json()["version"] == current + 1
        for n, answer in enumerate(answers):
            if n != winner:
                # The 412 shows the draft as it was when it was refused: never the version
                # the editor sent, and the winner's for those who held the same.
                shown = answer.json()["version"]
                assert shown in (current, current + 1) and shown != seen[n]
        landed[current + 1] = f"round {round_number} by editor {winner}"

    versions = (await editors[0].get(f"{url}/versions")).json()
    assert [v["version"] for v in versions] == list(range(ROUNDS + 1, 0, -1))
    for version in versions[:-1]:
        text = version["snapshot"]["content"]["posts"][0]["texts"]["x"]
        assert text == landed[version["version"]]
    updates = [
        e
        for e in (await editors[0].get(f"/api/events/{event_id}/journal")).json()["entries"]
        if e["type"] == "draft.updated"
    ]
    assert [e["data"]["draft"]["version"] for e in updates] == list(range(2, ROUNDS + 2))
