"""The publishers moved to :mod:`app.publish.publishers` (replies and posts share them);
these names stay importable from here."""

from app.publish.publishers import (
    DryRunPublisher,
    Outgoing,
    OutgoingImage,
    Published,
    Publisher,
    Publishers,
    PublishFailed,
)

__all__ = [
    "DryRunPublisher",
    "Outgoing",
    "OutgoingImage",
    "PublishFailed",
    "Published",
    "Publisher",
    "Publishers",
]
