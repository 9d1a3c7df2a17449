"""What each network takes of an image: its size and the length of its alt text.

Sources (docs/drafts.md repeats them):
- X: media upload takes images up to 5 MB (JPEG, PNG, GIF, WEBP); alt text through
  ``POST /2/media/metadata`` up to 1,000 characters (a GIF goes by the segmented upload).
- Mastodon: ``configuration.media_attachments.image_size_limit`` (16 MiB on a default
  Mastodon 4 server, ``MediaAttachment::IMAGE_LIMIT``); a description (alt text) up to
  1,500 characters (``MediaAttachment::MAX_DESCRIPTION_LENGTH``).
- Bluesky: the ``app.bsky.embed.images`` lexicon: an image blob of at most 1,000,000 bytes;
  the lexicon bounds no alt text, the official app stops at 2,000 characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class MediaLimit:
    network: str
    name: str
    max_image_bytes: int
    max_alt_text: int


MEDIA_LIMITS: Final = {
    "x": MediaLimit("x", "X", 5 * 1024 * 1024, 1000),
    "mastodon": MediaLimit("mastodon", "Mastodon", 16 * 1024 * 1024, 1500),
    "bluesky": MediaLimit("bluesky", "Bluesky", 1_000_000, 2000),
}

# An upload larger than every network takes is refused outright (413).
MAX_UPLOAD_BYTES: Final = max(limit.max_image_bytes for limit in MEDIA_LIMITS.values())
MAX_ALT_TEXT: Final = max(limit.max_alt_text for limit in MEDIA_LIMITS.values())

# What the three networks all take, as Pillow names the format → its media type.
ACCEPTED_FORMATS: Final = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
