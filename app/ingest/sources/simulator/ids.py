"""Post ids shaped like each network's, derived from the post's time.

All three networks put the creation time in the high bits of their ids, so ids from the
simulator sort like real ones and a resumed simulator (later on the clock) never repeats
an id it produced before the restart. ``worker`` keeps two simulators apart.
"""

from __future__ import annotations

import random

# X's snowflake epoch (2010-11-04), in milliseconds.
X_EPOCH_MS = 1288834974657
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
DID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def x_status_id(micros: int, worker: int) -> str:
    """19 digits: milliseconds since X's epoch, a 10-bit worker, a 12-bit sequence."""
    millis, sequence = divmod(micros, 1000)
    return str(((millis - X_EPOCH_MS) << 22) | ((worker & 0x3FF) << 12) | sequence)


def mastodon_status_id(micros: int, worker: int) -> str:
    """18 digits: Unix milliseconds, then 16 bits Mastodon fills with a hashed sequence."""
    millis, sequence = divmod(micros, 1000)
    return str((millis << 16) | ((worker & 0x3F) << 10) | sequence)


def bluesky_tid(micros: int, worker: int) -> str:
    """A record key: 13 base32-sortable characters of (microseconds << 10 | clock id)."""
    value = (micros << 10) | (worker & 0x3FF)
    chars = []
    for _ in range(13):
        value, digit = divmod(value, 32)
        chars.append(TID_ALPHABET[digit])
    return "".join(reversed(chars))


def plc_did(rng: random.Random) -> str:
    return "did:plc:" + "".join(rng.choices(DID_ALPHABET, k=24))
