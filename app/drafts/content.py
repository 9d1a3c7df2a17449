"""Whether a draft's content may go out: each text by the network's own counter, each
image within the size and alt-text limits of the networks it goes to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, column, func, select, table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.accounts import mastodon as mastodon_accounts
from app.common.errors import Invalid, NotFound
from app.common.time import UTCDateTime
from app.drafts import attachments
from app.drafts.media_limits import MEDIA_LIMITS
from app.drafts.models import Draft, DraftAttachment
from app.drafts.schemas import DraftContent
from app.replies.length import check_length

NETWORKS = ("x", "mastodon", "bluesky")

# The cue sheet is the cues domain's, which sits above drafts (a cue lists its drafts): the
# drafts name just the columns they check, rather than import it.
cue_table = table(
    "cue",
    column("id", Integer),
    column("event_id", Integer),
    column("deleted_at", UTCDateTime),
)


def normalised(content: DraftContent) -> dict[str, Any]:
    """The content as stored: a text of only spaces is an empty one (not posted there)."""
    posts = []
    for post in content.posts:
        texts = post.texts.model_dump()
        posts.append(
            {
                "texts": {n: (t if t.strip() else "") for n, t in texts.items()},
                "attachment_ids": list(post.attachment_ids),
            }
        )
    return {"posts": posts}


def has_text(content: dict[str, Any]) -> bool:
    return any(t for post in content.get("posts", []) for t in post.get("texts", {}).values())


async def check_content(
    session: AsyncSession,
    *,
    event_id: int,
    event_networks: list[str],
    content: dict[str, Any],
    mastodon_default_limit: int,
) -> None:
    """422 naming the post, the network and the count for anything a network would refuse;
    Mastodon's as the event's server counts (``mastodon_default_limit`` until it is known)."""
    mastodon = await mastodon_accounts.counting_for_event(session, event_id, mastodon_default_limit)
    posts = content.get("posts", [])
    wanted = {i for post in posts for i in post.get("attachment_ids", [])}
    images = await attachments.of_event(session, event_id, wanted)
    for number, post in enumerate(posts, start=1):
        for image_id in post.get("attachment_ids", []):
            if image_id not in images:
                raise Invalid(
                    f"Post {number}: image {image_id} is not one of this event's images.",
                    post=number,
                    attachment_id=image_id,
                )
        for network, text in post.get("texts", {}).items():
            if not text:
                continue
            limit = MEDIA_LIMITS[network]
            if network not in event_networks:
                raise Invalid(
                    f"Post {number}: this event does not post on {limit.name}; leave its "
                    f"text empty or add {limit.name} to the event's networks.",
                    post=number,
                    network=network,
                )
            checked = check_length(
                network, text, mastodon_limit=mastodon.max_characters,
                mastodon_url_length=mastodon.characters_reserved_per_url,
            )  # fmt: skip
            if not checked.valid:
                raise Invalid(
                    f"Post {number} on {limit.name}: {checked.reason} "
                    f"({checked.length:,} of {checked.limit:,}).",
                    post=number,
                    network=network,
                    length=checked.length,
                    limit=checked.limit,
                    over_by=max(0, -checked.remaining),
                )
            for image_id in post.get("attachment_ids", []):
                _check_image_for(number, images[image_id], network)


def _check_image_for(number: int, image: Any, network: str) -> None:
    limit = MEDIA_LIMITS[network]
    if image.size > limit.max_image_bytes:
        raise Invalid(
            f"Post {number}: image {image.id} is {image.size:,} bytes; {limit.name} takes at "
            f"most {limit.max_image_bytes:,}.",
            post=number,
            network=network,
            attachment_id=image.id,
            size=image.size,
            limit=limit.max_image_bytes,
        )
    if len(image.alt_text) > limit.max_alt_text:
        raise Invalid(
            f"Post {number}: the alt text of image {image.id} is {len(image.alt_text):,} "
            f"characters; {limit.name} takes at most {limit.max_alt_text:,}.",
            post=number,
            network=network,
            attachment_id=image.id,
            length=len(image.alt_text),
            limit=limit.max_alt_text,
        )


async def check_alt_text_where_used(session: AsyncSession, image: DraftAttachment) -> None:
    """422 when a draft of the event (any not deleted: a re-armed cue posts a published
    one again) sends the image to a network whose limit its alt text now breaks."""
    result = await session.execute(
        select(Draft)
        .where(col(Draft.event_id) == image.event_id, col(Draft.deleted_at).is_(None))
        .order_by(col(Draft.id))
    )
    for draft in result.scalars():
        for number, post in enumerate(draft.content.get("posts", []), start=1):
            if image.id not in post.get("attachment_ids", []):
                continue
            for network, text in post.get("texts", {}).items():
                limit = MEDIA_LIMITS[network]
                if text and len(image.alt_text) > limit.max_alt_text:
                    raise Invalid(
                        f"Draft {draft.id} sends image {image.id} to {limit.name} (post "
                        f"{number}), which takes alt text of at most {limit.max_alt_text:,} "
                        f"characters; this one is {len(image.alt_text):,}.",
                        draft_id=draft.id,
                        post=number,
                        network=network,
                        attachment_id=image.id,
                        length=len(image.alt_text),
                        limit=limit.max_alt_text,
                    )


async def check_cue(session: AsyncSession, event_id: int, cue_id: int) -> None:
    result = await session.execute(
        select(cue_table.c.id).where(
            cue_table.c.id == cue_id,
            cue_table.c.event_id == event_id,
            cue_table.c.deleted_at.is_(None),
        )
    )
    if result.scalar_one_or_none() is None:
        raise NotFound(f"Cue {cue_id} is not a cue of this event.", cue_id=cue_id)


async def next_position(session: AsyncSession, event_id: int, cue_id: int | None) -> int:
    """After the last draft of the cue (or of the library, without a cue)."""
    cue = col(Draft.cue_id) == cue_id if cue_id is not None else col(Draft.cue_id).is_(None)
    result = await session.execute(
        select(func.max(col(Draft.position))).where(
            col(Draft.event_id) == event_id,
            cue,
            col(Draft.deleted_at).is_(None),
        )
    )
    last = result.scalar_one_or_none()
    return 0 if last is None else int(last) + 1
