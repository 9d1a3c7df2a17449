"""The simulated audience: a few thousand accounts spread over the event's networks.

Follower counts are heavy-tailed (most accounts have a few hundred, a handful have
millions), and so is activity: a few accounts post all evening, most post once or twice.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import unicodedata
from dataclasses import dataclass, field

from app.events.models import Network
from app.ingest.sources.simulator import ids
from app.ingest.sources.simulator.names import (
    BIG_ACCOUNTS,
    HANDLE_WORDS,
    JAPANESE_FAMILY,
    JAPANESE_GIVEN,
    NAME_DECORATIONS,
    NAMES,
    SERVERS_BY_LANGUAGE,
)
from app.mentions.schemas import AuthorIn

LANGUAGES: dict[str, float] = {
    "en": 0.62,
    "es": 0.12,
    "pt": 0.08,
    "fr": 0.08,
    "de": 0.06,
    "ja": 0.04,
}
NETWORK_SHARE: dict[Network, float] = {
    Network.x: 0.6,
    Network.bluesky: 0.25,
    Network.mastodon: 0.15,
}
# Audiences are smaller on the federated networks.
FOLLOWER_SCALE: dict[Network, float] = {Network.x: 1.0, Network.bluesky: 0.5, Network.mastodon: 0.3}


@dataclass(slots=True)
class Author:
    handle: str
    name: str
    lang: str
    network: Network
    followers: int
    verified: bool
    # The part of the handle Mastodon puts in URLs (``user`` of ``user@server``).
    user: str
    server: str = ""
    did: str = ""
    # Built once: every mention of this author shares it.
    model: AuthorIn = field(init=False)

    def __post_init__(self) -> None:
        self.model = AuthorIn(
            handle=self.handle, name=self.name, followers=self.followers, verified=self.verified
        )


@dataclass(slots=True)
class AuthorPool:
    authors: list[Author]
    cumulative: list[float]

    def pick(self, rng: random.Random) -> Author:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.authors[min(index, len(self.authors) - 1)]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == "_")).lower()


def _person(rng: random.Random, lang: str) -> tuple[str, str]:
    """A display name and the base of a handle."""
    if lang == "ja":
        given, given_ja = rng.choice(JAPANESE_GIVEN)
        family, family_ja = rng.choice(JAPANESE_FAMILY)
        return f"{family_ja} {given_ja}", rng.choice(
            (f"{given}_{family}", f"{given}{rng.randint(1, 99)}")
        )
    givens, families = NAMES[lang]
    given, family = rng.choice(givens), rng.choice(families)
    g, f = _ascii(given), _ascii(family)
    base = rng.choice(
        (
            f"{g}{f}",
            f"{g}_{f}",
            f"{g}{f}{rng.randint(1, 99)}",
            f"{g[0]}{f}",
            f"{g}{rng.randint(1, 9999)}",
            f"{rng.choice(HANDLE_WORDS)}{g}",
            f"{g}_{rng.choice(HANDLE_WORDS)}",
        )
    )
    style = rng.random()
    if style < 0.7:
        name = f"{given} {family}"
    elif style < 0.85:
        name = given
    else:
        name = base
    return name + rng.choice(NAME_DECORATIONS), base[:15]


def _followers(rng: random.Random) -> int:
    # Log-normal body (median ~150) with a thicker Pareto tail for the rare large account.
    if rng.random() < 0.02:
        return min(30_000_000, int(10_000 * rng.paretovariate(1.2)))
    return int(rng.lognormvariate(math.log(150), 1.6))


def _make_author(
    rng: random.Random,
    handle_base: str,
    name: str,
    lang: str,
    network: Network,
    followers: int,
    verified: bool,
) -> Author:
    if network == Network.mastodon:
        # Mastodon has no verified badge.
        server = rng.choice(SERVERS_BY_LANGUAGE[lang])
        handle = f"{handle_base}@{server}"
        return Author(handle, name, lang, network, followers, False, handle_base, server=server)
    if network == Network.bluesky:
        handle = f"{handle_base.replace('_', '-').lower()}.bsky.social"
        # Bluesky verifies only a few notable accounts.
        notable = verified and followers > 500_000
        return Author(handle, name, lang, network, followers, notable, handle, did=ids.plc_did(rng))
    return Author(handle_base, name, lang, network, followers, verified, handle_base)


def build_pools(
    rng: random.Random, networks: tuple[Network, ...], size: int = 3000
) -> dict[Network, AuthorPool]:
    """Accounts for each of ``networks``, each with a posting weight."""
    networks = networks or tuple(Network)
    share_total = sum(NETWORK_SHARE[n] for n in networks)
    langs, lang_weights = list(LANGUAGES), list(LANGUAGES.values())
    taken: set[str] = set()
    by_network: dict[Network, list[tuple[Author, float]]] = {n: [] for n in networks}

    def unique(base: str) -> str:
        candidate = base
        for n in itertools.count(2):
            if candidate.lower() not in taken:
                break
            candidate = f"{base[:12]}{n}"
        taken.add(candidate.lower())
        return candidate

    for handle, name, followers, lang in BIG_ACCOUNTS:
        network = Network.x if Network.x in networks else networks[0]
        author = _make_author(rng, unique(handle), name, lang, network, followers, True)
        by_network[network].append((author, 4.0))
    for network in networks:
        count = round(size * NETWORK_SHARE[network] / share_total)
        scale = FOLLOWER_SCALE[network]
        for _ in range(count):
            lang = rng.choices(langs, lang_weights)[0]
            name, base = _person(rng, lang)
            followers = max(0, int(_followers(rng) * scale))
            verified = rng.random() < (0.6 if followers > 100_000 else 0.015)
            author = _make_author(rng, unique(base), name, lang, network, followers, verified)
            # Most accounts post once in a while; a few never stop.
            by_network[network].append((author, rng.paretovariate(1.3)))
    pools = {}
    for network, entries in by_network.items():
        weights = list(itertools.accumulate(weight for _author, weight in entries))
        pools[network] = AuthorPool([author for author, _weight in entries], weights)
    return pools
