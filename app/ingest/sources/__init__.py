"""Where mentions come from. Each kind registers here; the manager runs them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from app.ingest.sources.base import EventInfo, MentionSink, MentionSource, SourceContext, SourceKind
from app.ingest.sources.file import FILE
from app.ingest.sources.rehearsal import REHEARSAL
from app.ingest.sources.simulator import SIMULATOR

# The kinds every server knows; an app can be given more (``create_app(source_kinds=...)``).
KINDS: Mapping[str, SourceKind] = {kind.name: kind for kind in (SIMULATOR, FILE, REHEARSAL)}


class UnknownKind(ValueError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(f"Unknown source kind {name!r}; known kinds: {', '.join(sorted(known))}.")
        self.name = name


def get_kind(name: str, kinds: Mapping[str, SourceKind] = KINDS) -> SourceKind:
    try:
        return kinds[name]
    except KeyError:
        raise UnknownKind(name, kinds) from None


def parse_config(
    name: str,
    raw: dict[str, Any],
    kinds: Mapping[str, SourceKind] = KINDS,
    context: dict[str, Any] | None = None,
) -> BaseModel:
    """The validated configuration for a kind (raises ``UnknownKind`` or ``ValidationError``).
    ``context`` (``{"settings": ...}`` from the API) lets a kind check more: that a file
    exists in the imports folder."""
    return get_kind(name, kinds).config_model.model_validate(raw, context=context)


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
