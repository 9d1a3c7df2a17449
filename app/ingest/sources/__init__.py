"""Where mentions come from. Each kind registers here; the manager runs them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.ingest.sources.base import EventInfo, MentionSink, MentionSource, SourceContext, SourceKind
from app.ingest.sources.simulator import SIMULATOR

KINDS: dict[str, SourceKind] = {kind.name: kind for kind in (SIMULATOR,)}


class UnknownKind(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Unknown source kind {name!r}; known kinds: {', '.join(sorted(KINDS))}.")
        self.name = name


def get_kind(name: str) -> SourceKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(name) from None


def parse_config(name: str, raw: dict[str, Any]) -> BaseModel:
    """The validated configuration for a kind (raises ``UnknownKind`` or ``ValidationError``)."""
    return get_kind(name).config_model.model_validate(raw)


__all__ = [
    "KINDS",
    "EventInfo",
    "MentionSink",
    "MentionSource",
    "SourceContext",
    "SourceKind",
    "UnknownKind",
    "get_kind",
    "parse_config",
]
