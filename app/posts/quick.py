"""Quick posts: a post (not a reply) for the unplanned moment, published at once through
the outbox, or held as a draft in review when the event says quick posts need approval and
the author is not a producer."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import mastodon as mastodon_accounts
from app.auth.deps import PRODUCER_ROLES
from app.auth.models import User
from app.common.errors import Invalid, NotFound
from app.config import Settings
from app.drafts import approval
from app.drafts import service as drafts
from app.drafts.schemas import DraftCreate
from app.events.models import Event
from app.journal import service as journal
from app.posts import service as posts
from app.posts.schemas import QuickPostTexts
from app.replies import MastodonCounting

QUICK_POST_TITLE = "Quick post"


def _checked_specs(
    texts: QuickPostTexts, event: Event, mastodon: MastodonCounting
) -> list[posts.PostSpec]:
    specs = []
    for network in posts.NETWORKS:
        text: str = getattr(texts, network)
        if not text.strip():
            continue
        if event.networks and network not in event.networks:
            name = posts.NETWORK_NAMES[network]
            raise Invalid(
                f"The event does not post to {name} (its networks: {', '.join(event.networks)}).",
                network=network,
            )
        posts.check_fits(network, text, mastodon=mastodon, what="quick post")
        specs.append(posts.PostSpec(network=network, text=text))
    if not specs:
        raise Invalid("A quick post needs a text for at least one network.", field="texts")
    return specs


async def create(
    session: AsyncSession, event_id: int, texts: QuickPostTexts, user: User, settings: Settings
) -> dict[str, Any]:
    last_seq = await journal.lock_counter(session, event_id)
    event = await session.get(Event, event_id, populate_existing=True)
    if event is None:
        raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
    mastodon = await mastodon_accounts.counting_for_event(
        session, event_id, settings.mastodon_max_characters
    )
    specs = _checked_specs(texts, event, mastodon)
    if event.quick_posts_need_approval and user.role not in PRODUCER_ROLES:
        editor = drafts.Editor(user, settings.mastodon_max_characters)
        draft_id = await hold_for_approval(session, event_id, specs, editor)
        return {
            "status": "held_for_approval",
            "detail": "This event's quick posts need a producer's approval: it waits as "
            f"draft {draft_id}, in review, and is posted once approved and published.",
            "draft_id": draft_id,
            "posts": [],
        }
    queued = await posts.queue(session, event_id, specs, author_id=user.id)
    await journal.write(session, event_id, last_seq, posts.queued_entries(queued, user.username))
    return {"status": "published", "detail": "Queued for publishing.", "posts": queued}


async def hold_for_approval(
    session: AsyncSession, event_id: int, specs: list[posts.PostSpec], editor: drafts.Editor
) -> int:
    """Store the quick post as a draft without a cue, submitted for review, through the
    drafts service (``draft.created`` then ``draft.submitted``)."""
    content = {"posts": [{"texts": {s.network: s.text for s in specs}, "attachment_ids": []}]}
    draft = await drafts.create(
        session, event_id, DraftCreate(title=QUICK_POST_TITLE, content=content), editor
    )
    assert draft.id is not None
    await approval.submit(session, draft.id, editor)
    return draft.id
