"""Mastodon accounts: connected through the server's own consent page (OAuth 2.0 with PKCE,
Cuedesk registered once per server), and how the event's server counts a status.

The flow: :func:`start` reads the server's instance (is it Mastodon, how it counts),
registers Cuedesk there unless it already is, and keeps a pending account whose state is
bound to the admin's login, used once, and good for :data:`app.accounts.service.STATE_LIFETIME`;
:func:`finish` takes the server's answer (a code, or a refusal) and never raises for what
the server or the admin did: it says what happened in words for the Accounts page.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service
from app.accounts.crypto import CannotDecrypt, Vault, mask
from app.accounts.models import AccountStatus, MastodonApp, NetworkAccount
from app.accounts.service import STATE_LIFETIME, Finished
from app.common.errors import Invalid
from app.common.time import utcnow
from app.config import Settings
from app.db import Database
from app.events import service as events
from app.networks import checks, pkce
from app.networks.mastodon import oauth
from app.replies.length import MastodonCounting

NETWORK = "mastodon"
app_table = MastodonApp.__table__  # type: ignore[attr-defined]


async def counting_for_event(
    session: AsyncSession, event_id: int, default_limit: int
) -> MastodonCounting:
    """How the Mastodon server the event posts to counts a status: that of the account that
    posts for the event (its own, else the one for every event), once its server was read;
    else ``default_limit`` (CUEDESK_MASTODON_MAX_CHARACTERS) and Mastodon's 23 per URL."""
    account = await service.for_event(session, NETWORK, event_id)
    if account is None or not account.max_characters:
        return MastodonCounting(max_characters=default_limit)
    return MastodonCounting(
        max_characters=account.max_characters,
        characters_reserved_per_url=(
            account.characters_reserved_per_url
            if account.characters_reserved_per_url is not None
            else MastodonCounting().characters_reserved_per_url
        ),
    )


async def start(
    database: Database, session: AsyncSession, vault: Vault, settings: Settings, *,
    server_url: str, event_id: int | None, redirect_uri: str, login: str,
) -> tuple[NetworkAccount, str]:  # fmt: skip
    """A pending Mastodon account and the server's consent page to send the admin to.
    Refused (422, saying why) when the server cannot be reached, is not Mastodon, or will
    not register Cuedesk."""
    timeout = settings.publish_send_timeout_seconds
    server = server_url.strip()
    try:
        server = oauth.server_origin(server_url)
        # The server is asked before the write session is touched: a slow one holds no
        # writer up.
        counting = await oauth.read_counting(server, timeout)
        async with database.read_session() as reading:
            app_id, app = await _known_app(reading, vault, server, redirect_uri)
        if app is None:
            app = await oauth.register_app(server, redirect_uri, settings.public_url, timeout)
    except oauth.ConnectFailed as exc:
        raise Invalid(f"Mastodon did not connect: {exc}.", server_url=server) from None
    if event_id is not None:
        await events.get_or_raise(session, event_id)
    if app_id is None:
        app_id = await _remember_app(session, vault, server, redirect_uri, app)
    await service.forget_abandoned(session, NETWORK)
    verifier, challenge = pkce.new_verifier()
    state = secrets.token_urlsafe(32)
    now = utcnow()
    pending = {
        "code_verifier": verifier,
        "redirect_uri": redirect_uri,
        "app_id": app_id,
        "login": login,
    }
    account = NetworkAccount(
        network=NETWORK,
        event_id=event_id,
        server_url=server,
        secrets=vault.seal(pending),
        status=AccountStatus.pending.value,
        oauth_state=state,
        created_at=now,
        updated_at=now,
    )
    service.remember_counting(account, counting)
    session.add(account)
    await session.flush()
    return account, oauth.consent_url(server, app, redirect_uri, state, challenge)


async def _known_app(
    session: AsyncSession, vault: Vault, server: str, redirect_uri: str
) -> tuple[int | None, oauth.App | None]:
    """Cuedesk's app on the server for this callback and these scopes, if registered before
    (and readable with this server's key)."""
    result = await session.execute(
        select(MastodonApp)
        .where(
            app_table.c.server_url == server,
            app_table.c.redirect_uri == redirect_uri,
            app_table.c.scopes == oauth.SCOPES,
        )
        .order_by(app_table.c.id.desc())
    )
    for known in result.scalars():
        try:
            sealed = vault.open(known.secrets)
        except CannotDecrypt:
            continue  # sealed under a key this server lost: register anew
        return int(known.id or 0), oauth.App(sealed["client_id"], sealed["client_secret"])
    return None, None


async def _remember_app(
    session: AsyncSession, vault: Vault, server: str, redirect_uri: str, app: oauth.App
) -> int:
    row = MastodonApp(
        server_url=server,
        redirect_uri=redirect_uri,
        scopes=oauth.SCOPES,
        secrets=vault.seal({"client_id": app.client_id, "client_secret": app.client_secret}),
    )
    session.add(row)
    await session.flush()
    return int(row.id or 0)


async def finish(
    database: Database, vault: Vault, settings: Settings, *, state: str, code: str,
    error: str, error_description: str, login: str,
) -> Finished:  # fmt: skip
    """The server sent the admin back: with a code (exchanged for the account's token), or
    with ``error`` (the consent was refused). Three steps, so that the server's answers are
    awaited holding no writer: the state is used up, the code exchanged, the account
    written."""
    async with database.transaction() as session:
        ready = await _use_state(session, vault, state, code, error, error_description, login)
    if isinstance(ready, Finished):
        return ready
    account_id, server, client, pending = ready
    token, identity, problem = await _exchange(settings, server, client, pending, code)
    async with database.transaction() as session:
        account = await service.get(session, account_id)
        if token is None:
            account.secrets = ""
        else:
            account.secrets = vault.seal({"access_token": token})
            account.secret_hint = mask(token)
        service.settle_consent(account, identity, problem)
    if identity is None:
        return Finished(None, problem)
    return Finished(account_id, None)


async def _use_state(
    session: AsyncSession, vault: Vault, state: str, code: str, error: str,
    error_description: str, login: str,
) -> Finished | tuple[int, str, oauth.App, dict[str, str]]:  # fmt: skip
    """The pending account of ``state``, used up, with what the exchange needs; or how the
    consent ended without one."""
    account = await service.pending_consent(session, NETWORK, state)
    if account is None and error:
        refused = error_description or error
        return Finished(None, f"the server refused the authorization ({refused})")
    if account is None:
        return Finished(
            None, "this Mastodon authorization is unknown, or was already used: start again"
        )
    pending = await service.open_consent(session, vault, account, login, "Mastodon")
    if isinstance(pending, Finished):
        return pending
    server = account.server_url or ""
    problem = _why_not_to_go_on(account, server, code, error, error_description)
    app = await session.get(MastodonApp, pending.get("app_id"))
    if problem is None and app is None:
        problem = f"Cuedesk's app on {server} is no longer known: start again"
    client: oauth.App | None = None
    if problem is None and app is not None:
        try:
            sealed = vault.open(app.secrets)
            client = oauth.App(sealed["client_id"], sealed["client_secret"])
        except CannotDecrypt as exc:
            problem = f"{exc}: start again"
    if problem is not None or client is None:
        await session.delete(account)
        return Finished(None, problem)
    account.oauth_state = None  # used once, whatever comes next
    return int(account.id or 0), server, client, pending


def _why_not_to_go_on(
    account: NetworkAccount, server: str, code: str, error: str, error_description: str
) -> str | None:
    if service.consent_too_old(account):
        minutes = int(STATE_LIFETIME.total_seconds() // 60)
        return f"the consent on {server} took longer than {minutes} minutes: start again"
    if error == "access_denied":
        return f"the consent was declined on {server}: Cuedesk was given no access"
    if error:
        return f"{server} refused the authorization ({error_description or error})"
    if not code:
        return f"{server} sent no authorization code back: start again"
    return None


async def _exchange(
    settings: Settings, server: str, client: oauth.App, pending: dict[str, str], code: str
) -> tuple[str | None, checks.Identity | None, str]:
    """The code exchanged for the account's token, and whose it is; or why not."""
    timeout = settings.publish_send_timeout_seconds
    try:
        token = await oauth.exchange_code(
            server, client, code, pending["code_verifier"], pending["redirect_uri"], timeout
        )
    except oauth.ConnectFailed as exc:
        return None, None, str(exc)
    try:
        identity = await checks.check_mastodon(server, token, timeout)
    except checks.CheckFailed as exc:
        return token, None, str(exc)
    return token, identity, ""
