"""Triage fixtures. The app's own claim sweeper is slowed down here, so that tests decide
when claims expire (``expire_due`` or sweepers of their own); test_sweeper.py runs real
sweepers."""

from __future__ import annotations

from typing import Any

import pytest

from app.config import Settings


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    if "broker_url" in request.fixturenames:  # marked on_every_broker (tests/triage/helpers)
        settings.broker_url = request.getfixturevalue("broker_url")
    settings.claim_sweep_seconds = 60
    return settings


@pytest.fixture
def member(client_as: Any) -> Any:
    """``await member("operator", "olive", "Olive")`` → a client with an API token of a new
    user with that role and display name (the shared ``client_as``)."""
    return client_as
