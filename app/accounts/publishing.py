"""Which publisher sends a reply: the one of the account connected for its event (or for
every event) on its network, built from the stored credentials and kept while the account
is unchanged; else the settings' (Mastodon) or the dry run.

A credential the network refuses marks the account ``refused`` with the network's words,
and the account's next replies fail at once with that message, without calling the network
again (no retry storm) until the account is tested or reconnected.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.accounts import service, spent
from app.accounts.crypto import CannotDecrypt, Vault
from app.accounts.models import AccountStatus, NetworkAccount
from app.config import Settings
from app.db import Database
from app.networks.bluesky.publisher import BlueskyPublisher
from app.networks.limits import Budget
from app.networks.mastodon.publisher import MastodonPublisher
from app.networks.x import oauth
from app.networks.x.publisher import XPublisher
from app.replies.publishers import Outgoing, Published, Publisher, Publishers, PublishFailed

logger = logging.getLogger(__name__)
# A refresh this recent serves the sends that were waiting for it.
REFRESH_SHARED_SECONDS = 30.0
# How often an account's budget is read again from what the database says it published
# (another process's posts, or this one's before a restart).
BUDGET_RESEED_SECONDS = 30.0


@dataclass
class _Built:
    publisher: Any
    updated_at: datetime
    handle: str
    network: str
    # time.monotonic() of the budget's last reading from the database; None: never.
    seeded_at: float | None = None


class AccountPublisher:
    """An account's publisher that records on the account a credential refused."""

    def __init__(self, registry: AccountPublishers, account_id: int, inner: Any) -> None:
        self._registry = registry
        self._account_id = account_id
        self._inner = inner

    @property
    def budget(self) -> Budget:
        budget: Budget = self._inner.budget
        return budget

    async def publish(self, post: Outgoing) -> Published:
        try:
            return await self._inner.publish(post)
        except PublishFailed as exc:
            if not exc.transient and _is_credential_refusal(str(exc)):
                await self._registry.refused(self._account_id, str(exc))
            raise

    async def close(self) -> None:
        await self._inner.close()


def _is_credential_refusal(message: str) -> bool:
    return any(
        words in message
        for words in ("refused the account's token", "refused the login", "refused the session")
    )


class AccountPublishers(Publishers):
    """Each network's publisher: the event's connected account, else the settings'
    Mastodon server (``CUEDESK_PUBLISH_MASTODON_URL``), else dry-run."""

    def __init__(self, settings: Settings, db: Database) -> None:
        super().__init__(settings)
        self._settings = settings
        self._db = db
        self.vault = Vault.from_settings(settings)
        self._built: dict[int, _Built] = {}
        self._fallback: dict[str, Publisher] = {}
        if settings.publish_mastodon_url:
            self._by_network["mastodon"] = MastodonPublisher(
                settings.publish_mastodon_url,
                settings.publish_mastodon_token,
                timeout=settings.publish_send_timeout_seconds,
            )

    async def for_event(self, network: str, event_id: int) -> Publisher:
        async with self._db.read_session() as session:
            account = await service.for_event(session, network, event_id)
            if account is not None:
                session.expunge(account)  # read after the session's end (its rollback)
        if account is None or account.id is None:
            return self.for_network(network)
        if account.status == AccountStatus.refused:
            raise PublishFailed(
                f"The {network} account @{account.handle} is refused: "
                f"{account.last_error or 'reconnect it'}",
                transient=False,
            )
        built = self._built.get(account.id)
        if built is None or built.updated_at != account.updated_at:
            if built is not None:
                await built.publisher.close()
            built = _Built(self._build(account), account.updated_at, account.handle, network)
            self._built[account.id] = built
        if built.seeded_at is None or time.monotonic() - built.seeded_at > BUDGET_RESEED_SECONDS:
            async with self._db.read_session() as session:
                await spent.seed(session, account, built.publisher.budget)
            built.seeded_at = time.monotonic()
        return AccountPublisher(self, account.id, built.publisher)

    def _build(self, account: NetworkAccount) -> Any:
        try:
            secret = self.vault.open(account.secrets)
        except CannotDecrypt as exc:
            raise PublishFailed(str(exc), transient=False) from None
        timeout = self._settings.publish_send_timeout_seconds
        if account.network == "x":
            return XPublisher(
                self._settings.x_api_url,
                secret["access_token"],
                user_id=account.network_user_id,
                timeout=timeout,
                refresh=self._x_refresher(int(account.id or 0)),
            )
        if account.network == "bluesky":
            pds = account.server_url or self._settings.bluesky_pds_url
            return BlueskyPublisher(
                pds,
                self._settings.bluesky_appview_url,
                account.handle,
                secret["app_password"],
                timeout=timeout,
            )
        return MastodonPublisher(account.server_url or "", secret["access_token"], timeout=timeout)

    def _x_refresher(self, account_id: int) -> Any:
        # X's refresh tokens are single use: sends that meet the expiry together share one
        # refresh, which runs to its end (and stores the tokens) even if the send that
        # started it times out; a refresh just done serves the sends that come after it.
        in_flight: list[asyncio.Task[str]] = []
        refreshed_at: list[float] = []

        async def refresh() -> str:
            """New tokens from the refresh token, stored (encrypted) before they are used."""
            if not in_flight or in_flight[0].done():
                task = asyncio.create_task(_refresh(time.monotonic()))
                # Its failure reaches whoever awaits it; none left is no error to report.
                task.add_done_callback(lambda done: done.cancelled() or done.exception())
                in_flight[:] = [task]
            return await asyncio.shield(in_flight[0])

        async def _refresh(asked_at: float) -> str:
            async with self._db.transaction() as session:
                account = await service.get(session, account_id)
                stored = self.vault.open(account.secrets)
                if refreshed_at and asked_at - refreshed_at[-1] < REFRESH_SHARED_SECONDS:
                    return str(stored["access_token"])
                refresh_token = stored.get("refresh_token")
                if not refresh_token:
                    raise PublishFailed(
                        "X refused the account's token and there is no refresh token; "
                        "reconnect the account",
                        transient=False,
                    )
                try:
                    tokens = await oauth.refresh(service.x_client(self._settings), refresh_token)
                except oauth.OAuthRefused as exc:
                    raise PublishFailed(
                        f"X refused the account's token, and its refresh: {exc}", transient=False
                    ) from None
                service.store_x_tokens(account, self.vault, tokens)
                updated_at = account.updated_at
                refreshed_at.append(time.monotonic())
            built = self._built.get(account_id)
            if built is not None:
                built.updated_at = updated_at  # the same publisher, now holding the new token
            return tokens.access_token

        return refresh

    async def refused(self, account_id: int, message: str) -> None:
        async with self._db.transaction() as session:
            account = await session.get(NetworkAccount, account_id)
            if account is not None:
                service.mark(account, AccountStatus.refused, message)

    def budgets(self) -> list[dict[str, Any]]:
        return [
            {
                "account_id": account_id,
                "network": built.network,
                "handle": built.handle,
                "budget": built.publisher.budget.snapshot(),
            }
            for account_id, built in sorted(self._built.items())
        ]

    async def close(self) -> None:
        for built in self._built.values():
            await built.publisher.close()
        self._built.clear()
        await super().close()
