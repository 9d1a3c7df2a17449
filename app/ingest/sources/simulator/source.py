"""The simulator as a running source: hands the generator's mentions over as they fall due."""

from __future__ import annotations

import asyncio
import logging

from app.common.time import utcnow
from app.ingest.sources.base import MentionSource, SourceContext
from app.ingest.sources.simulator.config import SimulatorConfig
from app.ingest.sources.simulator.generator import MentionGenerator

logger = logging.getLogger(__name__)

# Short enough that mentions arrive spread out, long enough to cost little at a low rate.
TICK_SECONDS = 0.025
# How far behind the show clock the simulator may fall (the desk cannot keep up) before it
# skips ahead: a real stream would drop the connection rather than queue without end.
MAX_LAG_SECONDS = 2.0
LAG_WARNING_INTERVAL = 30.0


class SimulatorSource(MentionSource):
    def __init__(self, context: SourceContext, config: SimulatorConfig) -> None:
        self.context = context
        self.config = config
        self.produced = 0

    def _generator(self) -> MentionGenerator:
        # A resumed source picks up the show clock where the wall clock says it is.
        elapsed = max(0.0, (utcnow() - self.context.started_at).total_seconds())
        return MentionGenerator(
            self.config,
            self.context.event,
            epoch=self.context.started_at,
            worker=self.context.source_id,
            clock=elapsed,
        )

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        generator = self._generator()
        origin = loop.time() - generator.start_clock
        # Enough for a few ticks at the peak rate: a stalled loop catches up quickly
        # without building one huge batch.
        per_tick = max(
            100, int(4 * self.config.rate * generator.script.peak_multiplier() * TICK_SECONDS)
        )
        sink = self.context.sink
        warned_at = -LAG_WARNING_INTERVAL
        while True:
            now = loop.time() - origin
            lag = now - generator.next_at
            if lag > MAX_LAG_SECONDS:
                if now - warned_at >= LAG_WARNING_INTERVAL:
                    warned_at = now
                    logger.warning(
                        "simulator %s is %.1f s behind its show clock (the desk is not keeping "
                        "up with %.0f mentions/s); skipping ahead",
                        self.context.source_id,
                        lag,
                        generator.rate(now),
                    )
                generator.skip_to(now)
            batch = generator.generate_until(now, per_tick)
            if batch:
                await sink(batch)
                self.produced += len(batch)
            if generator.finished:
                logger.info("simulator %s reached the end of the show", self.context.source_id)
                return
            await asyncio.sleep(TICK_SECONDS)
