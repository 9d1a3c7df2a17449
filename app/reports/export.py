"""An event's mentions, replies, posts or journal as CSV or JSON Lines, streamed.

The rows are read in keyset pages (``seq > last`` or ``id > last``, ``LIMIT``) on a
connection of the export's own, held for the whole download in one read transaction
(a snapshot: REPEATABLE READ on PostgreSQL, SQLite's read transaction in WAL), and each page
is encoded and sent before the next is read. Memory stays that of one page whatever the
size of the event. Formats and columns: docs/numbers.md, "Export".
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import Column, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.auth.models import User
from app.common.time import isoformat_z
from app.journal.models import JournalEntry
from app.journal.visibility import Audience, for_viewer
from app.mentions.models import Mention
from app.posts.models import Post
from app.replies.models import Reply

PAGE_ROWS = 2_000
# Excel reads a CSV as UTF-8 only when it starts with a byte order mark; every CSV reader
# that knows UTF-8 skips it (Python: encoding="utf-8-sig").
CSV_BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet: a mention saying
# "=HYPERLINK(...)" must stay text. Such cells get a leading apostrophe in CSV (JSONL is exact).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


class ExportKind(StrEnum):
    mentions = "mentions"
    replies = "replies"
    posts = "posts"
    journal = "journal"


MEDIA_TYPES = {
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.jsonl: "application/x-ndjson; charset=utf-8",
}

mention_table = Mention.__table__  # type: ignore[attr-defined]
reply_table = Reply.__table__  # type: ignore[attr-defined]
post_table = Post.__table__  # type: ignore[attr-defined]
journal_table = JournalEntry.__table__  # type: ignore[attr-defined]
user_table = User.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Table:
    """What one kind exports: its columns (in order) and the key its pages follow."""

    columns: tuple[str, ...]
    key: str
    query: Callable[[int], Select[Any]]


def _mentions(event_id: int) -> Select[Any]:
    return select(*(mention_table.c[name] for name in MENTION_COLUMNS)).where(
        mention_table.c.event_id == event_id
    )


def _with_author(table: Any, columns: Sequence[str], event_id: int) -> Select[Any]:
    # In the columns' order: pages are encoded by position.
    picked: list[Any] = [
        user_table.c.username.label("author") if name == "author" else table.c[name]
        for name in columns
    ]
    return (
        select(*picked)
        .select_from(table.outerjoin(user_table, user_table.c.id == table.c.author_id))
        .where(table.c.event_id == event_id)
    )


def _journal(event_id: int) -> Select[Any]:
    return select(*(journal_table.c[name] for name in JOURNAL_COLUMNS)).where(
        journal_table.c.event_id == event_id
    )


MENTION_COLUMNS = (
    "id", "seq", "network", "external_id", "url", "author_handle", "author_name",
    "author_followers", "author_verified", "text", "lang", "created_at", "received_at",
    "state", "priority", "reply_to_id", "repost_of_id", "quote_of_id",
)  # fmt: skip
REPLY_COLUMNS = (
    "id", "mention_id", "network", "in_reply_to", "author", "text", "status", "attempts",
    "last_error", "external_id", "external_url", "dry_run", "created_at", "published_at",
)  # fmt: skip
POST_COLUMNS = (
    "id", "cue_id", "cue_firing", "draft_id", "draft_version", "network", "thread_index",
    "author", "text", "status", "attempts", "last_error", "external_id", "external_url",
    "dry_run", "created_at", "published_at",
)  # fmt: skip
JOURNAL_COLUMNS = ("seq", "type", "at", "actor", "data")

TABLES: dict[ExportKind, Table] = {
    ExportKind.mentions: Table(MENTION_COLUMNS, "seq", _mentions),
    ExportKind.replies: Table(
        REPLY_COLUMNS, "id", lambda e: _with_author(reply_table, REPLY_COLUMNS, e)
    ),
    ExportKind.posts: Table(
        POST_COLUMNS, "id", lambda e: _with_author(post_table, POST_COLUMNS, e)
    ),
    ExportKind.journal: Table(JOURNAL_COLUMNS, "seq", _journal),
}


def filename(event_id: int, kind: ExportKind, fmt: ExportFormat) -> str:
    return f"cuedesk-event-{event_id}-{kind.value}.{fmt.value}"


def _key_column(kind: ExportKind) -> Column[Any]:
    table = {
        ExportKind.mentions: mention_table,
        ExportKind.replies: reply_table,
        ExportKind.posts: post_table,
        ExportKind.journal: journal_table,
    }[kind]
    column: Column[Any] = table.c[TABLES[kind].key]
    return column


async def _pages(
    connection: AsyncConnection, event_id: int, kind: ExportKind, page_rows: int
) -> AsyncIterator[Sequence[Any]]:
    table = TABLES[kind]
    key = _key_column(kind)
    base = table.query(event_id).order_by(key)
    last: int | None = None
    while True:
        statement = base if last is None else base.where(key > last)
        rows = (await connection.execute(statement.limit(page_rows))).all()
        if not rows:
            return
        yield rows
        if len(rows) < page_rows:
            return
        last = getattr(rows[-1], table.key)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        # As isoformat_z writes it (the columns read back aware, in UTC), in C.
        return value.isoformat(timespec="milliseconds")[:-6] + "Z"
    return value


def _csv_cell(value: Any) -> Any:
    value = _cell(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _journal_line(row: Any, audience: Audience) -> bytes:
    if audience == "viewer":
        entry = {
            "seq": row.seq,
            "type": row.type,
            "at": isoformat_z(row.at),
            "actor": row.actor,
            "data": orjson.loads(row.data),
        }
        return orjson.dumps(for_viewer(entry)) + b"\n"
    # The stored data is JSON already: written into the line as it is, never parsed.
    head = orjson.dumps(
        {"seq": row.seq, "type": row.type, "at": isoformat_z(row.at), "actor": row.actor}
    )
    return head[:-1] + b',"data":' + row.data.encode() + b"}\n"


def _journal_csv_row(row: Any, audience: Audience) -> list[Any]:
    data = row.data
    if audience == "viewer":
        entry = {"type": row.type, "data": orjson.loads(data)}
        data = orjson.dumps(for_viewer(entry)["data"]).decode()
    return [row.seq, row.type, isoformat_z(row.at), row.actor, data]


def encode_page(
    rows: Sequence[Any], kind: ExportKind, fmt: ExportFormat, audience: Audience
) -> bytes:
    """One page of rows in the export's format (UTF-8)."""
    columns = TABLES[kind].columns
    if fmt == ExportFormat.jsonl:
        if kind == ExportKind.journal:
            return b"".join(_journal_line(row, audience) for row in rows)
        return b"".join(
            orjson.dumps(dict(zip(columns, map(_cell, row), strict=True))) + b"\n" for row in rows
        )
    buffer = io.StringIO()
    # Every field quoted when it needs it (commas, quotes, newlines); lines end in CRLF as
    # RFC 4180 says, while newlines inside a text stay as they were.
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        if kind == ExportKind.journal:
            writer.writerow([_csv_cell(value) for value in _journal_csv_row(row, audience)])
        else:
            writer.writerow(map(_csv_cell, row))
    return buffer.getvalue().encode()


def header(kind: ExportKind, fmt: ExportFormat) -> bytes:
    """What comes before the first row: the BOM and the column names for CSV; nothing for
    JSON Lines."""
    if fmt == ExportFormat.jsonl:
        return b""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(TABLES[kind].columns)
    return (CSV_BOM + buffer.getvalue()).encode()


async def stream(
    engine: AsyncEngine,
    event_id: int,
    kind: ExportKind,
    fmt: ExportFormat,
    audience: Audience,
    *,
    page_rows: int = PAGE_ROWS,
) -> AsyncIterator[bytes]:
    """The export as chunks of bytes, a page at a time, read in one snapshot."""
    yield header(kind, fmt)
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = await connection.execution_options(isolation_level="REPEATABLE READ")
        async for rows in _pages(connection, event_id, kind, page_rows):
            yield encode_page(rows, kind, fmt, audience)
