"""Network accounts: connect, list (masked), test, remove; X's OAuth 2.0 flow; which
account posts for an event. Secrets go through :mod:`app.accounts.crypto` only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.crypto import CannotDecrypt, Vault, mask
from app.accounts.models import AccountStatus, MastodonApp, NetworkAccount
from app.common.errors import Invalid, NotFound
from app.common.time import utcnow
from app.config import Settings
from app.events import service as events
from app.networks import checks
from app.networks.mastodon import oauth as mastodon_oauth
from app.networks.x import oauth
from app.replies.length import MastodonCounting

MAX_ERROR = 1000
account_table = NetworkAccount.__table__  # type: ignore[attr-defined]


def public(account: NetworkAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "network": account.network,
        "event_id": account.event_id,
        "handle": account.handle,
        "network_user_id": account.network_user_id,
        "server_url": account.server_url,
        "secret_set": bool(account.secrets) and account.status != AccountStatus.pending,
        "secret_hint": account.secret_hint,
        "bearer_token_set": bool(account.bearer_token_hint),
        "bearer_token_hint": account.bearer_token_hint,
        "status": account.status,
        "last_error": account.last_error,
        "last_tested_at": account.last_tested_at,
        "token_expires_at": account.token_expires_at,
        "max_characters": account.max_characters,
        "characters_reserved_per_url": account.characters_reserved_per_url,
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }


async def get(session: AsyncSession, account_id: int) -> NetworkAccount:
    account = await session.get(NetworkAccount, account_id)
    if account is None:
        raise NotFound(f"Account {account_id} does not exist.", account_id=account_id)
    return account


async def list_all(session: AsyncSession) -> list[NetworkAccount]:
    result = await session.execute(select(NetworkAccount).order_by(account_table.c.id))
    return list(result.scalars())


async def for_event(
    session: AsyncSession, network: str, event_id: int | None
) -> NetworkAccount | None:
    """The account that posts on ``network`` for the event: its own, else the one for every
    event; the latest connected wins."""
    result = await session.execute(_for_event(network, event_id).limit(1))
    return result.scalars().first()


async def all_for_event(
    session: AsyncSession, network: str, event_id: int | None
) -> list[NetworkAccount]:
    """Every account on ``network`` that may serve the event, in :func:`for_event`'s order:
    the event's own, then those for every event (``None``: only those), the latest first."""
    return list((await session.execute(_for_event(network, event_id))).scalars())


def _for_event(network: str, event_id: int | None) -> Any:
    return (
        select(NetworkAccount)
        .where(
            account_table.c.network == network,
            account_table.c.status != AccountStatus.pending.value,
            or_(account_table.c.event_id == event_id, account_table.c.event_id.is_(None)),
        )
        .order_by(account_table.c.event_id.is_(None), account_table.c.id.desc())
    )


async def connect(
    session: AsyncSession, vault: Vault, *, network: str, event_id: int | None, handle: str,
    server_url: str | None, secret: dict[str, str], hint_of: str,
) -> NetworkAccount:  # fmt: skip
    if event_id is not None:
        await events.get_or_raise(session, event_id)
    now = utcnow()
    account = NetworkAccount(
        network=network,
        event_id=event_id,
        handle=handle.lstrip("@"),
        server_url=server_url.rstrip("/") if server_url else None,
        secrets=vault.seal(secret),
        secret_hint=mask(hint_of),
        status=AccountStatus.connected.value,
        created_at=now,
        updated_at=now,
    )
    session.add(account)
    await session.flush()
    return account


async def remove(session: AsyncSession, account_id: int) -> None:
    await session.delete(await get(session, account_id))


async def set_bearer_token(
    session: AsyncSession, vault: Vault, account_id: int, bearer_token: str | None
) -> NetworkAccount:
    """Store (or, with None, forget) the X app's bearer token on an X account: the filtered
    stream listens with it when CUEDESK_X_BEARER_TOKEN is not set (docs/listening.md)."""
    account = await get(session, account_id)
    if account.network != "x":
        raise Invalid(
            "Only an X account holds a bearer token (the X app's, for the filtered stream).",
            account_id=account_id,
        )
    secrets_now = vault.open(account.secrets) if account.secrets else {}
    if bearer_token:
        secrets_now["bearer_token"] = bearer_token
    else:
        secrets_now.pop("bearer_token", None)
    account.secrets = vault.seal(secrets_now)
    account.bearer_token_hint = mask(bearer_token or "")
    account.updated_at = utcnow()
    return account


def mark(account: NetworkAccount, status: AccountStatus, error: str | None) -> None:
    account.status = status.value
    account.last_error = error[:MAX_ERROR] if error else None
    account.updated_at = utcnow()


@dataclass(frozen=True)
class TestOutcome:
    """What one harmless call with an account's credentials said, written after the call."""

    ok: bool
    message: str
    identity: checks.Identity | None = None
    counting: MastodonCounting | None = None


async def probe(account: NetworkAccount, vault: Vault, settings: Settings) -> TestOutcome:
    """One harmless call with the account's credentials. It touches no database: the caller
    read ``account`` before and writes the outcome after (:func:`record_test`), so a slow
    network holds SQLite's single writer up for no one."""
    if account.status == AccountStatus.pending:
        name = "X" if account.network == "x" else "Mastodon"
        return TestOutcome(False, f"{name}'s consent was not given yet: connect it again")
    timeout = settings.publish_send_timeout_seconds
    said, counting = "", None
    try:
        secret = vault.open(account.secrets)
        if account.network == "x":
            identity = await checks.check_x(settings.x_api_url, secret["access_token"], timeout)
        elif account.network == "bluesky":
            pds = account.server_url or settings.bluesky_pds_url
            identity = await checks.check_bluesky(
                pds, account.handle, secret["app_password"], timeout
            )
        else:
            identity = await checks.check_mastodon(
                account.server_url or "", secret["access_token"], timeout
            )
            said, counting = await _read_counting(account.server_url or "", timeout)
    except Exception as exc:  # CheckFailed, CannotDecrypt and the like: say it, never a 500
        return TestOutcome(False, str(exc))
    handle = identity.handle or account.handle
    return TestOutcome(True, f"Connected as @{handle}{said}", identity, counting)


async def record_test(
    session: AsyncSession, account_id: int, outcome: TestOutcome
) -> NetworkAccount:
    """The account says how its test went (a pending one keeps waiting for its consent)."""
    account = await get(session, account_id)
    account.last_tested_at = utcnow()
    if outcome.identity is not None:
        account.handle = outcome.identity.handle or account.handle
        account.network_user_id = outcome.identity.user_id or account.network_user_id
        if outcome.counting is not None:
            remember_counting(account, outcome.counting)
        mark(account, AccountStatus.connected, None)
    elif account.status == AccountStatus.pending:
        account.last_error = outcome.message[:MAX_ERROR]
    else:
        mark(account, AccountStatus.refused, outcome.message)
    return account


def remember_counting(account: NetworkAccount, counting: MastodonCounting) -> None:
    account.max_characters = counting.max_characters
    account.characters_reserved_per_url = counting.characters_reserved_per_url


async def _read_counting(server: str, wait_seconds: float) -> tuple[str, MastodonCounting | None]:
    """Mastodon: how the account's server counts a status, read again at every test (an
    admin may raise the limit), and what the test says of it."""
    try:
        counting = await mastodon_oauth.read_counting(server, wait_seconds)
    except mastodon_oauth.ConnectFailed as exc:
        return f" (the server's character limit could not be read: {exc})", None
    return f" (statuses of up to {counting.max_characters:,} characters)", counting


def x_client(settings: Settings) -> oauth.Client:
    if not settings.x_client_id:
        raise Invalid("Set CUEDESK_X_CLIENT_ID (the X app's OAuth 2.0 client id) to connect X.")
    return oauth.Client(
        api_url=settings.x_api_url,
        authorize_url=settings.x_authorize_url,
        client_id=settings.x_client_id,
        client_secret=settings.x_client_secret,
        timeout=settings.publish_send_timeout_seconds,
    )


# A consent (X's, Mastodon's) is bound to the admin's login that started it, used once, and
# good for this long.
STATE_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class Finished:
    """How a consent ended: the account connected, or why not, in words for the Accounts
    page."""

    account_id: int | None
    problem: str | None


async def pending_consent(session: AsyncSession, network: str, state: str) -> NetworkAccount | None:
    """The account whose consent on ``network`` is waiting for ``state``, if any."""
    if not state:
        return None
    result = await session.execute(
        select(NetworkAccount).where(
            account_table.c.oauth_state == state,
            account_table.c.network == network,
            account_table.c.status == AccountStatus.pending.value,
        )
    )
    return result.scalars().first()


async def open_consent(
    session: AsyncSession, vault: Vault, account: NetworkAccount, login: str, network_name: str
) -> dict[str, Any] | Finished:
    """What a pending consent keeps (its verifier...), if ``login`` started it; or why not.
    One that can no longer be read is forgotten."""
    try:
        pending = vault.open(account.secrets)
    except CannotDecrypt as exc:
        await session.delete(account)
        return Finished(None, f"{exc}: start again")
    if pending.get("login") != login:
        return Finished(
            None,
            f"this {network_name} authorization was started from another login: start it again",
        )
    return pending


def consent_too_old(account: NetworkAccount) -> bool:
    return account.created_at < utcnow() - STATE_LIFETIME


async def forget_abandoned(session: AsyncSession, network: str) -> None:
    """Consents started and never finished, past their lifetime, are of no use to anyone."""
    await session.execute(
        delete(NetworkAccount).where(
            account_table.c.network == network,
            account_table.c.status == AccountStatus.pending.value,
            account_table.c.created_at < utcnow() - STATE_LIFETIME,
        )
    )


def settle_consent(account: NetworkAccount, identity: checks.Identity | None, problem: str) -> None:
    """A consent's end: connected as ``identity``, or refused for ``problem``."""
    if identity is None:
        mark(account, AccountStatus.refused, problem)
    else:
        account.handle, account.network_user_id = identity.handle, identity.user_id
        mark(account, AccountStatus.connected, None)


def store_x_tokens(account: NetworkAccount, vault: Vault, tokens: oauth.Tokens) -> None:
    previous = vault.open(account.secrets) if account.secrets else {}
    refresh = tokens.refresh_token or previous.get("refresh_token")
    sealed: dict[str, str] = {"access_token": tokens.access_token}
    if refresh:
        sealed["refresh_token"] = refresh
    if previous.get("bearer_token"):
        sealed["bearer_token"] = previous["bearer_token"]  # the app's, not the user's
    account.secrets = vault.seal(sealed)
    account.secret_hint = mask(tokens.access_token)
    account.token_expires_at = tokens.expires_at
    account.status = AccountStatus.connected.value
    account.updated_at = utcnow()


async def rotate_all(session: AsyncSession, vault: Vault) -> tuple[int, list[int]]:
    """Re-encrypt every account under the current key; the ids it could not open. Cuedesk's
    Mastodon apps too: one it cannot open is forgotten (the next account connected on its
    server registers a new one)."""
    done, failed = 0, []
    from app.accounts.crypto import CannotDecrypt

    for account in await list_all(session):
        if not account.secrets:
            continue
        try:
            account.secrets = vault.rotate(account.secrets)
            done += 1
        except CannotDecrypt:
            failed.append(int(account.id or 0))
    for app in (await session.execute(select(MastodonApp))).scalars():
        try:
            app.secrets = vault.rotate(app.secrets)
        except CannotDecrypt:
            await session.delete(app)
    return done, failed
