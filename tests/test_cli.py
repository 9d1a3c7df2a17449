"""The command line: migrations, users, and the demo set-up."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import cli, migrate
from app.auth import service as auth
from app.config import get_settings
from app.db import Database
from app.demo import DEMO_PASSWORD, DEMO_SAVED_REPLIES, DEMO_USERNAME, prepare_demo
from app.events.models import Event
from app.ingest.models import Source
from app.replies.models import SavedReply


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CUEDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CUEDESK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_db_upgrade_creates_the_schema_in_the_data_folder(data_dir: Path) -> None:
    assert cli.main(["db", "upgrade"]) == 0
    url = get_settings().database_url_resolved
    assert (data_dir / "cuedesk.db").exists()
    assert asyncio.run(migrate.current_revision(url)) is not None


def test_user_create_reads_the_password_from_stdin(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli.main(["user", "create", "ada", "--role", "admin", "--password-stdin"]) == 0
    assert "Created admin 'ada'" in capsys.readouterr().out

    async def login() -> str | None:
        db = Database(get_settings().database_url_resolved)
        try:
            async with db.read_session() as session:
                user = await auth.find_login_user(session, "ada")
            login = await auth.check_password(user, "a long enough password")
            return login.user.role if login else None
        finally:
            await db.dispose()

    assert asyncio.run(login()) == "admin"


def test_user_create_refuses_a_short_password_and_a_taken_name(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["user", "create", "bo", "--role", "operator", "--password-stdin"]) == 1
    assert "password" in capsys.readouterr().err.lower()
    for expected in (0, 1):
        monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
        code = cli.main(["user", "create", "bo", "--role", "operator", "--password-stdin"])
        assert code == expected


def test_user_create_refuses_an_unknown_role(data_dir: Path) -> None:
    with pytest.raises(SystemExit):
        cli.main(["user", "create", "cy", "--role", "boss", "--password-stdin"])


def test_demo_prepares_a_login_an_event_and_one_running_simulator(data_dir: Path) -> None:
    settings = get_settings()
    first = asyncio.run(prepare_demo(settings, rate=20))
    again = asyncio.run(prepare_demo(settings, rate=20))
    assert first.event_id == again.event_id
    assert (first.username, first.password) == (DEMO_USERNAME, DEMO_PASSWORD)

    async def counts() -> tuple[int, int, str | None, int]:
        db = Database(settings.database_url_resolved)
        try:
            async with db.transaction() as session:
                events = (await session.execute(select(func.count()).select_from(Event))).scalar()
                saved = (
                    await session.execute(select(func.count()).select_from(SavedReply))
                ).scalar()
                running = (
                    await session.execute(
                        select(func.count()).select_from(Source).where(Source.status == "running")  # type: ignore[arg-type]
                    )
                ).scalar()
                user = await auth.find_login_user(session, DEMO_USERNAME)
                login = await auth.check_password(user, DEMO_PASSWORD)
                role = login.user.role if login else None
                return int(events or 0), int(running or 0), role, int(saved or 0)
        finally:
            await db.dispose()

    # Saved replies to try in the composer, made once.
    assert asyncio.run(counts()) == (1, 1, "producer", len(DEMO_SAVED_REPLIES))


def test_demo_is_refused_in_production(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUEDESK_ENVIRONMENT", "production")
    monkeypatch.setenv("CUEDESK_SECRET_KEY", "a-production-secret-key-0123456789-abcdef")
    get_settings.cache_clear()
    with pytest.raises(SystemExit, match="refused in production"):
        cli.main(["demo"])


def test_bad_settings_are_reported_not_traced(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUEDESK_BROKER_URL", "kafka://nope")
    get_settings.cache_clear()
    with pytest.raises(SystemExit, match="invalid settings"):
        cli.main(["db", "upgrade"])


def test_new_epochs_after_a_restore_give_every_event_another_history(data_dir: Path) -> None:
    assert cli.main(["db", "upgrade"]) == 0
    url = get_settings().database_url_resolved

    async def epochs(create: int = 0) -> list[str]:
        db = Database(url)
        try:
            async with db.transaction() as session:
                session.add_all(Event(name=f"Show {n}") for n in range(create))
            async with db.read_session() as session:
                return list((await session.execute(select(Event.journal_epoch))).scalars())
        finally:
            await db.dispose()

    before = asyncio.run(epochs(create=2))
    assert cli.main(["db", "new-epochs"]) == 0
    after = asyncio.run(epochs())
    assert len(after) == 2 and not set(before) & set(after)


def test_accounts_rotate_key_moves_the_credentials_to_the_new_secret(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.accounts import service as accounts
    from app.accounts.crypto import Vault

    old, new = "the-old-secret-key-0123456789-abcdef", "the-new-secret-key-9876543210-fedcba"
    assert cli.main(["db", "upgrade"]) == 0

    async def connect() -> None:
        db = Database(get_settings().database_url_resolved)
        async with db.transaction() as session:
            await accounts.connect(
                session, Vault(old), network="bluesky", event_id=None, handle="desk.bsky.social",
                server_url=None, secret={"app_password": "abcd-efgh-ijkl-mnop"}, hint_of="x",
            )  # fmt: skip
        await db.dispose()

    asyncio.run(connect())
    monkeypatch.setenv("CUEDESK_SECRET_KEY", new)
    monkeypatch.setenv("CUEDESK_PREVIOUS_SECRET_KEYS", f'["{old}"]')
    get_settings.cache_clear()
    assert cli.main(["accounts", "rotate-key"]) == 0
    assert "Re-encrypted 1 accounts" in capsys.readouterr().out

    async def stored() -> str:
        db = Database(get_settings().database_url_resolved)
        async with db.read_session() as session:
            (account,) = await accounts.list_all(session)
            sealed = account.secrets
        await db.dispose()
        return sealed

    assert Vault(new).open(asyncio.run(stored())) == {"app_password": "abcd-efgh-ijkl-mnop"}
