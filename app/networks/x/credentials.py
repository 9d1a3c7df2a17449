"""The bearer token the filtered stream listens with. The stream is the X app's (app-only
auth, one connection shared by every event), so its token is the app's too: the one in
CUEDESK_X_BEARER_TOKEN, else the one the admin stored on the X account connected for every
event (the latest of them holding one). An event's own X account is not asked: its
events share the stream with the others."""

from __future__ import annotations

from app.common.errors import Invalid
from app.config import Settings
from app.ingest.sources.base import Credentials, SourceCheck
from app.ingest.sources.stateful import StreamFailure

NETWORK = "x"
NO_BEARER_TOKEN = (
    "No X bearer token to listen with: set CUEDESK_X_BEARER_TOKEN, or store the X app's "
    "bearer token on the X account connected for every event (Accounts page)"
)


async def find_bearer_token(settings: Settings, credentials: Credentials) -> str | None:
    configured = settings.x_bearer_token.get_secret_value()
    if configured:
        return configured
    # A refused account's user token says nothing of the app's bearer token: it is tried.
    for account in await credentials(NETWORK, None):
        stored = account.secrets.get("bearer_token")
        if stored:
            return stored
    return None


async def bearer_token(settings: Settings, credentials: Credentials) -> str:
    """Read again at each connection; none is a ``refused`` failure ("credentials
    refused" in the sources' state), tried again later."""
    token = await find_bearer_token(settings, credentials)
    if token is None:
        raise StreamFailure("refused", f"credentials refused: {NO_BEARER_TOKEN}")
    return token


async def check(started: SourceCheck) -> None:
    if await find_bearer_token(started.settings, started.credentials) is None:
        raise Invalid(NO_BEARER_TOKEN + ".")
