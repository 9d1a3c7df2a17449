"""Console test setup: the ``browser`` marker for the tests that drive a real Chromium."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: drives a real headless Chromium through Playwright (needs /usr/bin/chromium)",
    )
