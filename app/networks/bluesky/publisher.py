"""Posting on Bluesky: ``com.atproto.repo.createRecord`` of an ``app.bsky.feed.post``.

The record key is a TID derived from the reply (its acceptance time and its idempotency
key), so every attempt writes the same record: a resend after a lost answer finds the
record there (the PDS refuses the second create, or the look-up before a resend finds it)
and answers it instead of posting twice. The record's ``createdAt`` is that same time.
A post's images are uploaded as blobs first and embedded (app/networks/bluesky/media.py);
a resend that finds the record uploads nothing.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime
from typing import Any

import httpx

from app.networks import publish_http as http
from app.networks.bluesky import facets, limits
from app.networks.bluesky.media import images_embed
from app.networks.bluesky.refusal import EXPIRED, refused
from app.networks.bluesky.session import SessionKeeper, xrpc_error
from app.networks.limits import Budget, Clock, system_clock
from app.replies.publishers import Outgoing, Published, PublishFailed

NETWORK = "Bluesky"
COLLECTION = "app.bsky.feed.post"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def record_key(idempotency_key: str, created_at: datetime) -> str:
    """A TID (13 base32-sortable characters of a 64-bit number: microseconds since the
    epoch, then 10 bits of "clock id", here taken from the key's hash)."""
    micros = int(created_at.timestamp() * 1_000_000) & ((1 << 53) - 1)
    clock_id = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:2]) & 0x3FF
    value = (micros << 10) | clock_id
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


class BlueskyPublisher:
    def __init__(
        self,
        pds_url: str,
        appview_url: str,
        identifier: str,
        app_password: str,
        *,
        timeout: float,
        budget: Budget | None = None,
        clock: Clock = system_clock,
    ) -> None:
        headers = {"User-Agent": "Cuedesk"}
        self._pds = httpx.AsyncClient(
            base_url=pds_url.rstrip("/"), headers=headers, timeout=timeout
        )
        self._appview = httpx.AsyncClient(
            base_url=appview_url.rstrip("/"), headers=headers, timeout=timeout
        )
        self.sessions = SessionKeeper(self._pds, identifier, app_password, clock)
        self.budget = budget or limits.budget(clock)

    async def publish(self, post: Outgoing) -> Published:
        http.check_budget(NETWORK, self.budget)
        session = await self.sessions.current()
        rkey = record_key(post.idempotency_key, post.created_at or datetime.now(UTC))
        if post.resend:
            found = await self._existing(session.did, session.handle, rkey)
            if found is not None:
                return found
        record = await self._record(post, rkey)
        body = {"repo": session.did, "collection": COLLECTION, "rkey": rkey, "record": record}
        response = await self._authorised("POST", "/xrpc/com.atproto.repo.createRecord", json=body)
        if response.status_code == 200:
            self.budget.spend()
            answer = http.json_of(response) or {}
            if not isinstance(answer.get("uri"), str):
                raise PublishFailed("Bluesky's answer had no record address", transient=True)
            return _published(answer["uri"], session.handle, rkey)
        if 400 <= response.status_code < 500 and response.status_code != 429:
            # The same key may be taken by our own earlier attempt: then it is posted.
            found = await self._existing(session.did, session.handle, rkey)
            if found is not None:
                return found
        raise refused(response)

    async def _authorised(
        self, method: str, url: str, *, observe: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """The call with the session's token, refreshed once if the PDS says it expired.
        ``observe``: its rate-limit headers are the posting budget's (not an upload's)."""
        session = await self.sessions.current()
        response = await self._call(method, url, session.access_jwt, observe, **kwargs)
        if response.status_code in (400, 401) and xrpc_error(response)[0] in EXPIRED:
            session = await self.sessions.expired()
            response = await self._call(method, url, session.access_jwt, observe, **kwargs)
        return response

    async def _call(
        self,
        method: str,
        url: str,
        token: str,
        observe: bool,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = {**(headers or {}), "Authorization": f"Bearer {token}"}
        response = await http.call(self._pds, NETWORK, method, url, headers=headers, **kwargs)
        if observe:
            self.budget.observe(limits.read(response.headers))
        return response

    async def _existing(self, did: str, handle: str, rkey: str) -> Published | None:
        response = await self._authorised(
            "GET",
            "/xrpc/com.atproto.repo.getRecord",
            params={"repo": did, "collection": COLLECTION, "rkey": rkey},
        )
        if response.status_code == 200:
            uri = (http.json_of(response) or {}).get("uri")
            return _published(str(uri), handle, rkey) if uri else None
        if response.status_code == 400 and xrpc_error(response)[0] in (
            "RecordNotFound",
            "InvalidRequest",
        ):
            return None
        if response.status_code == 404:
            return None
        raise PublishFailed(
            f"Could not look for an earlier attempt on Bluesky: {' '.join(xrpc_error(response))}",
            transient=True,
        )

    async def _record(self, post: Outgoing, rkey: str) -> dict[str, Any]:
        created = (post.created_at or datetime.now(UTC)).astimezone(UTC)
        record: dict[str, Any] = {
            "$type": COLLECTION,
            "text": post.text,
            "createdAt": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        found = await facets.build(post.text, self._resolve_handle)
        if found:
            record["facets"] = found
        if post.in_reply_to:
            record["reply"] = await self._reply_refs(post.in_reply_to)
        if post.images:
            upload = functools.partial(self._authorised, observe=False)
            record["embed"] = await images_embed(upload, post.images)
        return record

    async def _reply_refs(self, parent_uri: str) -> dict[str, Any]:
        """``root`` and ``parent`` (uri and cid) of a reply to ``parent_uri``."""
        response = await http.call(
            self._appview,
            NETWORK,
            "GET",
            "/xrpc/app.bsky.feed.getPosts",
            params={"uris": parent_uri},
        )
        posts = (http.json_of(response) or {}).get("posts") if response.status_code == 200 else None
        if not posts:
            if response.status_code == 200:
                raise PublishFailed(
                    f"Bluesky has no post {parent_uri} to answer (deleted?)", transient=False
                )
            raise PublishFailed(
                f"Could not read the post answered ({' '.join(xrpc_error(response))})",
                transient=True,
            )
        parent = posts[0]
        parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
        root = ((parent.get("record") or {}).get("reply") or {}).get("root")
        root_ref = (
            {"uri": root["uri"], "cid": root["cid"]} if isinstance(root, dict) else parent_ref
        )
        return {"root": root_ref, "parent": parent_ref}

    async def _resolve_handle(self, handle: str) -> str | None:
        response = await http.call(
            self._appview,
            NETWORK,
            "GET",
            "/xrpc/com.atproto.identity.resolveHandle",
            params={"handle": handle},
        )
        did = (http.json_of(response) or {}).get("did") if response.status_code == 200 else None
        return str(did) if did else None

    async def close(self) -> None:
        await self._pds.aclose()
        await self._appview.aclose()


def _published(uri: str, handle: str, rkey: str) -> Published:
    url = f"https://bsky.app/profile/{handle}/post/{rkey}" if handle else None
    return Published(external_id=uri, external_url=url, dry_run=False)
