"""Jetstream v1 events into what the source needs: a post's mention, or a change.

An event: ``{"did", "time_us", "kind": "commit", "commit": {"operation", "collection",
"rkey", "cid", "record"}}``; other kinds (``identity``, ``account``) are not posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.events.models import Network
from app.mentions.schemas import AuthorIn, MentionIn

POST = "app.bsky.feed.post"
_TIME_KEY = b'"time_us":'


class NotAPost(ValueError):
    """The event claims to be a post but cannot be read as one (counted as malformed)."""


@dataclass(frozen=True, slots=True)
class Commit:
    operation: str  # create, update, delete
    uri: str
    did: str
    rkey: str
    record: dict[str, Any] | None


def time_us_of(raw: bytes) -> int | None:
    """The event's ``time_us`` read from the raw frame without parsing it (the cursor is
    kept for every frame, most of which are never parsed)."""
    start = raw.find(_TIME_KEY)
    if start < 0:
        return None
    start += len(_TIME_KEY)
    end = start
    while end < len(raw) and 48 <= raw[end] <= 57:
        end += 1
    return int(raw[start:end]) if end > start else None


def post_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{POST}/{rkey}"


def post_url(did: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def commit_of(event: Any) -> Commit | None:
    """The post commit in an event; None for anything that is not a post (other kinds,
    other collections). Raises ``NotAPost`` for a post commit missing its parts."""
    if not isinstance(event, dict) or event.get("kind") != "commit":
        return None
    commit = event.get("commit")
    if not isinstance(commit, dict) or commit.get("collection") != POST:
        return None
    did, rkey, operation = event.get("did"), commit.get("rkey"), commit.get("operation")
    if not (isinstance(did, str) and did.startswith("did:") and isinstance(rkey, str) and rkey):
        raise NotAPost("a post commit without its did or rkey")
    if operation not in ("create", "update", "delete"):
        raise NotAPost(f"unknown operation {operation!r}")
    record = commit.get("record")
    if operation != "delete" and not isinstance(record, dict):
        raise NotAPost(f"a post {operation} without its record")
    return Commit(
        operation, post_uri(did, rkey), did, rkey, record if operation != "delete" else None
    )


def created_at_of(record: dict[str, Any]) -> datetime:
    value = record.get("createdAt")
    if not isinstance(value, str):
        raise NotAPost("a post without createdAt")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise NotAPost(f"createdAt is not a time: {value[:40]!r}") from None
    if at.tzinfo is None:
        raise NotAPost(f"createdAt has no offset: {value[:40]!r}")
    return at


def _uri_at(value: Any, *path: str) -> str | None:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, str) and value.startswith("at://") else None


def quoted_uri(record: dict[str, Any]) -> str | None:
    embed = record.get("embed")
    if not isinstance(embed, dict):
        return None
    kind = embed.get("$type")
    if kind == "app.bsky.embed.record":
        return _uri_at(embed, "record", "uri")
    if kind == "app.bsky.embed.recordWithMedia":
        return _uri_at(embed, "record", "record", "uri")
    return None


def commit_to_mention(commit: Commit, author: AuthorIn | None = None) -> MentionIn:
    """A create or update's record as a mention; the author is the DID until its profile
    is known."""
    record = commit.record or {}
    text = record.get("text")
    if not isinstance(text, str):
        raise NotAPost("a post without text")
    langs = record.get("langs")
    lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None
    try:
        return MentionIn(
            network=Network.bluesky,
            external_id=commit.uri,
            author=author or AuthorIn(handle=commit.did),
            text=text,
            created_at=created_at_of(record),
            lang=lang[:16] if lang else None,
            url=post_url(commit.did, commit.rkey),
            reply_to_id=_uri_at(record, "reply", "parent", "uri"),
            quote_of_id=quoted_uri(record),
        )
    except ValueError as exc:  # pydantic's ValidationError is one
        if isinstance(exc, NotAPost):
            raise
        raise NotAPost(f"not a valid mention: {str(exc)[:200]}") from None
