from __future__ import annotations

import pytest

from app.config import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Room for a body larger than every network's image limit, so that the upload's own
    # check (413 naming the largest network limit) is what refuses it, not the body limit.
    return settings.model_copy(update={"max_body_bytes": 40 * 1024 * 1024})
