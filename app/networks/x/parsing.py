"""X API v2 payloads into Cuedesk's normalised mention.

A stream line is ``{"data": post, "includes": {"users": [...]}, "matching_rules": [...]}``;
a recent-search page has ``data`` as a list. An edit arrives as a new post id carrying
``edit_history_tweet_ids`` (oldest first): the mention keeps the original id, so every
version is one mention, and a later version is an edit of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from app.events.models import Network
from app.mentions.schemas import MentionIn

STREAM_PARAMS = {
    "tweet.fields": "created_at,author_id,lang,public_metrics,referenced_tweets,entities,"
    "conversation_id,edit_history_tweet_ids,note_tweet",
    "expansions": "author_id",
    "user.fields": "username,name,verified,profile_image_url,public_metrics",
}


class NotAPost(ValueError):
    """The payload is not a post Cuedesk can read."""


@dataclass(frozen=True, slots=True)
class XPost:
    mention: MentionIn
    # The id of this version (the mention's external id is the first version's).
    version_id: str
    # Set when this version is an edit of an earlier one.
    edited_at: datetime | None
    # The rules it matched: their tags and ids (ids as strings: X has sent both).
    rule_tags: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()


def _users(includes: Any) -> dict[str, dict[str, Any]]:
    users = includes.get("users") if isinstance(includes, dict) else None
    if not isinstance(users, list):
        return {}
    return {str(u["id"]): u for u in users if isinstance(u, dict) and "id" in u}


def _referenced(post: dict[str, Any], kind: str) -> str | None:
    for ref in post.get("referenced_tweets") or ():
        if isinstance(ref, dict) and ref.get("type") == kind and ref.get("id"):
            return str(ref["id"])
    return None


def post_to_mention(post: Any, users: dict[str, dict[str, Any]]) -> tuple[MentionIn, str, bool]:
    """(mention, this version's id, whether it is an edit); raises :class:`NotAPost`."""
    if not isinstance(post, dict) or not post.get("id") or not isinstance(post.get("text"), str):
        raise NotAPost("not a post (no id or text)")
    version_id = str(post["id"])
    history = post.get("edit_history_tweet_ids")
    original = str(history[0]) if isinstance(history, list) and history else version_id
    author_id = str(post.get("author_id") or "")
    user = users.get(author_id, {})
    handle = str(user.get("username") or author_id or "unknown")
    metrics = user.get("public_metrics")
    if not isinstance(metrics, dict):
        metrics = {}
    note = post.get("note_tweet")
    text = (
        note["text"]
        if isinstance(note, dict) and isinstance(note.get("text"), str)
        else post["text"]
    )
    try:
        mention = MentionIn.model_validate(
            {
                "network": Network.x,
                "external_id": original,
                "author": {
                    "handle": handle,
                    "name": user.get("name") or "",
                    "followers": max(0, int(metrics.get("followers_count") or 0)),
                    "verified": bool(user.get("verified")),
                    "avatar_url": user.get("profile_image_url") or None,
                },
                "text": text,
                "created_at": post.get("created_at"),
                "lang": post.get("lang"),
                "url": f"https://x.com/{handle}/status/{version_id}",
                "reply_to_id": _referenced(post, "replied_to"),
                "repost_of_id": _referenced(post, "retweeted"),
                "quote_of_id": _referenced(post, "quoted"),
            }
        )
    except (ValidationError, TypeError, ValueError) as exc:
        raise NotAPost(f"a post Cuedesk cannot read: {exc}") from None
    return mention, version_id, original != version_id


def stream_line(payload: Any) -> XPost:
    """One filtered-stream object with a post; raises :class:`NotAPost`."""
    if not isinstance(payload, dict) or "data" not in payload:
        raise NotAPost("no data")
    mention, version_id, edited = post_to_mention(payload["data"], _users(payload.get("includes")))
    rules = [rule for rule in payload.get("matching_rules") or () if isinstance(rule, dict)]
    return XPost(
        mention,
        version_id,
        mention.created_at if edited else None,
        tuple(str(rule["tag"]) for rule in rules if rule.get("tag")),
        tuple(str(rule["id"]) for rule in rules if rule.get("id") is not None),
    )


def search_page(payload: Any) -> tuple[list[XPost], list[str], str | None]:
    """A recent-search page: its posts, the raw posts it could not read (as text), and the
    next page's token."""
    if not isinstance(payload, dict):
        return [], [repr(payload)[:2000]], None
    users = _users(payload.get("includes"))
    posts: list[XPost] = []
    bad: list[str] = []
    for post in payload.get("data") or ():
        try:
            mention, version_id, edited = post_to_mention(post, users)
        except NotAPost:
            bad.append(repr(post)[:2000])
            continue
        posts.append(XPost(mention, version_id, mention.created_at if edited else None))
    meta = payload.get("meta")
    token = meta.get("next_token") if isinstance(meta, dict) else None
    return posts, bad, token if isinstance(token, str) else None


def stream_errors(payload: Any) -> list[str]:
    """In-stream errors (``operational-disconnect``…) of an object without data."""
    if not isinstance(payload, dict) or "data" in payload:
        return []
    errors = payload.get("errors")
    if not isinstance(errors, list):
        return []
    return [
        str(error.get("title") or error.get("message") or error)
        for error in errors
        if isinstance(error, dict)
    ]
