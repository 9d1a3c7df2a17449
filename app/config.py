"""Settings, read from the environment (prefix ``CUEDESK_``) and validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
# The most mentions one POST may carry whatever the setting: the API schema says so, and a
# longer list is refused before any of its items is validated (100,000 bad items would
# otherwise cost seconds of validation and 300,000 error objects).
MENTIONS_PER_REQUEST_CEILING = 20000
# Only good enough for a laptop: refused outside development.
DEVELOPMENT_SECRET_KEY = "cuedesk-development-secret-not-for-production"
MIN_SECRET_KEY_LENGTH = 32


class MastodonServer(BaseModel):
    """A Mastodon server to listen on: its address and a user token with ``read:statuses``
    (the hashtag stream needs one since Mastodon 4.2)."""

    url: str
    token: SecretStr


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CUEDESK_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = DEFAULT_DATA_DIR
    # Where the console's built scripts are (Vite's output); unset means frontend/dist.
    console_dist_dir: Path | None = None
    # The only folder file sources read from (and uploads go to); unset means
    # data_dir/imports. Resolved by ``imports_dir_resolved``.
    imports_dir: Path | None = None
    # Empty means "an SQLite file in data_dir"; resolved by ``database_url_resolved``.
    database_url: str = ""
    broker_url: str = "memory://"
    # The prefix of every Redis channel. Processes of one Cuedesk share it; two Cuedesks
    # (two databases) sharing one Redis must each have their own, or their consoles would
    # hear each other's events, which share ids.
    broker_namespace: str = Field(default="cuedesk:", min_length=1, max_length=64)
    # The key the networks' credentials are encrypted with is derived from this (HKDF, see
    # app/accounts/crypto.py). In production it must be long and random. Changing it:
    # put the old one in previous_secret_keys (still read, re-encrypted on `cuedesk accounts
    # rotate-key`), the new one here.
    secret_key: str = DEVELOPMENT_SECRET_KEY
    previous_secret_keys: list[str] = Field(default_factory=list)
    allowed_origins: list[str] = Field(default_factory=list)
    session_max_age_seconds: int = 12 * 3600
    cookie_secure: bool = False
    # Run pending migrations when the server starts (``cuedesk db upgrade`` does it by hand).
    migrate_on_start: bool = True
    # Ingest batching: a batch is written when it holds this many mentions or is this old.
    # A transaction costs a few milliseconds whatever its size: at 250 posts a second, 5 ms
    # wrote them one or two at a time for 77% of a core, 20 ms writes five for 50%
    # (docs/benchmarks.md, listening), and adds about 15 ms to a post's way to the feed.
    ingest_batch_size: int = Field(default=1000, ge=1, le=20000)
    ingest_batch_max_delay_ms: int = Field(default=20, ge=0, le=1000)
    # Sources push into a bounded queue; when it is full they wait (back-pressure), never drop.
    ingest_queue_size: int = Field(default=50000, ge=100)
    # Sources run in one process: the one holding a PostgreSQL advisory lock (always the
    # process, on SQLite). It compares its tasks with the source rows this often, so a source
    # started or stopped through another process starts or stops within about this delay.
    sources_reconcile_seconds: float = Field(default=1.0, gt=0, le=60)
    # How often the other processes try to take over; a dead leader is replaced this fast.
    sources_leader_retry_seconds: float = Field(default=3.0, gt=0, le=300)
    # Reposts, quotes and near-identical texts join one group at ingest (docs/floods.md).
    flood_collapse: bool = True
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
    # The networks' addresses, settings so that tests (and staging) point at local fakes.
    x_api_url: str = "https://api.x.com"
    x_authorize_url: str = "https://x.com/i/oauth2/authorize"
    # The X app's OAuth 2.0 client (a confidential client has a secret; a public one not).
    x_client_id: str = ""
    x_client_secret: str = ""
    # Where the console is served from, for OAuth redirects (empty: the request's own).
    public_url: str = ""
    bluesky_pds_url: str = "https://bsky.social"
    # The public AppView: resolving handles to DIDs, reading a post's thread gate, and the
    # authors' profiles of the posts a Bluesky source hears.
    bluesky_appview_url: str = "https://public.api.bsky.app"
    # The server's configuration.statuses.max_characters.
    mastodon_max_characters: int = Field(default=500, ge=1, le=100000)
    # Listening on the networks (app/networks/, README "Listening"). Every endpoint is a
    # setting, so a desk can go through a proxy and the tests point at local fakes.
    # X (its API host is x_api_url above): an app-only bearer token for the filtered
    # stream, and the month's read cap the console shows.
    x_bearer_token: SecretStr = SecretStr("")
    x_monthly_read_cap: int = Field(default=3_000_000, ge=1)
    # X sends a keep-alive every 20 s: no byte for this long means the connection is dead.
    x_stream_read_timeout_seconds: float = Field(default=22.0, gt=0, le=300)
    # How often an X source reads its event again, to keep the stream rules in step.
    x_rules_refresh_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Mastodon: each server to listen on, as JSON:
    # CUEDESK_MASTODON_SERVERS='[{"url": "https://mastodon.social", "token": "..."}]'
    mastodon_servers: list[MastodonServer] = Field(default_factory=list)
    # Mastodon's heartbeat comes every few seconds; silence this long means a dead stream.
    mastodon_stream_read_timeout_seconds: float = Field(default=60.0, gt=0, le=600)
    # Bluesky: Jetstream (no account needed); authors' profiles from bluesky_appview_url.
    # The protocol version is the endpoint's: v1 is ``/subscribe`` (see docs/listening.md).
    bluesky_jetstream_url: str = "wss://jetstream2.us-east.bsky.network/subscribe"
    # After a reconnect the cursor is rewound this far: the overlap is deduplicated.
    bluesky_cursor_rewind_seconds: float = Field(default=5.0, ge=0, le=3600)
    # Jetstream's posts come many a second: silence this long means a dead connection.
    bluesky_stream_read_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    # A mention waits at most this long for its author's profile (then goes with the DID).
    bluesky_profile_wait_seconds: float = Field(default=0.1, ge=0, le=10)
    # Profiles are kept this long (handles and follower counts change slowly).
    bluesky_profile_ttl_seconds: float = Field(default=3600.0, gt=0)
    # A back-fill after a reconnect reads at most this many pages (of 40 or 100 posts).
    listen_backfill_max_pages: int = Field(default=10, ge=1, le=100)
    # Credentials refused (401/403): try again this rarely, never in a storm.
    listen_refused_retry_seconds: float = Field(default=900.0, gt=0)
    # A source's counters (items a minute, last item at) are journaled at most this often.
    listen_state_report_seconds: float = Field(default=5.0, ge=0, le=600)
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
        self._refuse_weak_secret_key()
        return self

    def _refuse_weak_secret_key(self) -> None:
        if self.environment != "production":
            return  # development and the tests run on the built-in key
        key = self.secret_key
        if key == DEVELOPMENT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 8:
            raise ValueError(
                "CUEDESK_SECRET_KEY must be a long random string in production (at least "
                f"{MIN_SECRET_KEY_LENGTH} characters, e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`): it protects the networks' credentials"
            )

    @property
    def claim_renew_step(self) -> float:
        """The lease-end step of a renewal, in seconds (see ``claim_renew_step_seconds``)."""
        return min(self.claim_renew_step_seconds, self.claim_lease_seconds / 3)

    @property
    def imports_dir_resolved(self) -> Path:
        return (self.imports_dir or self.data_dir / "imports").resolve()

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
