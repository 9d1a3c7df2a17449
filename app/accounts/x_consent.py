"""X accounts: connected through X's consent page (OAuth 2.0 with PKCE).

:func:`start` keeps a pending account whose state is bound to the admin's login, used
once, and good for :data:`app.accounts.service.STATE_LIFETIME`, as Mastodon's is;
:func:`finish` takes X's code back and never raises for what X or the admin did: it says
what happened in words for the Accounts page.
"""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service
from app.accounts.crypto import Vault, mask
from app.accounts.models import AccountStatus, NetworkAccount
from app.accounts.service import STATE_LIFETIME, Finished
from app.common.time import utcnow
from app.config import Settings
from app.db import Database
from app.events import service as events
from app.networks import checks, pkce
from app.networks.x import oauth

NETWORK = "x"


async def start(
    session: AsyncSession, vault: Vault, settings: Settings, event_id: int | None,
    redirect_uri: str, login: str, bearer_token: str | None = None,
) -> tuple[NetworkAccount, str]:  # fmt: skip
    """A pending X account and the consent page to send the admin to; ``bearer_token``, the
    X app's, is kept for the filtered stream."""
    client = service.x_client(settings)
    if event_id is not None:
        await events.get_or_raise(session, event_id)
    await service.forget_abandoned(session, NETWORK)
    verifier, challenge = pkce.new_verifier()
    state = secrets.token_urlsafe(32)
    now = utcnow()
    pending = {"code_verifier": verifier, "redirect_uri": redirect_uri, "login": login}
    if bearer_token:
        pending["bearer_token"] = bearer_token
    account = NetworkAccount(
        network=NETWORK,
        event_id=event_id,
        secrets=vault.seal(pending),
        bearer_token_hint=mask(bearer_token or ""),
        status=AccountStatus.pending.value,
        oauth_state=state,
        created_at=now,
        updated_at=now,
    )
    session.add(account)
    await session.flush()
    return account, oauth.consent_url(client, redirect_uri, state, challenge)


async def finish(
    database: Database, vault: Vault, settings: Settings, *, state: str, code: str, login: str
) -> Finished:
    """X sent the admin back with a code: exchange it (with the PKCE verifier) for tokens.
    Three steps, so that X's answers are awaited holding no writer: the state is used up
    (once, whatever comes next), the code exchanged, then the account written."""
    async with database.transaction() as session:
        ready = await _use_state(session, vault, state, login)
    if isinstance(ready, Finished):
        return ready
    account_id, pending = ready
    tokens: oauth.Tokens | None = None
    identity: checks.Identity | None = None
    problem = ""
    try:
        tokens = await oauth.exchange_code(
            service.x_client(settings), code, pending["code_verifier"], pending["redirect_uri"]
        )
        identity = await checks.check_x(
            settings.x_api_url, tokens.access_token, settings.publish_send_timeout_seconds
        )
    except (oauth.OAuthRefused, checks.CheckFailed) as exc:
        problem = str(exc)
    async with database.transaction() as session:
        account = await service.get(session, account_id)
        if tokens is None:
            account.secrets, account.bearer_token_hint = "", ""
        else:
            service.store_x_tokens(account, vault, tokens)
        service.settle_consent(account, identity, problem)
    return Finished(account_id, None)


async def _use_state(
    session: AsyncSession, vault: Vault, state: str, login: str
) -> Finished | tuple[int, dict[str, str]]:
    """The pending account of ``state``, used up, with what the exchange needs; or why the
    consent cannot go on."""
    account = await service.pending_consent(session, NETWORK, state)
    if account is None:
        return Finished(None, "this X authorization is unknown, or was already used: start again")
    pending = await service.open_consent(session, vault, account, login, "X")
    if isinstance(pending, Finished):
        return pending
    if service.consent_too_old(account):
        await session.delete(account)
        minutes = int(STATE_LIFETIME.total_seconds() // 60)
        return Finished(None, f"the consent on X took longer than {minutes} minutes: start again")
    account.oauth_state = None  # used once, whatever comes next
    return int(account.id or 0), pending
