from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.config import Settings, normalise_database_url

STRONG_KEY = "k3P9-vQ2xLm8_Zr4TnY7wB1cD6fH0jS5aE"


def test_production_refuses_the_development_or_a_short_secret_key() -> None:
    with pytest.raises(ValidationError, match="CUEDESK_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="CUEDESK_SECRET_KEY"):
        Settings(environment="production", secret_key="short")
    assert Settings(environment="production", secret_key=STRONG_KEY).secret_key == STRONG_KEY


def test_plain_database_urls_get_the_async_drivers() -> None:
    assert normalise_database_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    with pytest.raises(ValueError, match="mysql"):
        normalise_database_url("mysql://u@h/db")


def test_default_database_is_an_sqlite_file_in_the_data_folder(tmp_path: object) -> None:
    settings = Settings(data_dir=tmp_path)  # type: ignore[arg-type]
    assert settings.database_url_resolved.startswith("sqlite+aiosqlite:///")
    assert settings.database_url_resolved.endswith("cuedesk.db")


def test_unknown_broker_is_refused() -> None:
    with pytest.raises(ValidationError, match="BROKER_URL"):
        Settings(broker_url="kafka://x")
