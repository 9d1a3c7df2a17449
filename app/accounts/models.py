from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow


class AccountStatus(StrEnum):
    """pending (X's consent not given yet) → connected; connected → refused (the network
    refused the credential: reconnect) or back to connected after a good test."""

    pending = "pending"
    connected = "connected"
    refused = "refused"


class NetworkAccount(SQLModel, table=True):
    """A network account the desk posts (and listens) as: for one event, or for every event
    that has none of its own on that network (``event_id`` empty).

    ``secrets`` is a Fernet token (app/accounts/crypto.py) of the account's credentials as
    JSON: never stored, logged or sent in the clear; ``secret_hint`` is what the console
    may show of it."""

    __tablename__ = "network_account"
    __table_args__ = (Index("ix_network_account_network_event", "network", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    network: str = Field(max_length=16)
    event_id: int | None = Field(default=None, foreign_key="event.id", ondelete="CASCADE")
    handle: str = Field(default="", max_length=256)
    # X's user id, Bluesky's DID, Mastodon's account id: once known.
    network_user_id: str | None = Field(default=None, max_length=256)
    # Mastodon's server, or a Bluesky PDS other than the setting's.
    server_url: str | None = Field(default=None, max_length=2048)
    secrets: str = Field(default="", sa_type=Text)
    secret_hint: str = Field(default="", max_length=32)
    # X only: what the console may show of the X app's bearer token (in ``secrets``), which
    # the filtered stream listens with; empty when none is stored.
    bearer_token_hint: str = Field(default="", max_length=32)
    status: str = Field(default=AccountStatus.pending.value, max_length=16)
    last_error: str | None = Field(default=None, max_length=1000)
    last_tested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    token_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # An OAuth flow in progress (X's, Mastodon's): the state sent to the consent page (its
    # verifier is in ``secrets``).
    oauth_state: str | None = Field(default=None, max_length=128, index=True)
    # Mastodon: how its server counts a status (the instance's configuration.statuses), read
    # when the account is connected or tested; None until then (the settings' count).
    max_characters: int | None = None
    characters_reserved_per_url: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MastodonApp(SQLModel, table=True):
    """Cuedesk registered as an OAuth app on one Mastodon server (``POST /api/v1/apps``),
    the first time an admin connects an account there, and reused for every account after.

    ``secrets`` is a Fernet token of its ``client_id`` and ``client_secret``, as
    :class:`NetworkAccount`'s. An app answers for one callback address and set of scopes:
    another of either registers a new one."""

    __tablename__ = "mastodon_app"

    id: int | None = Field(default=None, primary_key=True)
    server_url: str = Field(max_length=2048, index=True)
    redirect_uri: str = Field(max_length=2048)
    scopes: str = Field(max_length=256)
    secrets: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
