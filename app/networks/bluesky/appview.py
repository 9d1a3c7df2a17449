"""Authors' profiles from the public AppView (``app.bsky.actor.getProfiles``, no account),
up to 25 actors a call, kept in a bounded cache with a time to live.

Jetstream carries only the author's DID; the handle, display name, avatar and follower
count come from here. A profile the AppView does not answer (a deleted account, a failed
call) is remembered as missing for a short while, so one bad DID does not cost a call per
post.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from app.mentions.schemas import AuthorIn

logger = logging.getLogger(__name__)

PROFILES_PER_CALL = 25
# A DID the AppView did not answer is asked again after this long.
MISSING_TTL_SECONDS = 60.0


class TtlCache:
    """At most ``size`` entries, each forgotten ``ttl`` seconds after it was stored; the
    least recently stored goes first when full. Small on purpose: one dict, no thread."""

    def __init__(self, size: int, ttl: float, clock: Callable[[], float] = time.monotonic):
        self._size = size
        self._ttl = ttl
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, key: str) -> Any | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= self._clock():
            del self._items[key]
            return None
        return value

    def put(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._items.pop(key, None)
        self._items[key] = (self._clock() + (self._ttl if ttl is None else ttl), value)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def profile_to_author(profile: dict[str, Any]) -> AuthorIn | None:
    handle = profile.get("handle")
    if not isinstance(handle, str) or not handle or handle == "handle.invalid":
        return None
    followers = profile.get("followersCount")
    avatar = profile.get("avatar")
    try:
        return AuthorIn(
            handle=handle,
            name=str(profile.get("displayName") or "")[:256],
            followers=followers if isinstance(followers, int) and followers >= 0 else 0,
            avatar_url=avatar
            if isinstance(avatar, str) and avatar.startswith("https://")
            else None,
        )
    except ValueError:
        return None


class ProfileBook:
    """Profiles by DID: from the cache, or asked of the AppView 25 at a time."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        appview_url: str,
        *,
        ttl: float = 3600.0,
        size: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._url = appview_url.rstrip("/") + "/xrpc/app.bsky.actor.getProfiles"
        self._cache = TtlCache(size, ttl, clock)
        self.calls = 0

    def cached(self, did: str) -> AuthorIn | bool | None:
        """The author if known, False if known to be missing, None if never asked."""
        value = self._cache.get(did)
        return None if value is None else value

    def remember(self, did: str, author: AuthorIn) -> None:
        """Keep a profile learnt elsewhere (a warm start, a benchmark's known authors)."""
        self._cache.put(did, author)

    async def lookup(self, dids: Iterable[str]) -> dict[str, AuthorIn]:
        """The profiles of ``dids`` that can be had: cached ones, and the rest asked in
        calls of 25. A failed call leaves its DIDs out (they go with the DID as handle)."""
        found: dict[str, AuthorIn] = {}
        wanted: list[str] = []
        for did in dict.fromkeys(dids):
            known = self._cache.get(did)
            if isinstance(known, AuthorIn):
                found[did] = known
            elif known is None:
                wanted.append(did)
        for start in range(0, len(wanted), PROFILES_PER_CALL):
            found.update(await self._ask(wanted[start : start + PROFILES_PER_CALL]))
        return found

    async def _ask(self, dids: list[str]) -> dict[str, AuthorIn]:
        self.calls += 1
        try:
            response = await self._http.get(self._url, params=[("actors", d) for d in dids])
            response.raise_for_status()
            profiles = response.json().get("profiles", [])
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            logger.warning("AppView getProfiles failed for %d actors: %s", len(dids), exc)
            return {}
        found: dict[str, AuthorIn] = {}
        for profile in profiles if isinstance(profiles, list) else ():
            did = profile.get("did") if isinstance(profile, dict) else None
            author = profile_to_author(profile) if isinstance(did, str) else None
            if isinstance(did, str) and author is not None:
                found[did] = author
                self._cache.put(did, author)
        for did in dids:
            if did not in found:
                self._cache.put(did, False, MISSING_TTL_SECONDS)
        return found
