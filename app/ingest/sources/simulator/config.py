"""The simulator's configuration, as a producer sends it when starting the source."""

from __future__ import annotations

import secrets

from pydantic import BaseModel, ConfigDict, Field, model_validator

MIN_RATE = 0.05
MAX_RATE = 5000.0


class SimulatorConfig(BaseModel):
    """A simulated audience for the event: a base rate with spikes at show moments."""

    model_config = ConfigDict(extra="forbid")

    seed: int | None = Field(
        default=None,
        ge=0,
        le=2**53,
        description="Same seed, same mentions (apart from times and ids). "
        "Chosen at random when left out, and kept so that a restart repeats it.",
    )
    rate: float = Field(
        default=10.0,
        ge=MIN_RATE,
        le=MAX_RATE,
        description="Base rate in mentions per second, outside spikes "
        f"({MIN_RATE}: a handful a minute; {MAX_RATE:g}: a storm).",
    )
    show_minutes: float = Field(
        default=120.0, ge=1.0, le=24 * 60, description="Length of the show clock."
    )
    start_minute: float = Field(
        default=0.0,
        ge=0.0,
        description="Where on the show clock to begin (e.g. just before a moment, to demo it).",
    )
    spikes: bool = Field(default=True, description="Multiply the rate at show moments.")
    loop: bool = Field(
        default=True,
        description="Start the show again when it ends; otherwise the source stops there.",
    )

    @model_validator(mode="after")
    def _start_within_show(self) -> SimulatorConfig:
        if self.start_minute >= self.show_minutes:
            raise ValueError(
                f"start_minute ({self.start_minute:g}) must be less than "
                f"show_minutes ({self.show_minutes:g})"
            )
        return self


def with_seed(config: SimulatorConfig) -> SimulatorConfig:
    if config.seed is not None:
        return config
    return config.model_copy(update={"seed": secrets.randbelow(2**31)})
