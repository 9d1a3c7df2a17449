"""Posting on X: ``POST /2/tweets`` with ``reply.in_reply_to_tweet_id``, as the account
(OAuth 2.0 user token); a post's images are uploaded first (app/networks/x/media.py) and
named in ``media.media_ids``.

X has no idempotency key. A post whose answer was lost may exist: before sending it again
(``Outgoing.resend``), the account's recent posts (``GET /2/users/:id/tweets``) are searched
for it (same text, replying to the same post), and it is sent again only if absent.

A look-up is only as good as its timing: an attempt whose answer was lost (a timeout, a
dropped connection) may still be on its way in, and X's timeline takes a moment to show a
new post. So the look-up waits until such an attempt is older than the send timeout plus
``settle_seconds`` (until then the publisher sends nothing and names the time to come
back: ``not_before``). An attempt that got any answer is over and needs no wait.
"""

from __future__ import annotations

import functools
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from typing import Any

import httpx
import regex

from app.common.time import utcnow
from app.networks import publish_http as http
from app.networks.limits import Budget
from app.networks.x import budget as limits
from app.networks.x import problems
from app.networks.x.media import XMedia
from app.replies.publishers import Outgoing, Published, PublishFailed

NETWORK = "X"
# X shortens every link to t.co in the stored text: compare texts without their links.
_URL = regex.compile(r"https?://\S+")

TokenRefresher = Callable[[], Awaitable[str]]
# Attempts remembered for the settle wait; older ones are long settled.
_REMEMBERED_ATTEMPTS = 10_000
# X's timeline holds an account's latest 3,200 posts: 32 pages of 100.
_TIMELINE_PAGES = 32
# start_time is X's clock, the post's acceptance ours: allow for the two to differ.
_CLOCK_SKEW = timedelta(minutes=2)


def _comparable(text: str) -> str:
    return " ".join(_URL.sub("<url>", unicodedata.normalize("NFC", text)).split())


class XPublisher:
    def __init__(
        self,
        api_url: str,
        access_token: str,
        *,
        user_id: str | None,
        timeout: float,
        refresh: TokenRefresher | None = None,
        budget: Budget | None = None,
        settle_seconds: float = 2.0,
        media_poll_seconds: float = 5.0,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=api_url.rstrip("/"), headers={"User-Agent": "Cuedesk"}, timeout=timeout
        )
        self._token = access_token
        self._refresh = refresh
        self._user_id = user_id
        self.budget = budget or limits.budget()
        self._settle = timeout + settle_seconds
        self._last_attempt: OrderedDict[str, float] = OrderedDict()
        self._media = XMedia(
            functools.partial(self._authorised, observe=False), max_poll_seconds=media_poll_seconds
        )

    async def publish(self, post: Outgoing) -> Published:
        http.check_budget(NETWORK, self.budget)
        if post.resend:
            self._check_settled(post.idempotency_key)
            found = await self._find(post)
            if found is not None:
                return found
        body: dict[str, Any] = {"text": post.text}
        if post.in_reply_to:
            body["reply"] = {"in_reply_to_tweet_id": post.in_reply_to}
        if post.images:
            body["media"] = {"media_ids": await self._media.upload_all(post.images)}
        self._remember_attempt(post.idempotency_key)
        response = await self._authorised("POST", "/2/tweets", json=body)
        # An answer came back: that attempt is over, whatever it says.
        self._last_attempt.pop(post.idempotency_key, None)
        if response.status_code not in (200, 201):
            raise self._refused(response)
        self.budget.spend()
        data = (http.json_of(response) or {}).get("data")
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            # It may have posted: the next attempt looks for it before posting.
            raise PublishFailed("X's answer had no post id", transient=True)
        return _published(data["id"])

    def _remember_attempt(self, key: str) -> None:
        self._last_attempt[key] = time.monotonic()
        self._last_attempt.move_to_end(key)
        while len(self._last_attempt) > _REMEMBERED_ATTEMPTS:
            self._last_attempt.popitem(last=False)

    def _check_settled(self, key: str) -> None:
        """Refuse to look yet (nothing sent) while this process's last attempt of the post
        may still land: the outbox comes back when it has landed or died."""
        sent_at = self._last_attempt.get(key)
        wait = 0.0 if sent_at is None else sent_at + self._settle - time.monotonic()
        if wait > 0:
            raise PublishFailed(
                "An earlier attempt may still reach X: looking for it before sending again",
                transient=True,
                not_before=utcnow() + timedelta(seconds=wait),
            )

    async def _authorised(
        self, method: str, url: str, *, observe: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """The call with the user's token; a 401 refreshes the token once and tries again
        (a refused token cannot have posted). ``observe``: its rate-limit headers are the
        posting budget's (not a media endpoint's own)."""
        response = await self._call(method, url, observe=observe, **kwargs)
        if response.status_code == 401 and self._refresh is not None:
            self._token = await self._refresh()
            response = await self._call(method, url, observe=observe, **kwargs)
        if response.status_code == 401:
            detail = problems.detail(response)
            raise PublishFailed(
                f"X refused the account's token: {detail}; reconnect the account",
                transient=False,
            )
        return response

    async def _call(
        self, method: str, url: str, *, observe: bool = True, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token}"}
        response = await http.call(self._client, NETWORK, method, url, headers=headers, **kwargs)
        header = limits.read(response.headers) if observe else None
        self.budget.observe(header, limits.credits(response.headers))
        return response

    def _refused(self, response: httpx.Response) -> PublishFailed:
        detail = problems.detail(response)
        if response.status_code == 429:
            header = limits.read(response.headers)
            reset = header.reset_at if header else None
            if reset is not None:
                return PublishFailed(
                    f"X answered 429: {detail}", transient=True, rate_limited_until=reset
                )
            return PublishFailed(f"X answered 429: {detail}", transient=True)
        if response.status_code >= 500:
            # It may have posted before failing: the next attempt looks first.
            return PublishFailed(f"X answered {response.status_code}: {detail}", transient=True)
        return PublishFailed(
            f"X refused the post ({response.status_code}): {detail}", transient=False
        )

    async def _find(self, post: Outgoing) -> Published | None:
        """The post among the account's posts since it was accepted, if an earlier attempt
        made it: X's timeline from ``start_time``, newest first, page after page (X keeps
        the latest 3,200), so a busy desk's later posts cannot hide it."""
        user_id = await self._me()
        params = {"max_results": "100", "tweet.fields": "referenced_tweets,created_at"}
        if post.created_at is not None:
            since = post.created_at.astimezone(UTC) - _CLOCK_SKEW
            params["start_time"] = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        wanted = _comparable(post.text)
        for _ in range(_TIMELINE_PAGES):
            response = await self._authorised("GET", f"/2/users/{user_id}/tweets", params=params)
            if response.status_code != 200:
                raise PublishFailed(
                    f"Could not look for an earlier attempt on X ({response.status_code}): "
                    f"{problems.detail(response)}",
                    transient=True,
                    rate_limited_until=problems.reset_if_429(response),
                )
            body = http.json_of(response) or {}
            for tweet in body.get("data") or []:
                if isinstance(tweet, dict) and _is_the_post(tweet, wanted, post.in_reply_to):
                    return _published(str(tweet["id"]))
            next_token = (body.get("meta") or {}).get("next_token")
            if not isinstance(next_token, str):
                return None
            params["pagination_token"] = next_token
        return None

    async def _me(self) -> str:
        if self._user_id is None:
            response = await self._authorised("GET", "/2/users/me")
            data = (http.json_of(response) or {}).get("data")
            if response.status_code != 200 or not isinstance(data, dict) or "id" not in data:
                raise PublishFailed(
                    f"X did not say who the account is: {problems.detail(response)}", transient=True
                )
            self._user_id = str(data["id"])
        return self._user_id

    async def close(self) -> None:
        await self._client.aclose()


def _is_the_post(tweet: dict[str, Any], wanted: str, in_reply_to: str | None) -> bool:
    if _comparable(str(tweet.get("text", ""))) != wanted:
        return False
    answered = [
        ref.get("id")
        for ref in tweet.get("referenced_tweets") or []
        if isinstance(ref, dict) and ref.get("type") == "replied_to"
    ]
    return in_reply_to in answered if in_reply_to else not answered


def _published(tweet_id: str) -> Published:
    return Published(
        external_id=tweet_id, external_url=f"https://x.com/i/web/status/{tweet_id}", dry_run=False
    )
