"""Reading ``GET /metrics`` the way Prometheus does: with the exposition format's parser."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from prometheus_client.parser import text_string_to_metric_families


class Scrape:
    """One scrape's samples, by name and labels."""

    def __init__(self, text: str) -> None:
        self.families = {family.name: family for family in text_string_to_metric_families(text)}
        self.samples = {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in self.families.values()
            for sample in family.samples
        }

    def value(self, name: str, **labels: str) -> float:
        """The sample's value; 0 when it has no series yet (a counter never incremented)."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def label_values(self, name: str, label: str) -> set[str]:
        return {dict(labels)[label] for sample, labels in self.samples if sample == name}


async def scrape(client: httpx.AsyncClient) -> Scrape:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return Scrape(response.text)


async def scrape_until(
    client: httpx.AsyncClient,
    condition: Callable[[Scrape], bool],
    *,
    what: str,
    timeout: float = 10.0,
) -> Scrape:
    """Scrape until ``condition`` holds (things that happen in the background)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        current = await scrape(client)
        if condition(current):
            return current
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"/metrics never showed {what} within {timeout} s")
        await asyncio.sleep(0.05)
