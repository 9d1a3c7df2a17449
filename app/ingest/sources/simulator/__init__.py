"""The built-in simulator: a believable audience for rehearsals and demos."""

from __future__ import annotations

from app.ingest.sources.base import SourceKind
from app.ingest.sources.simulator.config import SimulatorConfig, with_seed
from app.ingest.sources.simulator.generator import MentionGenerator
from app.ingest.sources.simulator.source import SimulatorSource

# Simulated mentions of the event: a base rate with spikes at show moments.
SIMULATOR = SourceKind(
    name="simulator",
    config_model=SimulatorConfig,
    build=SimulatorSource,
    prepare=with_seed,
)

__all__ = ["SIMULATOR", "MentionGenerator", "SimulatorConfig", "SimulatorSource"]
