"""Who may undo or redo someone's work on replies: its author, or a producer (or an admin)."""

from __future__ import annotations

from app.auth.deps import PRODUCER_ROLES
from app.auth.models import User
from app.common.errors import Forbidden


def require_author_or_producer(
    user: User, author_id: int | None, author_name: str | None, action: str
) -> None:
    """Refuse (403) unless ``user`` wrote it (``author_id``) or is a producer or an admin.

    ``action`` completes "Only ... can": "delete this saved reply", "send this reply again".
    """
    if user.role in PRODUCER_ROLES or (author_id is not None and author_id == user.id):
        return
    who = f"its author ({author_name}) or a producer" if author_name else "a producer"
    raise Forbidden(f"Only {who} can {action}; your role is {user.role}.")
