"""Reading a JSONL file line by line: each line a mention, a bad line (number and why), or
nothing (blank, or a raw payload that carries no mention)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from app.ingest.sources.file.parsers import RawParser
from app.mentions.schemas import MentionIn

# Longer lines are reported bad without being parsed: no payload is anywhere near this.
MAX_LINE_BYTES = 1024 * 1024
# What a source keeps of its bad lines: the first ones, and how many there were in all.
MAX_REPORTED_LINES = 100
MAX_REASON_LENGTH = 300


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    error: str


@dataclass(slots=True)
class FileReport:
    """What a read found: shown on the source (``report``) once the file is checked."""

    lines: int = 0
    mentions: int = 0
    skipped: int = 0
    bad_line_count: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)

    def add_bad(self, bad: BadLine) -> None:
        self.bad_line_count += 1
        if len(self.bad_lines) < MAX_REPORTED_LINES:
            self.bad_lines.append(bad)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "mentions": self.mentions,
            "skipped": self.skipped,
            "bad_line_count": self.bad_line_count,
            "bad_lines": [{"line": bad.line, "error": bad.error} for bad in self.bad_lines],
        }


def _validation_reason(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "the object"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def parse_line(raw: bytes, parser: RawParser | None) -> MentionIn | None:
    """The line's mention, or None if it carries none; raises ``ValueError`` with the
    reason when it is bad."""
    if len(raw) > MAX_LINE_BYTES:
        raise ValueError(f"longer than {MAX_LINE_BYTES} bytes")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ValueError(f"not a JSON object but {type(value).__name__}")
    try:
        if parser is None:
            return MentionIn.model_validate(value)
        return parser(value)
    except ValidationError as exc:
        raise ValueError(_validation_reason(exc)) from None
    except Exception as exc:
        raise ValueError(f"the parser refused it: {type(exc).__name__}: {exc}") from None


def read(path: Path, parser: RawParser | None, report: FileReport) -> Iterator[MentionIn]:
    """The file's mentions in file order; every line counted in ``report``, bad ones with
    their number (from 1) and reason."""
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            report.lines = number
            if not raw.strip():
                continue
            try:
                mention = parse_line(raw, parser)
            except ValueError as exc:
                report.add_bad(BadLine(number, str(exc)[:MAX_REASON_LENGTH]))
                continue
            if mention is None:
                report.skipped += 1
                continue
            report.mentions += 1
            yield mention
