"""The publishers moved to :mod:`app.publish.publishers` (replies and posts share them);
these names stay importable from here."""

from app.publish.publishers import (
    DryRunPublisher,
    MastodonPublisher,
    Outgoing,
    Published,
    Publisher,
    Publishers,
    PublishFailed,
)

__all__ = [
    "DryRunPublisher",
    "MastodonPublisher",
    "Outgoing",
    "PublishFailed",
    "Published",
    "Publisher",
    "Publishers",
]
