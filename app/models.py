"""Every table, imported in one place so that Alembic and the tests see the whole schema."""

from app.accounts.models import MastodonApp, NetworkAccount
from app.auth.models import ApiToken, User, UserSession
from app.cues.models import Cue
from app.drafts.models import Draft, DraftAttachment, DraftVersion
from app.events.models import Event, EventVip
from app.ingest.models import Source
from app.journal.models import JournalEntry
from app.mentions.models import Mention, MentionNote, MentionTag
from app.posts.models import Post
from app.replay.models import Bookmark, ReplayCheckpoint, ReplayMarker, ReplayMinute
from app.replies.models import Reply, SavedReply
from app.stream.models import StreamTicket

__all__ = [
    "ApiToken",
    "Bookmark",
    "Cue",
    "Draft",
    "DraftAttachment",
    "DraftVersion",
    "Event",
    "EventVip",
    "JournalEntry",
    "MastodonApp",
    "Mention",
    "MentionNote",
    "MentionTag",
    "NetworkAccount",
    "Post",
    "ReplayCheckpoint",
    "ReplayMarker",
    "ReplayMinute",
    "Reply",
    "SavedReply",
    "Source",
    "StreamTicket",
    "User",
    "UserSession",
]
