"""The file source's configuration, as a producer sends it when starting the source."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from app.config import Settings
from app.ingest import imports
from app.ingest.sources import pacing
from app.ingest.sources.file import parsers


class FileConfig(BaseModel):
    """A JSONL file of the imports folder, played as a live source."""

    model_config = ConfigDict(extra="forbid")

    file: str = Field(
        pattern=imports.NAME_PATTERN,
        description="The file's name in the imports folder (uploaded with POST /api/imports, "
        "or put there by the admin); never a path.",
    )
    speed: float = pacing.SpeedField
    format: Literal["mentions", "raw"] = Field(
        default="mentions",
        description="``mentions``: each line a normalised mention (as POST …/mentions takes "
        "them); ``raw``: each line a network's own payload, read by ``parser``.",
    )
    parser: str | None = Field(
        default=None, description="With format raw: the registered payload parser to use."
    )

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> FileConfig:
        if self.format == "raw":
            if self.parser is None:
                raise ValueError("format raw needs a parser: the network whose payloads these are")
            parsers.get(self.parser)
        elif self.parser is not None:
            raise ValueError("a parser is for format raw only")
        settings = (info.context or {}).get("settings")
        if isinstance(settings, Settings):
            # Checked when the source is started over the API: a typo is a 422, not a
            # source that fails a moment later.
            try:
                imports.resolve(settings.imports_dir_resolved, self.file)
            except Exception as exc:
                raise ValueError(str(exc)) from None
        return self
