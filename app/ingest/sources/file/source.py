"""The file source: checks the whole file first (every bad line reported with its number
and why), then plays its mentions in file order at their recorded pace."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

from app.common.time import utcnow
from app.ingest import imports
from app.ingest.sources import pacing
from app.ingest.sources.base import MentionSource, SourceContext
from app.ingest.sources.file import parsers, reader
from app.ingest.sources.file.config import FileConfig
from app.ingest.sources.file.parsers import RawParser
from app.mentions.schemas import MentionIn


class FileSource(MentionSource):
    def __init__(
        self,
        context: SourceContext,
        config: FileConfig,
        *,
        clock: pacing.Clock | None = None,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        self.context = context
        self.config = config
        self.clock = clock or pacing.LoopClock()
        self.wall = wall
        self.report: reader.FileReport | None = None

    def _path(self) -> Path:
        settings = self.context.settings
        if settings is None:
            raise RuntimeError("a file source needs the server's settings (its imports folder)")
        return imports.resolve(settings.imports_dir_resolved, self.config.file)

    def _parser(self) -> RawParser | None:
        return parsers.get(self.config.parser) if self.config.parser else None

    async def run(self) -> None:
        path, parser = self._path(), self._parser()
        report, first = await asyncio.to_thread(_check, path, parser)
        self.report = report
        if self.context.report is not None:
            await self.context.report(report.as_dict())
        if first is None:
            return
        timeline = pacing.Timeline(first, self.context.started_at, self.config.speed)
        elapsed = max(0.0, (self.wall() - self.context.started_at).total_seconds())

        async def timed() -> AsyncIterator[tuple[float, MentionIn]]:
            for mention in reader.read(path, parser, reader.FileReport()):
                live = mention.model_copy(update={"created_at": timeline.live(mention.created_at)})
                yield timeline.offset(mention.created_at), live

        await pacing.play(timed(), self.context.sink, self.clock, elapsed=elapsed)


def _check(path: Path, parser: RawParser | None) -> tuple[reader.FileReport, datetime | None]:
    """Read the whole file once: its report, and the first mention's time (the origin)."""
    report = reader.FileReport()
    first = None
    for mention in reader.read(path, parser, report):
        if first is None:
            first = mention.created_at
    return report, first
