"""The show clock: when the moments happen, how much they multiply the rate, what people
talk about.

A match of ``show_minutes``: a pre-show, kickoff, a goal, halftime and an ad break, the
second half, a second goal, the final whistle and the after-show, plus one unplanned
moment placed by the seed (the stream goes down). Positions are fractions of the show, so
a 10-minute rehearsal has the same shape as a two-hour final.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Moment:
    topic: str
    minute: float
    # The rate at the peak, as a multiple of the base rate.
    boost: float
    # Time for the excess to fall to about a third: a spike lasts two or three of these.
    decay_minutes: float
    # What the audience talks about once the spike has passed.
    phase: str


@dataclass(frozen=True, slots=True)
class ClockState:
    multiplier: float
    # The moment people are reacting to, and the share of messages about it.
    topic: str | None
    topic_share: float
    phase: str


# (topic, position in the show, boost, decay in minutes, phase that follows)
MATCH_SCRIPT: tuple[tuple[str, float, float, float, str], ...] = (
    ("kickoff", 0.08, 4.0, 0.8, "play"),
    ("goal", 0.24, 8.0, 1.0, "play"),
    ("halftime", 0.46, 3.5, 0.8, "break"),
    ("ad_break", 0.49, 3.0, 0.6, "break"),
    ("second_half", 0.55, 3.0, 0.8, "play"),
    ("goal", 0.80, 7.0, 1.0, "play"),
    ("final_whistle", 0.93, 6.0, 1.5, "post"),
)
# An unplanned moment: where it falls in the second half depends on the seed.
SURPRISE = ("outage", (0.62, 0.74), 5.0, 0.8)
# The reaction builds over a few seconds rather than arriving in one step.
RAMP_MINUTES = 0.15
PRE_SHOW_PHASE = "pre"


class ShowScript:
    def __init__(self, show_minutes: float, rng: random.Random, *, spikes: bool = True) -> None:
        self.show_minutes = show_minutes
        self.spikes = spikes
        # Short rehearsals get short spikes, or they would all run into one another.
        scale = min(1.0, show_minutes / 60)
        topic, (low, high), boost, decay = SURPRISE
        moments = [
            Moment(name, at * show_minutes, peak, fall * scale, phase)
            for name, at, peak, fall, phase in MATCH_SCRIPT
        ]
        moments.append(
            Moment(topic, rng.uniform(low, high) * show_minutes, boost, decay * scale, "play")
        )
        self.moments = tuple(sorted(moments, key=lambda moment: moment.minute))
        self._ramp = RAMP_MINUTES * scale

    def multiplier(self, minute: float) -> float:
        """How many times the base rate people post at this minute of the show."""
        return self.state(minute).multiplier

    def state(self, minute: float) -> ClockState:
        phase = PRE_SHOW_PHASE
        best_excess = 0.0
        best_topic: str | None = None
        for moment in self.moments:
            since = minute - moment.minute
            if since < 0:
                break
            phase = moment.phase
            if not self.spikes:
                continue
            excess = (moment.boost - 1) * math.exp(-since / moment.decay_minutes)
            if since < self._ramp:
                excess *= since / self._ramp
            if excess > best_excess:
                best_excess, best_topic = excess, moment.topic
        multiplier = 1.0 + best_excess
        # The extra traffic of a spike is (mostly) about the moment; the base rate is not.
        share = 0.9 * best_excess / multiplier
        if share < 0.05:
            best_topic, share = None, 0.0
        return ClockState(multiplier, best_topic, share, phase)

    def peak_multiplier(self) -> float:
        if not self.spikes:
            return 1.0
        return max(moment.boost for moment in self.moments)
