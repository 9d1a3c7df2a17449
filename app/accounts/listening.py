"""The admin's stored accounts as the listening sources ask for them: the
:data:`~app.ingest.sources.base.Credentials` the app hands the source manager, which passes
it on without knowing any network. Each network's source decides what it listens with (a
Mastodon account's token for its server, the X app's bearer token)."""

from __future__ import annotations

from collections.abc import Sequence

from app.accounts import service
from app.accounts.crypto import CannotDecrypt, Vault
from app.accounts.models import AccountStatus, NetworkAccount
from app.db import Database
from app.ingest.sources.base import Credentials, StoredCredential


def store_credentials(db: Database, vault: Vault) -> Credentials:
    """Read at each ask, so a source that reconnects sees an account connected, refused or
    removed since."""

    async def credentials(network: str, event_id: int | None) -> Sequence[StoredCredential]:
        async with db.read_session() as session:
            accounts = await service.all_for_event(session, network, event_id)
            return [_opened(account, vault) for account in accounts]

    return credentials


def _opened(account: NetworkAccount, vault: Vault) -> StoredCredential:
    refused = None
    if account.status == AccountStatus.refused:
        refused = account.last_error or "the network refused it: reconnect it"
    try:
        secrets = {key: str(value) for key, value in vault.open(account.secrets).items()}
    except CannotDecrypt as exc:
        secrets, refused = {}, str(exc)
    return StoredCredential(
        handle=account.handle,
        event_id=account.event_id,
        server_url=account.server_url,
        secrets=secrets,
        refused=refused,
    )
