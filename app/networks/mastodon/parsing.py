"""Mastodon payloads into Cuedesk's normalised mention.

A status is keyed by its ``uri`` (the ActivityPub id, the same on every server it reaches),
so one post seen on two servers is one mention; its ``id`` is only this server's local id
(an opaque string, never a number) and is used to page timelines and to follow deletes.
``content`` is HTML: it is turned into text with a real HTML parser (the standard
library's), never a regex.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from app.events.models import Network
from app.mentions.schemas import MentionIn

_BLOCKS = {"p", "div", "blockquote", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


class NotAStatus(ValueError):
    """The payload is not a status Cuedesk can read."""


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS and self.parts and not self.parts[-1].endswith("\n\n"):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text a reader sees: paragraphs apart by a blank line, ``<br>`` a new line,
    entities decoded, links as their full text (Mastodon hides ``https://`` in a span)."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()


def tag_names(status: dict[str, Any]) -> set[str]:
    """The status's hashtags, lower-case (Mastodon's ``tags`` keep no case of their own)."""
    tags = status.get("tags")
    if not isinstance(tags, list):
        return set()
    return {str(tag["name"]).lower() for tag in tags if isinstance(tag, dict) and tag.get("name")}


def normalise_tag(tag: str) -> str:
    return tag.strip().lstrip("#").lower()


def matches(status: dict[str, Any], tracked: set[str]) -> bool:
    """Whether the status carries one of the tracked hashtags (case does not matter)."""
    shown = status.get("reblog") if isinstance(status.get("reblog"), dict) else status
    assert isinstance(shown, dict)
    return bool((tag_names(status) | tag_names(shown)) & tracked)


def _handle(account: dict[str, Any], server_url: str) -> str:
    acct = str(account.get("acct") or account.get("username") or "")
    if acct and "@" not in acct:
        # A local account's acct has no domain: add the server's, so handles stay unique.
        host = urlsplit(str(account.get("url") or server_url)).hostname or ""
        return f"{acct}@{host}" if host else acct
    return acct


def status_to_mention(status: Any, server_url: str) -> MentionIn:
    """The mention for a Status entity; raises :class:`NotAStatus` for anything else."""
    if not isinstance(status, dict) or not isinstance(status.get("uri"), str):
        raise NotAStatus("not a status (no uri)")
    reblog = status.get("reblog")
    shown: dict[str, Any] = reblog if isinstance(reblog, dict) else status
    account = shown.get("account")
    if not isinstance(account, dict):
        raise NotAStatus("a status without an account")
    try:
        return MentionIn.model_validate(
            {
                "network": Network.mastodon,
                "external_id": status["uri"],
                "author": {
                    "handle": _handle(account, server_url),
                    "name": account.get("display_name") or "",
                    "followers": max(0, int(account.get("followers_count") or 0)),
                    "avatar_url": account.get("avatar") or None,
                },
                "text": html_to_text(str(shown.get("content") or "")),
                "created_at": status.get("created_at"),
                "lang": shown.get("language"),
                "url": shown.get("url") or shown.get("uri"),
                "reply_to_id": shown.get("in_reply_to_id"),
                "repost_of_id": reblog.get("uri") if isinstance(reblog, dict) else None,
            }
        )
    except (ValidationError, TypeError, ValueError) as exc:
        raise NotAStatus(f"a status Cuedesk cannot read: {exc}") from None
