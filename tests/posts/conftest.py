"""Post fixtures: an outbox that polls often, so tests see posts' fate quickly."""

from __future__ import annotations

import pytest

from app.config import Settings


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    if "broker_url" in request.fixturenames:
        settings.broker_url = request.getfixturevalue("broker_url")
    settings.claim_sweep_seconds = 60
    settings.publish_poll_seconds = 0.05
    settings.publish_backoff_base_seconds = 0.05
    settings.publish_backoff_max_seconds = 0.2
    settings.publish_send_timeout_seconds = 2
    return settings
