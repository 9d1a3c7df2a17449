"""Network accounts over HTTP: admins only. No answer ever carries a secret."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import RedirectResponse

from app.accounts import mastodon, service, spent, x_consent
from app.accounts.crypto import Vault
from app.accounts.publishing import AccountPublishers
from app.accounts.schemas import (
    AccountCreate,
    AccountList,
    AccountPublic,
    AccountUpdate,
    AuthorizeStarted,
    BudgetList,
    ConnectionTest,
    MastodonAuthorize,
    XAuthorize,
)
from app.auth.deps import AdminUser, CurrentLogin, CurrentUser
from app.common.http_errors import error_response
from app.common.ids import Id
from app.config import Settings
from app.db import SessionDep, get_database
from app.networks.bluesky import limits as bluesky_limits
from app.networks.limits import Budget
from app.networks.mastodon import limits as mastodon_limits
from app.networks.x import budget as x_limits

router = APIRouter(prefix="/api/accounts", tags=["accounts"])
X_CALLBACK = "/api/accounts/x/callback"
MASTODON_CALLBACK = "/api/accounts/mastodon/callback"
_EMPTY_BUDGETS = {
    "x": x_limits.budget,
    "bluesky": bluesky_limits.budget,
    "mastodon": mastodon_limits.budget,
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _vault(request: Request) -> Vault:
    return Vault.from_settings(_settings(request))


def _callback_url(request: Request, path: str) -> str:
    """Where a network's consent page sends the admin back: CUEDESK_PUBLIC_URL if set (the
    address the network was told), else the address this request came to."""
    base = _settings(request).public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return base + path


@router.get("", response_model=AccountList)
async def list_accounts(session: SessionDep, _admin: AdminUser) -> dict[str, Any]:
    return {"accounts": [service.public(a) for a in await service.list_all(session)]}


@router.post("", response_model=AccountPublic, status_code=status.HTTP_201_CREATED)
async def connect_account(
    body: AccountCreate, request: Request, session: SessionDep, _admin: AdminUser
) -> dict[str, Any]:
    """Connect a Bluesky (handle, app password) or Mastodon (server, token) account, for
    one event or, without ``event_id``, every event. Test it next."""
    if body.network == "bluesky":
        secret = {"app_password": body.app_password or ""}
    else:
        secret = {"access_token": body.access_token or ""}
    account = await service.connect(
        session,
        _vault(request),
        network=body.network,
        event_id=body.event_id,
        handle=body.handle,
        server_url=body.server_url,
        secret=secret,
        hint_of=next(iter(secret.values())),
    )
    return service.public(account)


@router.post("/x/authorize", response_model=AuthorizeStarted, status_code=201)
async def authorize_x(
    body: XAuthorize, request: Request, session: SessionDep, _admin: AdminUser,
    login: CurrentLogin,
) -> dict[str, Any]:  # fmt: skip
    """Start connecting an X account: send the admin to ``authorize_url`` (X's consent
    page, OAuth 2.0 with PKCE); X sends them back to the callback."""
    account, url = await x_consent.start(
        session, _vault(request), _settings(request), body.event_id,
        _callback_url(request, X_CALLBACK), login.credential, body.bearer_token,
    )  # fmt: skip
    return {"account": service.public(account), "authorize_url": url}


@router.get("/x/callback", include_in_schema=False)
async def x_callback(
    request: Request, _admin: AdminUser, login: CurrentLogin, state: str = "", code: str = ""
) -> Response:
    """X's redirect back: the code is exchanged for tokens; the Accounts page says how.
    A GET that writes (X redirects the browser here), hence its own transactions."""
    if not state or not code:
        reason = quote(request.query_params.get("error", "no code"))
        return RedirectResponse(f"/accounts?x_error={reason}", status_code=303)
    finished = await x_consent.finish(
        get_database(request), _vault(request), _settings(request), state=state[:256],
        code=code[:512], login=login.credential,
    )  # fmt: skip
    if finished.problem is not None:
        reason = quote(finished.problem[:500], safe="")
        return RedirectResponse(f"/accounts?x_error={reason}", status_code=303)
    return RedirectResponse(f"/accounts?connected={finished.account_id}", status_code=303)


@router.post(
    "/mastodon/authorize",
    response_model=AuthorizeStarted,
    status_code=201,
    responses={422: error_response("The server is out of reach, not Mastodon, or refused")},
)
async def authorize_mastodon(
    body: MastodonAuthorize, request: Request, session: SessionDep, _admin: AdminUser,
    login: CurrentLogin,
) -> dict[str, Any]:  # fmt: skip
    """Start connecting a Mastodon account on ``server_url``: Cuedesk registers itself as an
    app there the first time, then the admin goes to ``authorize_url`` (the server's consent
    page, with PKCE), which sends them back to the callback."""
    account, url = await mastodon.start(
        get_database(request), session, _vault(request), _settings(request),
        server_url=body.server_url, event_id=body.event_id,
        redirect_uri=_callback_url(request, MASTODON_CALLBACK), login=login.credential,
    )  # fmt: skip
    return {"account": service.public(account), "authorize_url": url}


@router.get("/mastodon/callback", include_in_schema=False)
async def mastodon_callback(
    request: Request, _admin: AdminUser, login: CurrentLogin, state: str = "", code: str = "",
    error: str = "", error_description: str = "",
) -> Response:  # fmt: skip
    """The server's redirect back, with a code or a refusal; the Accounts page says which.
    A GET that writes (the server redirects the browser here), hence its own transactions."""
    finished = await mastodon.finish(
        get_database(request), _vault(request), _settings(request), state=state[:256],
        code=code[:512], error=error[:64], error_description=error_description[:300],
        login=login.credential,
    )  # fmt: skip
    if finished.problem is not None:
        reason = quote(finished.problem[:500], safe="")
        return RedirectResponse(f"/accounts?mastodon_error={reason}", status_code=303)
    return RedirectResponse(f"/accounts?connected={finished.account_id}", status_code=303)


@router.post(
    "/{account_id}/test",
    response_model=ConnectionTest,
    responses={status.HTTP_404_NOT_FOUND: error_response("No such account")},
)
async def test_account(
    account_id: Id, request: Request, session: SessionDep, _admin: AdminUser
) -> dict[str, Any]:
    """One harmless call with the credentials; ``message`` says exactly what failed. The
    account is read, the network called, and only then the outcome written."""
    async with get_database(request).read_session() as reading:
        tested = await service.get(reading, account_id)
        reading.expunge(tested)  # kept as read: the read session's rollback expires it
    outcome = await service.probe(tested, _vault(request), _settings(request))
    account = await service.record_test(session, account_id, outcome)
    return {"ok": outcome.ok, "message": outcome.message, "account": service.public(account)}


@router.patch(
    "/{account_id}",
    response_model=AccountPublic,
    responses={status.HTTP_404_NOT_FOUND: error_response("No such account")},
)
async def update_account(
    account_id: Id, body: AccountUpdate, request: Request, session: SessionDep, _admin: AdminUser
) -> dict[str, Any]:
    """Store the X app's bearer token on an X account (null removes it): the filtered
    stream's credential when CUEDESK_X_BEARER_TOKEN is not set. Answered masked."""
    account = await service.set_bearer_token(
        session, _vault(request), account_id, body.bearer_token
    )
    return service.public(account)


@router.delete("/{account_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_account(account_id: Id, session: SessionDep, _admin: AdminUser) -> Response:
    await service.remove(session, account_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/budgets", response_model=BudgetList)
async def budgets(request: Request, session: SessionDep, _user: CurrentUser) -> dict[str, Any]:
    """Each account's posting budget: its windows counted from the posts the database
    holds, and the limit headers this process last read. The console's meter polls this."""
    publishers = getattr(request.app.state, "publishers", None)
    known = (
        {b["account_id"]: b for b in publishers.budgets()}
        if isinstance(publishers, AccountPublishers)
        else {}
    )
    listed = []
    for account in await service.list_all(session):
        if account.id in known:
            listed.append(known[account.id])
            continue
        # Not posted through this process yet: what the database says it spent.
        empty: Budget = _EMPTY_BUDGETS[account.network]()
        await spent.seed(session, account, empty)
        listed.append(
            {
                "account_id": account.id,
                "network": account.network,
                "handle": account.handle,
                "budget": empty.snapshot(),
            }
        )
    return {"budgets": listed}
