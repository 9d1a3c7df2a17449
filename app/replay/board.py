"""The board: what the team was doing at an instant, beside the feed. Who held which
mention, which replies were on their way and which had just gone out, what was posted.

It is small whatever the size of the event (a few dozen claims and replies, the latest
posts), so the replay index stores it every ``CHECKPOINT_EVERY`` seqs and a seek starts
from the nearest one. The console applies the entries after a checkpoint with the same
rules (frontend/src/replay/board.ts); the tests hold the two to the journal.
"""

from __future__ import annotations

from typing import Any

# Replies that reached the network (or gave up) stay on the board a while: "just sent".
RECENT_REPLIES = 10
POSTS_KEPT = 20
_IN_FLIGHT = frozenset({"queued", "sending", "retrying"})

CLAIM_TYPES = frozenset({"mention.claimed", "mention.renewed"})
CLAIM_END_TYPES = frozenset({"mention.released", "mention.claim_expired"})
REPLY_TYPES = frozenset(
    {
        "mention.replied",
        "reply.sending",
        "reply.published",
        "reply.retrying",
        "reply.failed",
        "reply.requeued",
    }
)
POST_TYPES = frozenset(
    {"post.queued", "post.sending", "post.retrying", "post.published", "post.failed"}
)
BOARD_TYPES = CLAIM_TYPES | CLAIM_END_TYPES | REPLY_TYPES | POST_TYPES | {"mention.dismissed"}


class Board:
    def __init__(self, state: dict[str, Any] | None = None) -> None:
        state = state or {}
        self.claims: dict[int, dict[str, Any]] = {
            claim["mention_id"]: claim for claim in state.get("claims", [])
        }
        self.replies: dict[int, dict[str, Any]] = {r["id"]: r for r in state.get("replies", [])}
        self.recent: list[dict[str, Any]] = list(state.get("recent_replies", []))
        self.posts: dict[int, dict[str, Any]] = {p["id"]: p for p in state.get("posts", [])}

    def state(self) -> dict[str, Any]:
        return {
            "claims": [self.claims[key] for key in sorted(self.claims)],
            "replies": [self.replies[key] for key in sorted(self.replies)],
            "recent_replies": self.recent,
            "posts": [self.posts[key] for key in sorted(self.posts)],
        }

    def apply(self, entry_type: str, data: dict[str, Any]) -> None:
        if entry_type in CLAIM_TYPES:
            self._claimed(data)
        elif entry_type in CLAIM_END_TYPES:
            held = self.claims.get(data.get("mention_id", -1))
            if held is not None and held["fence"] <= data.get("fence", -1):
                del self.claims[held["mention_id"]]
        elif entry_type == "mention.dismissed":
            self.claims.pop(data.get("mention_id", -1), None)
        elif entry_type in REPLY_TYPES:
            self._reply(data.get("reply"))
        elif entry_type in POST_TYPES:
            self._post(data.get("post"))

    def _claimed(self, data: dict[str, Any]) -> None:
        mention_id, fence = data.get("mention_id"), data.get("fence")
        if not isinstance(mention_id, int) or not isinstance(fence, int):
            return
        held = self.claims.get(mention_id)
        if held is not None and held["fence"] > fence:
            return
        self.claims[mention_id] = {
            "mention_id": mention_id,
            "holder": data.get("holder"),
            "lease_until": data.get("lease_until"),
            "fence": fence,
        }

    def _reply(self, reply: Any) -> None:
        if not isinstance(reply, dict) or not isinstance(reply.get("id"), int):
            return
        self.claims.pop(reply.get("mention_id", -1), None)
        self.recent = [known for known in self.recent if known["id"] != reply["id"]]
        if reply.get("status") in _IN_FLIGHT:
            self.replies[reply["id"]] = reply
            return
        self.replies.pop(reply["id"], None)
        self.recent = [*self.recent, reply][-RECENT_REPLIES:]

    def _post(self, post: Any) -> None:
        if not isinstance(post, dict) or not isinstance(post.get("id"), int):
            return
        self.posts[post["id"]] = post
        if len(self.posts) > POSTS_KEPT:
            del self.posts[min(self.posts)]
