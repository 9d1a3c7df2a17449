"""Publishers: what sends a reply or a post to a network, and the dry-run one that sends
nothing.

A publisher gets the reply or post with its idempotency key and answers the post's id and address,
or raises :class:`PublishFailed` saying whether the failure may pass (a timeout, a 5xx, a
429: retry later) or will not (the network refused the post: retrying cannot help).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from app.config import Settings


@dataclass(frozen=True)
class OutgoingImage:
    """An image to attach: its stored file (read when sent, so a queue of posts holds no
    image in memory), its type, alt text and size as checked at upload."""

    attachment_id: int
    path: Path
    media_type: str
    alt_text: str
    size: int
    width: int | None = None
    height: int | None = None

    async def read(self) -> bytes:
        """The image's bytes; a file gone from the data folder fails the post for good
        (no attempt can bring it back)."""
        try:
            return await asyncio.to_thread(self.path.read_bytes)
        except FileNotFoundError:
            raise PublishFailed(
                missing_image(self.attachment_id, self.path), transient=False
            ) from None
        except OSError as exc:
            raise PublishFailed(
                f"Could not read image {self.attachment_id} from the data folder: {exc}",
                transient=True,
            ) from None


def missing_image(attachment_id: int, path: Path) -> str:
    where = "/".join(path.parts[-3:])
    return (
        f"Not sent: the file of image {attachment_id} is missing from the server's data "
        f"folder ({where}). Upload the image again and post it in a new draft."
    )


@dataclass(frozen=True)
class Outgoing:
    idempotency_key: str
    network: str
    text: str
    in_reply_to: str | None = None
    """The network's id of the post answered: a mention for a reply, the previous post of
    a thread; None for a top-level post."""
    in_reply_to_url: str | None = None
    """Its address, for a network that must look the post up on another server first."""
    resend: bool = False
    """An earlier attempt may have reached the network: where there is no idempotency key
    (X), look for the post before sending it again."""
    created_at: datetime | None = None
    """When the post was accepted: the same on every attempt (Bluesky's record key)."""
    images: tuple[OutgoingImage, ...] = ()
    """The images to attach, in order: a post's (up to four), never a reply's. Each
    publisher uploads them first, with their alt text, then posts naming them."""
    refused: str | None = None
    """Why the post cannot go out at all (an image's file is gone): the outbox fails it
    for good with this message, without calling a network."""


def send_seconds(post: Outgoing, call_seconds: float) -> float:
    """How long one attempt may take: a call's time for the post, and as much again for
    each image (its upload, its alt text, the network processing it)."""
    return call_seconds * (1 + len(post.images))


@dataclass(frozen=True)
class Published:
    external_id: str
    external_url: str | None
    dry_run: bool


class PublishFailed(Exception):
    """``rate_limited_until`` set: nothing was sent, the account's budget is spent until
    then; the outbox waits for it without counting an attempt. ``not_before`` set: nothing
    was sent either, for the reason the message gives; the outbox comes back then, also
    without counting an attempt."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        retry_after: float | None = None,
        rate_limited_until: datetime | None = None,
        not_before: datetime | None = None,
    ):
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.rate_limited_until = rate_limited_until
        self.not_before = not_before


class Publisher(Protocol):
    async def publish(self, post: Outgoing) -> Published: ...

    async def close(self) -> None: ...


class DryRunPublisher:
    """Nothing leaves the machine. The id comes from the key, so a retry is the same post."""

    async def publish(self, post: Outgoing) -> Published:
        digest = hashlib.sha256(post.idempotency_key.encode()).hexdigest()[:20]
        return Published(external_id=f"dryrun-{digest}", external_url=None, dry_run=True)

    async def close(self) -> None:
        return None


class Publishers:
    """The publisher of each network: dry-run here; the app's registry
    (app/accounts/publishing.py) adds the networks' own, so the outbox knows no network."""

    def __init__(self, settings: Settings) -> None:
        self.dry_run = DryRunPublisher()
        # The networks' own publishers, chosen by the app's registry
        # (app/accounts/publishing.py: the settings' Mastodon server, the accounts).
        self._by_network: dict[str, Publisher] = {}

    def for_network(self, network: str) -> Publisher:
        return self._by_network.get(network, self.dry_run)

    async def for_event(self, network: str, event_id: int) -> Publisher:
        """The publisher of a reply or post of this event (the accounts' registry picks the
        event's own account)."""
        return self.for_network(network)

    async def close(self) -> None:
        for publisher in self._by_network.values():
            await publisher.close()
