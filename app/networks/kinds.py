"""The source kinds of the networks, handed to the source manager by the app
(``create_app``): the ingest package imports no network."""

from __future__ import annotations

from app.ingest.sources.base import SourceKind
from app.networks.bluesky.source import BLUESKY
from app.networks.mastodon.source import MASTODON
from app.networks.x.source import X

NETWORK_KINDS: tuple[SourceKind, ...] = (X, MASTODON, BLUESKY)
