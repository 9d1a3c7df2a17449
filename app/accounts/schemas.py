from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from app.accounts.models import AccountStatus
from app.common.ids import Id
from app.common.text import InputModel
from app.common.time import UtcTime

Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4096)]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^https?://", max_length=2048)
]


class AccountCreate(InputModel):
    """Connect a Bluesky account (handle and app password) or a Mastodon one (server and
    access token). X is connected through its consent page (POST /api/accounts/x/authorize),
    and Mastodon may be too (POST /api/accounts/mastodon/authorize)."""

    model_config = ConfigDict(extra="forbid")

    network: Literal["bluesky", "mastodon"]
    event_id: Id | None = None
    handle: Annotated[str, StringConstraints(strip_whitespace=True, max_length=256)] = ""
    app_password: Secret | None = None
    server_url: Url | None = None
    access_token: Secret | None = None

    @model_validator(mode="after")
    def _credentials_of_the_network(self) -> AccountCreate:
        if self.network == "bluesky" and not (self.handle and self.app_password):
            raise ValueError("a Bluesky account needs its handle and an app password")
        if self.network == "mastodon" and not (self.server_url and self.access_token):
            raise ValueError("a Mastodon account needs its server_url and an access_token")
        return self


class XAuthorize(InputModel):
    """Start connecting an X account; ``bearer_token``: the X app's app-only bearer token,
    which the filtered stream listens with (optional; see AccountUpdate)."""

    model_config = ConfigDict(extra="forbid")

    event_id: Id | None = None
    bearer_token: Secret | None = None


class MastodonAuthorize(InputModel):
    """Start connecting a Mastodon account on ``server_url`` through the server's consent
    page, for one event or, without ``event_id``, every event."""

    model_config = ConfigDict(extra="forbid")

    server_url: Url
    event_id: Id | None = None


class AccountUpdate(InputModel):
    """Set (or, with null, remove) the X app's bearer token on an X account. The filtered
    stream listens with CUEDESK_X_BEARER_TOKEN, else with the one stored on the X account
    for every event."""

    model_config = ConfigDict(extra="forbid")

    bearer_token: Secret | None


class AccountPublic(BaseModel):
    """An account as the console sees it: whether a secret is set, never the secret."""

    id: int
    network: str
    event_id: int | None
    handle: str
    network_user_id: str | None
    server_url: str | None
    secret_set: bool
    secret_hint: str
    # X: whether the X app's bearer token (for listening) is stored, and its masked hint.
    bearer_token_set: bool
    bearer_token_hint: str
    status: AccountStatus
    last_error: str | None
    last_tested_at: UtcTime | None
    token_expires_at: UtcTime | None
    # Mastodon: how its server counts a status, once read (connected or tested).
    max_characters: int | None
    characters_reserved_per_url: int | None
    created_at: UtcTime
    updated_at: UtcTime


class AccountList(BaseModel):
    accounts: list[AccountPublic]


class AuthorizeStarted(BaseModel):
    """A pending account, and the network's consent page to send the admin to."""

    account: AccountPublic
    authorize_url: str


class ConnectionTest(BaseModel):
    ok: bool
    message: str
    account: AccountPublic


class AccountBudget(BaseModel):
    account_id: int | None
    network: str
    handle: str
    budget: dict[str, Any]


class BudgetList(BaseModel):
    budgets: list[AccountBudget]
