"""Settings, read from the environment (prefix ``CUEDESK_``) and validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
# The most mentions one POST may carry whatever the setting: the API schema says so, and a
# longer list is refused before any of its items is validated (100,000 bad items would
# otherwise cost seconds of validation and 300,000 error objects).
MENTIONS_PER_REQUEST_CEILING = 20000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CUEDESK_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = DEFAULT_DATA_DIR
    # Where the console's built scripts are (Vite's output); unset means frontend/dist.
    console_dist_dir: Path | None = None
    # Empty means "an SQLite file in data_dir"; resolved by ``database_url_resolved``.
    database_url: str = ""
    broker_url: str = "memory://"
    # No secret key yet: nothing needs one (session cookies and API tokens are random and
    # stored only as SHA-256 hashes; passwords as Argon2id). Encrypting the networks'
    # credentials will bring one, required where it is used.
    allowed_origins: list[str] = Field(default_factory=list)
    session_max_age_seconds: int = 12 * 3600
    cookie_secure: bool = False
    # Run pending migrations when the server starts (``cuedesk db upgrade`` does it by hand).
    migrate_on_start: bool = True
    # Ingest batching: a batch is written when it holds this many mentions or is this old.
    ingest_batch_size: int = Field(default=1000, ge=1, le=20000)
    ingest_batch_max_delay_ms: int = Field(default=5, ge=0, le=1000)
    # Sources push into a bounded queue; when it is full they wait (back-pressure), never drop.
    ingest_queue_size: int = Field(default=50000, ge=100)
    # Sources run in one process: the one holding a PostgreSQL advisory lock (always the
    # process, on SQLite). It compares its tasks with the source rows this often, so a source
    # started or stopped through another process starts or stops within about this delay.
    sources_reconcile_seconds: float = Field(default=1.0, gt=0, le=60)
    # How often the other processes try to take over; a dead leader is replaced this fast.
    sources_leader_retry_seconds: float = Field(default=3.0, gt=0, le=300)
    max_mentions_per_request: int = Field(default=5000, ge=1, le=MENTIONS_PER_REQUEST_CEILING)
    # No request body larger than this is read (413): room for max_mentions_per_request
    # mentions of about 3 KB of JSON each (a long post with its author and links).
    max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    # The live stream (see docs/stream.md).
    stream_tick_ms: int = Field(default=15, ge=1, le=1000)
    stream_replay_limit: int = Field(default=20000, ge=100)
    stream_ring_size: int = Field(default=20000, ge=100)
    stream_max_frame_entries: int = Field(default=500, ge=1, le=5000)
    stream_send_timeout_seconds: float = Field(default=5.0, gt=0)
    stream_heartbeat_seconds: float = Field(default=10.0, gt=0)
    stream_idle_timeout_seconds: float = Field(default=45.0, gt=0)
    stream_poll_seconds: float = Field(default=1.0, gt=0)
    stream_max_message_bytes: int = Field(default=4096, ge=64)
    stream_messages_per_second: float = Field(default=10.0, gt=0)
    stream_message_burst: int = Field(default=30, ge=1)
    # Triage claims (see app/triage/claims.py). A claim is a lease of this length; the
    # console renews it while the operator composes.
    claim_lease_seconds: float = Field(default=90.0, gt=0, le=3600)
    # How often each process looks for leases past their end and frees them.
    claim_sweep_seconds: float = Field(default=1.0, gt=0, le=60)
    # A renewal moves the lease end only in steps of at least this much (and then journals
    # it), so a console renewing every few seconds while typing does not flood the journal.
    # The step is also capped at a third of the lease, so short leases still renew.
    claim_renew_step_seconds: float = Field(default=15.0, ge=0, le=600)
    # Publishing replies and posts (see app/publish/outbox.py). A failure that may pass is retried
    # after base, twice that, four times … up to the cap, this many attempts in all.
    publish_max_attempts: int = Field(default=6, ge=1, le=50)
    publish_backoff_base_seconds: float = Field(default=2.0, gt=0, le=600)
    publish_backoff_max_seconds: float = Field(default=300.0, gt=0, le=3600)
    # One network call may take this long; a send held twice as long by a process that went
    # away is presumed lost and taken up again (with the same idempotency key).
    publish_send_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # How often each process looks for due replies besides being woken by new ones.
    publish_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # Scheduled cues (see app/cues/schedule.py and docs/cues.md). A cue found due later
    # than this (the server was down at its time) is not fired but reported missed
    # (``cue.missed``): a pre-show tease an hour late is worse than none. The producer may
    # still fire it by hand.
    cue_grace_seconds: float = Field(default=120.0, ge=0, le=86400)
    # How often each process's scheduler looks for due cues besides sleeping until the next
    # one it knows of (it learns of cues changed on another process at this pace).
    cue_scheduler_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # Replies go to a Mastodon server when both are set; otherwise (and for X and Bluesky
    # until their publishers come) the dry-run publisher records them without sending.
    publish_mastodon_url: str = ""
    publish_mastodon_token: str = ""
    # The server's configuration.statuses.max_characters.
    mastodon_max_characters: int = Field(default=500, ge=1, le=100000)
    # ``GET /metrics`` asks for ``Authorization: Bearer <this>`` when set; empty, it is open
    # like /healthz (it shows counts and route templates, nothing private).
    metrics_token: str = ""

    @model_validator(mode="after")
    def _refuse_inconsistent_settings(self) -> Settings:
        if not (self.broker_url.startswith("memory://") or self.broker_url.startswith("redis")):
            raise ValueError(
                f"CUEDESK_BROKER_URL must start with memory:// or redis://, not {self.broker_url!r}"
            )
        if bool(self.publish_mastodon_url) != bool(self.publish_mastodon_token):
            raise ValueError(
                "CUEDESK_PUBLISH_MASTODON_URL and CUEDESK_PUBLISH_MASTODON_TOKEN go together: "
                "set both to publish to Mastodon, or neither to stay on dry-run"
            )
        if self.publish_mastodon_url and not self.publish_mastodon_url.startswith(
            ("https://", "http://")
        ):
            raise ValueError(
                "CUEDESK_PUBLISH_MASTODON_URL must be the server's https:// address, not "
                f"{self.publish_mastodon_url!r}"
            )
        return self

    @property
    def claim_renew_step(self) -> float:
        """The lease-end step of a renewal, in seconds (see ``claim_renew_step_seconds``)."""
        return min(self.claim_renew_step_seconds, self.claim_lease_seconds / 3)

    @property
    def database_url_resolved(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'cuedesk.db').resolve()}"


def normalise_database_url(url: str) -> str:
    """Accept the plain URLs people copy from elsewhere and pick our async drivers."""
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise ValueError(
        f"CUEDESK_DATABASE_URL must be an sqlite:// or postgresql:// URL, not {url.split(':')[0]!r}"
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
