"""The file source: a JSONL file played at its recorded pace, bad lines reported, the rest
played; files only from the imports folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from app.config import Settings
from app.ingest import imports
from app.ingest.sources.base import EventInfo, SourceContext
from app.ingest.sources.file import FileConfig, FileSource, parsers
from app.mentions.schemas import MentionIn
from tests.factories import mention_payload
from tests.ingest.clock import FakeClock, TimedSink

RECORDED = datetime(2025, 7, 13, 19, 0, tzinfo=UTC)
STARTED = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def line(external_id: str, seconds: float, **overrides: Any) -> bytes:
    at = (RECORDED + timedelta(seconds=seconds)).isoformat()
    return orjson.dumps(mention_payload(external_id, created_at=at, **overrides))


def write(settings: Settings, name: str, lines: list[bytes]) -> Path:
    folder = settings.imports_dir_resolved
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


class Played:
    def __init__(self, settings: Settings, config: dict[str, Any]) -> None:
        self.clock = FakeClock()
        self.sink = TimedSink(self.clock)
        self.reports: list[dict[str, Any]] = []
        context = SourceContext(
            7, EventInfo(1, "Cup Final"), STARTED, self.sink, report=self.report, settings=settings
        )
        self.source = FileSource(
            context, FileConfig.model_validate(config), clock=self.clock, wall=lambda: STARTED
        )

    async def report(self, report: dict[str, Any]) -> None:
        self.reports.append(report)

    async def run(self) -> Played:
        await self.source.run()
        return self

    def arrivals(self) -> dict[str, float]:
        return {m.external_id: at for at, batch in self.sink.batches for m in batch}


async def test_a_file_plays_in_its_order_at_its_recorded_pace(settings: Settings) -> None:
    write(settings, "final.jsonl", [line("a", 0), line("b", 30), line("c", 90), line("d", 60)])
    played = await Played(settings, {"file": "final.jsonl", "speed": 1}).run()
    assert [m.external_id for m in played.sink.items] == ["a", "b", "c", "d"]
    assert played.arrivals() == {"a": 0.0, "b": 30.0, "c": 90.0, "d": 90.0}


async def test_a_faster_speed_divides_the_gaps_and_times_read_live(settings: Settings) -> None:
    write(settings, "final.jsonl", [line("a", 0), line("b", 60), line("c", 600)])
    played = await Played(settings, {"file": "final.jsonl", "speed": 60}).run()
    assert played.arrivals() == {"a": 0.0, "b": 1.0, "c": 10.0}
    created = {m.external_id: m.created_at for m in played.sink.items}
    assert created["a"] == STARTED
    assert created["c"] == STARTED + timedelta(seconds=10)


async def test_each_bad_line_is_reported_with_its_number_and_the_rest_plays(
    settings: Settings,
) -> None:
    lines = [
        line("a", 0),
        b'{"network": "x", "external_id": "b"',
        b"[1, 2]",
        line("c", 1, network="myspace"),
        b"",
        line("d", 2),
        orjson.dumps({k: v for k, v in mention_payload("e").items() if k != "author"}),
    ]
    write(settings, "broken.jsonl", lines)
    played = await Played(settings, {"file": "broken.jsonl"}).run()
    assert [m.external_id for m in played.sink.items] == ["a", "d"]
    (report,) = played.reports
    assert report["lines"] == 7
    assert report["mentions"] == 2
    assert report["bad_line_count"] == 4
    bad = {entry["line"]: entry["error"] for entry in report["bad_lines"]}
    assert sorted(bad) == [2, 3, 4, 7]
    assert bad[2].startswith("not JSON")
    assert bad[3] == "not a JSON object but list"
    assert bad[4].startswith("network:")
    assert bad[7].startswith("author:")


async def test_a_file_of_raw_payloads_is_read_by_the_registered_parser(
    settings: Settings,
) -> None:
    def parse(payload: dict[str, Any]) -> MentionIn | None:
        if payload.get("kind") == "delete":
            return None
        return MentionIn.model_validate(
            mention_payload(payload["id"], text=payload["body"], created_at=payload["at"])
        )

    at = RECORDED.isoformat()
    lines = [
        orjson.dumps({"kind": "post", "id": "p1", "body": "Goal!", "at": at}),
        orjson.dumps({"kind": "delete", "id": "p0"}),
        orjson.dumps({"kind": "post", "id": "p2"}),
    ]
    write(settings, "raw.jsonl", lines)
    parsers.register("testnet", parse)
    try:
        played = await Played(
            settings, {"file": "raw.jsonl", "format": "raw", "parser": "testnet"}
        ).run()
    finally:
        parsers.unregister("testnet")
    assert [m.text for m in played.sink.items] == ["Goal!"]
    (report,) = played.reports
    assert report["skipped"] == 1
    assert report["bad_lines"] == [{"line": 3, "error": "the parser refused it: KeyError: 'body'"}]


def test_a_raw_file_needs_a_registered_parser() -> None:
    with pytest.raises(ValueError, match="needs a parser"):
        FileConfig.model_validate({"file": "raw.jsonl", "format": "raw"})
    with pytest.raises(ValueError, match="No raw payload parser 'nobody'"):
        FileConfig.model_validate({"file": "raw.jsonl", "format": "raw", "parser": "nobody"})


BAD_NAMES = ["../cuedesk.db", "/etc/passwd", "sub/file.jsonl", "..", ".hidden", "a\\b.jsonl", ""]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_only_plain_names_of_the_imports_folder_are_files(name: str, tmp_path: Path) -> None:
    with pytest.raises(imports.BadImportName):
        imports.resolve(tmp_path, name)


def test_a_link_out_of_the_imports_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "imports"
    folder.mkdir()
    (tmp_path / "secret.jsonl").write_text("{}\n")
    (folder / "escape.jsonl").symlink_to(tmp_path / "secret.jsonl")
    with pytest.raises(imports.BadImportName):
        imports.resolve(folder, "escape.jsonl")


@pytest.fixture
def many_bad_lines(settings: Settings) -> Iterator[str]:
    write(settings, "noise.jsonl", [b"nope"] * 250 + [line("a", 0)])
    yield "noise.jsonl"


async def test_the_bad_lines_kept_are_bounded_and_all_counted(
    settings: Settings, many_bad_lines: str
) -> None:
    played = await Played(settings, {"file": many_bad_lines}).run()
    (report,) = played.reports
    assert report["bad_line_count"] == 250
    assert len(report["bad_lines"]) == 100
    assert [m.external_id for m in played.sink.items] == ["a"]
