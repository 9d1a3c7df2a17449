"""The replay of an event: its overview (volume, markers, spikes, bookmarks), the state at
any seq (a seek), and the journal from there on.

A seek answers the nearest checkpoint's board at or below the seq, the board's own entries
from there to the feed's window (the ``WINDOW`` newest mentions at that seq, found on the
mention index), and every journal entry from the window's start up to the seq. The console
applies those entries with the live desk's own reducers; nothing here decides what a
mention looked like, the journal does.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import Invalid
from app.common.time import isoformat_z
from app.events import service as events
from app.journal import service as journal
from app.journal.visibility import Audience, for_viewer
from app.mentions import queries as mentions
from app.replay import index
from app.replay.board import BOARD_TYPES, Board

# The feed a seek restores: as many mentions as the live feed shows.
WINDOW = 300
ENTRIES_PAGE = 2000
MAX_SEEK_ENTRIES = 20_000
# The spike rule, the live console's (docs/numbers.md, frontend/src/numbers/spike.ts): a
# minute of at least SPIKE_FACTOR times the median of the SPIKE_BASELINE minutes before it,
# and at least SPIKE_FLOOR, so a quiet night never alarms.
SPIKE_FACTOR = 3.0
SPIKE_BASELINE = 10
SPIKE_FLOOR = 60


def encode_entries(entries: list[journal.EncodedEntry], audience: Audience) -> bytes:
    """Entries as the journal API gives them, their stored JSON spliced in unparsed (a
    viewer's are parsed, cut down and encoded again)."""
    parts = []
    for entry in entries:
        head = orjson.dumps(
            {
                "seq": entry.seq,
                "type": entry.type,
                "at": entry.at_z,
                "actor": entry.actor,
            }
        )
        data = entry.data.encode()
        if audience == "viewer":
            shown = for_viewer({"type": entry.type, "data": orjson.loads(data)})
            data = orjson.dumps(shown["data"])
        parts.append(head[:-1] + b',"data":' + data + b"}")
    return b"[" + b",".join(parts) + b"]"


def merge_minutes(
    stored: list[journal.MinuteCount], tail: list[journal.MinuteCount]
) -> list[journal.MinuteCount]:
    """The index's minutes with those of the not yet indexed tail added in."""
    merged = {minute.minute_at: minute for minute in stored}
    for minute in tail:
        known = merged.get(minute.minute_at)
        if known is None:
            merged[minute.minute_at] = minute
        else:
            merged[minute.minute_at] = journal.MinuteCount(
                known.minute_at,
                known.entries + minute.entries,
                known.mentions + minute.mentions,
                min(known.first_seq, minute.first_seq),
                max(known.last_seq, minute.last_seq),
            )
    return [merged[key] for key in sorted(merged)]


def spikes(minutes: list[journal.MinuteCount]) -> list[dict[str, Any]]:
    """The minutes whose mentions jump well above the minutes before (the rule above); a
    run of such minutes is one spike, marked at its first."""
    found: list[dict[str, Any]] = []
    previous: list[int] = []
    in_spike = False
    for minute in minutes:
        baseline = float(statistics.median(previous)) if previous else 0.0
        is_spike = minute.mentions >= max(SPIKE_FLOOR, SPIKE_FACTOR * baseline)
        if is_spike and not in_spike:
            found.append(
                {
                    "at": isoformat_z(minute.minute_at),
                    "seq": minute.first_seq,
                    "mentions": minute.mentions,
                    "baseline": round(baseline, 1),
                }
            )
        in_spike = is_spike
        previous = [*previous, minute.mentions][-SPIKE_BASELINE:]
    return found


def minutes_columns(minutes: list[journal.MinuteCount]) -> dict[str, list[Any]]:
    """Columns rather than rows: the chart takes them as they are, and they are smaller."""
    return {
        "at": [isoformat_z(minute.minute_at) for minute in minutes],
        "mentions": [minute.mentions for minute in minutes],
        "entries": [minute.entries for minute in minutes],
        "first_seq": [minute.first_seq for minute in minutes],
        "last_seq": [minute.last_seq for minute in minutes],
    }


def _time(value: datetime | None) -> str | None:
    return isoformat_z(value) if value else None


async def overview(
    session: AsyncSession, event_id: int, indexed: int, bookmarks: list[dict[str, Any]]
) -> dict[str, Any]:
    """The replay's first answer; ``indexed`` is how far :func:`index.catch_up` reached."""
    event = await events.get_or_raise(session, event_id)
    last_seq, epoch = await journal.head(session, event_id)
    stored = await index.stored_minutes(session, event_id)
    tail = await journal.minute_counts(session, event_id, indexed, last_seq)
    minutes = merge_minutes(stored, tail)
    markers = await index.stored_markers(session, event_id)
    tail_entries = await journal.read_of_types(
        session, event_id, index.MARKER_TYPES, indexed, last_seq
    )
    markers += [index.marker_row(event_id, entry) for entry in tail_entries]
    return {
        "event": {
            "id": event.id,
            "name": event.name,
            "hashtags": event.hashtags,
            "on_air_at": _time(event.on_air_at),
            "off_air_at": _time(event.off_air_at),
            "starts_at": _time(event.starts_at),
            "ends_at": _time(event.ends_at),
        },
        "last_seq": last_seq,
        "epoch": epoch,
        "first_at": _time(await journal.at_of(session, event_id, 1)),
        "last_at": _time(await journal.at_of(session, event_id, last_seq)),
        "minutes": minutes_columns(minutes),
        "markers": [
            {"seq": m["seq"], "kind": m["kind"], "at": isoformat_z(m["at"]), "label": m["label"]}
            for m in markers
        ],
        "spikes": spikes(minutes),
        "bookmarks": bookmarks,
    }


async def _last_seq_or_refuse(session: AsyncSession, event_id: int, seq: int) -> int:
    last_seq, _epoch = await journal.head(session, event_id)
    if seq > last_seq:
        raise Invalid(
            f"Seq {seq} is past the end of the event's journal ({last_seq}): "
            f"ask for {last_seq} or less.",
            last_seq=last_seq,
        )
    return last_seq


async def seek(session: AsyncSession, event_id: int, seq: int, audience: Audience) -> bytes:
    """The state at ``seq``: a board to start from and the entries that bring it, and the
    feed's window, up to ``seq`` (JSON, built around the stored entries). The index must
    have been caught up (:func:`index.catch_up`) before ``session`` first read."""
    last_seq = await _last_seq_or_refuse(session, event_id, seq)
    checkpoint_seq, board_text = await index.latest_checkpoint(session, event_id, at_most=seq)
    window_from = await mentions.seq_before_newest(session, event_id, seq, WINDOW)
    # A window of sparse mentions among many other entries reaches back no further than
    # this: a seek's answer stays bounded whatever the event.
    from_seq = max(window_from, seq - MAX_SEEK_ENTRIES)
    entries = await journal.read_encoded(session, event_id, from_seq, seq, seq - from_seq)
    # Between the checkpoint and the window only the board's entries matter: the database
    # skips the mentions. (A window reaching below the checkpoint applies some entries to
    # the board twice, which its rules allow, as the live desk's do.)
    board_entries = await journal.read_of_types(
        session, event_id, BOARD_TYPES, checkpoint_seq, from_seq
    )
    board = Board(orjson.loads(board_text))
    # Mentions the board names that the entries do not bring: who wrote what was claimed.
    named = [claim["mention_id"] for claim in board.claims.values()]
    named += [reply["mention_id"] for reply in board.replies.values()]
    named += [reply["mention_id"] for reply in board.recent]
    head = orjson.dumps(
        {
            "seq": seq,
            "at": _time(await journal.at_of(session, event_id, seq)),
            "last_seq": last_seq,
            "checkpoint_seq": checkpoint_seq,
            "from_seq": from_seq,
            "mentions": await mentions.summaries(session, named),
        }
    )
    return (
        head[:-1]
        + b',"board":'
        + board_text.encode()
        + b',"board_entries":'
        + orjson.dumps([_board_entry(entry, audience) for entry in board_entries])
        + b',"entries":'
        + encode_entries(entries, audience)
        + b"}"
    )


def _board_entry(entry: dict[str, Any], audience: Audience) -> dict[str, Any]:
    shown = {**entry, "at": isoformat_z(entry["at"]), "actor": None}
    return for_viewer(shown) if audience == "viewer" else shown


async def entries_page(
    session: AsyncSession, event_id: int, after_seq: int, limit: int, audience: Audience
) -> bytes:
    """The journal after ``after_seq``, at most ``limit`` entries, for playing on."""
    last_seq = await _last_seq_or_refuse(session, event_id, after_seq)
    entries = await journal.read_encoded(session, event_id, after_seq, last_seq, limit)
    head = orjson.dumps({"after_seq": after_seq, "last_seq": last_seq})
    return head[:-1] + b',"entries":' + encode_entries(entries, audience) + b"}"
