"""The simulator's generator: a repeatable stream of mentions along the show clock.

Mentions are drawn as a Poisson process in *show time* (seconds since the source started):
each gap is exponential at the rate of that moment of the show. Everything, times
included, comes from one seeded ``random.Random``, so the same seed gives the same
mentions whatever the wall clock does; the source only decides when to hand them over.
"""

from __future__ import annotations

import itertools
import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import AnyHttpUrl

from app.common.time import accepted_time
from app.events.models import Network
from app.ingest.sources.base import EventInfo
from app.ingest.sources.simulator import ids
from app.ingest.sources.simulator.authors import NETWORK_SHARE, Author, build_pools
from app.ingest.sources.simulator.config import SimulatorConfig
from app.ingest.sources.simulator.phrases import EMOJI, GENERAL_CATEGORIES, PHRASES
from app.ingest.sources.simulator.script import ClockState, ShowScript
from app.mentions.schemas import MentionIn

# Shares of what is posted, outside spikes; a spike adds reposts of the moment.
REPLY_SHARE = 0.12
REPOST_SHARE = 0.14
SPIKE_EXTRA_REPOSTS = 0.12
QUOTE_SHARE = 0.05
# Some of every non-English audience posts in English.
ENGLISH_SWITCH = 0.1
PHASE_SHARE = 0.3
RECENT_POSTS = 300
NOTABLE_POSTS = 50
NOTABLE_FOLLOWERS = 20_000


@dataclass(slots=True)
class _Post:
    """An earlier simulated post that later ones can reply to, repost or quote."""

    external_id: str
    author: Author
    text: str
    url: str
    lang: str


class MentionGenerator:
    def __init__(
        self,
        config: SimulatorConfig,
        event: EventInfo,
        *,
        epoch: datetime,
        worker: int = 0,
        clock: float = 0.0,
    ) -> None:
        """``epoch`` is show-time zero on the wall clock; ``clock`` where to begin (seconds)."""
        self.rng = rng = random.Random(config.seed if config.seed is not None else 0)
        self.networks = event.networks or tuple(Network)
        self.pools = build_pools(rng, self.networks)
        self.script = ShowScript(config.show_minutes, rng, spikes=config.spikes)
        self.base_rate = config.rate
        self._start_minute = config.start_minute
        self._show_minutes = config.show_minutes
        self._loop = config.loop
        self._end = None if config.loop else (config.show_minutes - config.start_minute) * 60
        self._epoch = epoch
        self._epoch_us = int(epoch.timestamp() * 1_000_000)
        self._worker = worker
        self._last_us = 0
        self._network_weights = list(
            itertools.accumulate(NETWORK_SHARE[network] for network in self.networks)
        )
        self._tags = ["#" + "".join(tag.split()) for tag in event.hashtags]
        self._texts = _expand(event)
        self._general = list(GENERAL_CATEGORIES)
        self._general_weights = list(itertools.accumulate(GENERAL_CATEGORIES.values()))
        self._recent: dict[Network, deque[_Post]] = {
            n: deque(maxlen=RECENT_POSTS) for n in self.networks
        }
        self._notable: dict[Network, deque[_Post]] = {
            n: deque(maxlen=NOTABLE_POSTS) for n in self.networks
        }
        self._state_second = -1
        self._state = self.clock_state(clock)
        self.start_clock = clock
        self.next_at = clock + rng.expovariate(self.rate(clock))

    # The show clock

    def show_minute(self, t: float) -> float:
        minute = self._start_minute + t / 60
        return minute % self._show_minutes if self._loop else minute

    def clock_state(self, t: float) -> ClockState:
        # The rate changes over tens of seconds: one evaluation per second is plenty.
        second = int(t)
        if second != self._state_second:
            self._state_second = second
            self._state = self.script.state(self.show_minute(second))
        return self._state

    def rate(self, t: float) -> float:
        return self.base_rate * self.clock_state(t).multiplier

    @property
    def finished(self) -> bool:
        return self._end is not None and self.next_at >= self._end

    def skip_to(self, t: float) -> None:
        """Jump the clock forward without producing what was due before ``t``."""
        if self.next_at < t:
            self.next_at = t + self.rng.expovariate(self.rate(t))

    def generate_until(self, t: float, limit: int = 1_000_000) -> list[MentionIn]:
        """The mentions due at or before show-time ``t`` (at most ``limit``)."""
        out: list[MentionIn] = []
        end = self._end
        expovariate = self.rng.expovariate
        while self.next_at <= t and len(out) < limit:
            at = self.next_at
            if end is not None and at >= end:
                break
            out.append(self._mention(at))
            self.next_at = at + expovariate(self.rate(at))
        return out

    # One mention

    def _mention(self, t: float) -> MentionIn:
        rng = self.rng
        state = self.clock_state(t)
        index = _pick(self._network_weights, rng.random())
        network = self.networks[index]
        author = self.pools[network].pick(rng)
        micros = max(self._epoch_us + int(t * 1_000_000), self._last_us + 1)
        self._last_us = micros
        external_id, url = self._identify(author, micros)
        created_at = accepted_time(self._epoch + timedelta(microseconds=micros - self._epoch_us))

        roll = rng.random()
        reposts = REPOST_SHARE + SPIKE_EXTRA_REPOSTS * state.topic_share
        target = self._target(network) if roll < REPLY_SHARE + reposts + QUOTE_SHARE else None
        reply_to = repost_of = quote_of = None
        if target is None or roll >= REPLY_SHARE + reposts:
            lang = self._language(author)
            category, body = self._original(lang, state)
            text = self._decorate(body, category, hashtag=0.9)
            if target is not None:
                quote_of = target.external_id
                if network == Network.x:
                    text = f"{text} {target.url}"
        elif roll < REPLY_SHARE:
            lang = self._language(author)
            reply_to = target.external_id
            body = self._decorate(rng.choice(self._texts[lang]["reply"]), "reply", hashtag=0.4)
            if network == Network.bluesky:
                text = body
            else:
                text = f"@{target.author.handle} {body}"
        else:
            lang = target.lang
            repost_of = target.external_id
            text = (
                f"RT @{target.author.handle}: {target.text}"
                if network == Network.x
                else target.text
            )

        if repost_of is None:
            post = _Post(external_id, author, text, url, lang)
            self._recent[network].append(post)
            if author.followers >= NOTABLE_FOLLOWERS:
                self._notable[network].append(post)
        # Built as validation would leave it (UTC, to the millisecond; the URL parsed):
        # validating our own well-formed output again was a third of the generator's cost.
        return MentionIn.model_construct(
            network=network,
            external_id=external_id,
            author=author.model,
            text=text,
            created_at=created_at,
            lang=lang,
            url=AnyHttpUrl(url),
            reply_to_id=reply_to,
            repost_of_id=repost_of,
            quote_of_id=quote_of,
        )

    def _identify(self, author: Author, micros: int) -> tuple[str, str]:
        """The network's id for a new post, and its web address."""
        worker = self._worker
        if author.network == Network.x:
            status = ids.x_status_id(micros, worker)
            return status, f"https://x.com/{author.handle}/status/{status}"
        if author.network == Network.mastodon:
            status = ids.mastodon_status_id(micros, worker)
            return (
                f"{author.server}:{status}",
                f"https://{author.server}/@{author.user}/{status}",
            )
        rkey = ids.bluesky_tid(micros, worker)
        return (
            f"at://{author.did}/app.bsky.feed.post/{rkey}",
            f"https://bsky.app/profile/{author.handle}/post/{rkey}",
        )

    def _target(self, network: Network) -> _Post | None:
        """An earlier post to answer or share: big accounts get more than their share."""
        notable = self._notable[network]
        if notable and self.rng.random() < 0.5:
            return self.rng.choice(notable)
        recent = self._recent[network]
        return self.rng.choice(recent) if recent else None

    def _language(self, author: Author) -> str:
        if author.lang != "en" and self.rng.random() < ENGLISH_SWITCH:
            return "en"
        return author.lang

    def _original(self, lang: str, state: ClockState) -> tuple[str, str]:
        """What an original post is about, and its words."""
        rng = self.rng
        roll = rng.random()
        if state.topic is not None and roll < state.topic_share:
            category = state.topic
        elif roll < state.topic_share + (1 - state.topic_share) * PHASE_SHARE:
            category = state.phase
        else:
            category = self._general[_pick(self._general_weights, rng.random())]
        return category, rng.choice(self._texts[lang][category])

    def _decorate(self, text: str, category: str, *, hashtag: float) -> str:
        """Add an emoji to some texts, and the event's hashtags to a share of them."""
        rng = self.rng
        if rng.random() < 0.45:
            text = f"{text} {rng.choice(EMOJI[category])}"
        if self._tags and rng.random() < hashtag:
            tag = self._tags[0] if rng.random() < 0.7 else rng.choice(self._tags)
            if rng.random() < 0.2:
                return f"{tag} {text}"
            if len(self._tags) > 1 and rng.random() < 0.2:
                other = rng.choice(self._tags)
                if other != tag:
                    tag = f"{tag} {other}"
            text = f"{text} {tag}"
        return text


def _pick(cumulative: list[float], roll: float) -> int:
    """Index into ``cumulative`` weights for a roll in [0, 1)."""
    target = roll * cumulative[-1]
    for index, bound in enumerate(cumulative):
        if target < bound:
            return index
    return len(cumulative) - 1


def _expand(event: EventInfo) -> dict[str, dict[str, tuple[str, ...]]]:
    """Every phrase with ``{show}`` filled in each way (event name, keywords), once."""
    shows = (event.name, *event.keywords[:3])

    def fill(phrase: str, show: str) -> str:
        text = phrase.format(show=show)
        # Keywords are often lower case; a sentence still starts with a capital.
        return text[:1].upper() + text[1:] if phrase.startswith("{show}") else text

    return {
        lang: {
            category: tuple(
                fill(phrase, show)
                for phrase in phrases
                for show in (shows if "{show}" in phrase else shows[:1])
            )
            for category, phrases in table.items()
        }
        for lang, table in PHRASES.items()
    }
