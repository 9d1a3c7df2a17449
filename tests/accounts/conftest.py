"""Accounts fixtures: fake X, Bluesky and Mastodon servers on loopback, the settings
pointing at them, an admin, and a publishing worker that polls often."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.x import CLIENT_ID, FakeX


@pytest.fixture
def settings(
    settings: Settings, x: tuple[FakeX, str], bluesky: tuple[FakeBluesky, str]
) -> Settings:
    settings.x_api_url = x[1]
    settings.x_authorize_url = x[1] + "/i/oauth2/authorize"
    settings.x_client_id = CLIENT_ID
    settings.bluesky_pds_url = bluesky[1]
    settings.bluesky_appview_url = bluesky[1]
    settings.secret_key = "tests-secret-key-0123456789-abcdefghijklmnop"
    settings.claim_sweep_seconds = 60
    settings.publish_poll_seconds = 0.05
    settings.publish_backoff_base_seconds = 0.05
    settings.publish_backoff_max_seconds = 0.2
    settings.publish_send_timeout_seconds = 2  # a busy machine answers within it
    return settings


@pytest.fixture
async def admin(client_as: Any) -> httpx.AsyncClient:
    client: httpx.AsyncClient = await client_as("admin", "ada", "Ada")
    return client
