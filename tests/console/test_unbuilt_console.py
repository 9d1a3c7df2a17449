"""A console whose scripts were never built says how to build them, instead of a blank page."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.config import Settings
from tests.console.conftest import LoggedIn, make_event


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    settings.console_dist_dir = tmp_path / "never-built"
    return settings


@pytest.mark.parametrize("path", ["/login", "/", "/events/1", "/events/999"])
async def test_pages_say_how_to_build_the_console_when_it_is_not_built(
    logged_in: LoggedIn,
    producer: httpx.AsyncClient,
    path: str,
) -> None:
    await make_event(producer, "Cup Final")
    client = await logged_in()

    response = await client.get(path, follow_redirects=False)
    if path == "/login":  # a logged-in user is sent on; log out to see the page
        client.cookies.clear()
        response = await client.get(path)

    assert response.status_code == 503
    assert "The console's scripts are not built." in response.text
    assert "Run <code>scripts/build-frontend</code>" in response.text
    assert "<script" not in response.text
