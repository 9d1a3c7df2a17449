"""The after-show report: what the evening looked like, computed by SQL aggregates.

Everything proportional to the event's size (volume a minute, top authors, top mentions,
the mentions between two cues) is an aggregate or an indexed range in the database; only
what the team did (answers, posts, cues: hundreds of rows, not millions) is read row by row.
Response times are nearest-rank quantiles, as the live panel shows them (docs/numbers.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import desc, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.common.errors import NotFound
from app.common.time import as_utc
from app.cues.models import Cue
from app.posts.models import Post
from app.reports import queries
from app.reports.queries import Answer, mention_table, user_table

cue_table = Cue.__table__  # type: ignore[attr-defined]
post_table = Post.__table__  # type: ignore[attr-defined]

PEAKS = 5
# Two peaks closer than this are one moment: the second is not listed.
PEAK_SEPARATION_MINUTES = 5
# A cue fired this long before a peak (or during it) is "what was happening".
CUE_LOOKBACK = timedelta(minutes=15)
TOP = 10
TOP_IN_PEAK = 3


def nearest_rank(values: list[float], q: float) -> float | None:
    """The smallest value that at least ``q`` of the values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def response_times(answers: list[Answer]) -> dict[str, Any]:
    """Overall and per operator: how many answers, median and p90 seconds."""

    def summary(seconds: list[float]) -> dict[str, Any]:
        return {
            "replies": len(seconds),
            "median_seconds": nearest_rank(seconds, 0.5),
            "p90_seconds": nearest_rank(seconds, 0.9),
        }

    by_operator: dict[str, list[float]] = defaultdict(list)
    for answer in answers:
        by_operator[answer.operator].append(answer.seconds)
    operators = [{"operator": name, **summary(seconds)} for name, seconds in by_operator.items()]
    operators.sort(key=lambda row: (-row["replies"], row["operator"]))
    return {"overall": summary([a.seconds for a in answers]), "operators": operators}


@dataclass(frozen=True, slots=True)
class Minute:
    start: datetime
    mentions: int
    first_seq: int
    last_seq: int


def pick_peaks(minutes: list[Minute]) -> list[Minute]:
    """The busiest minutes, at most :data:`PEAKS`, none within the separation of a busier."""
    chosen: list[Minute] = []
    separation = timedelta(minutes=PEAK_SEPARATION_MINUTES)
    for minute in sorted(minutes, key=lambda m: (-m.mentions, m.start)):
        if all(abs(minute.start - peak.start) >= separation for peak in chosen):
            chosen.append(minute)
        if len(chosen) == PEAKS:
            break
    return sorted(chosen, key=lambda m: m.start)


def _mention_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "network": row.network,
        "author_handle": row.author_handle,
        "author_followers": row.author_followers,
        "text": row.text,
        "received_at": as_utc(row.received_at),
    }


_MENTION_COLUMNS = (
    mention_table.c.id,
    mention_table.c.network,
    mention_table.c.author_handle,
    mention_table.c.author_followers,
    mention_table.c.text,
    mention_table.c.received_at,
)


async def _top_mentions(
    connection: AsyncConnection,
    event_id: int,
    first_seq: int,
    last_seq: int,
    limit: int,
    window: tuple[datetime, datetime] | None = None,
) -> list[dict[str, Any]]:
    """The mentions of widest reach in a seq range (an index range, not the event)."""
    statement = select(*_MENTION_COLUMNS).where(
        mention_table.c.event_id == event_id,
        mention_table.c.seq.between(first_seq, last_seq),
    )
    if window is not None:
        statement = statement.where(
            mention_table.c.received_at >= window[0], mention_table.c.received_at < window[1]
        )
    statement = statement.order_by(desc(mention_table.c.author_followers), mention_table.c.seq)
    result = await connection.execute(statement.limit(limit))
    return [_mention_dict(row) for row in result]


async def _top_authors(connection: AsyncConnection, event_id: int) -> list[dict[str, Any]]:
    count = func.count().label("mentions")
    result = await connection.execute(
        select(mention_table.c.network, mention_table.c.author_handle, count)
        .where(mention_table.c.event_id == event_id)
        .group_by(mention_table.c.network, mention_table.c.author_handle)
        .order_by(desc(count), mention_table.c.author_handle)
        .limit(TOP)
    )
    return [{"network": n, "author_handle": h, "mentions": int(c)} for n, h, c in result]


async def _cues(connection: AsyncConnection, event_id: int) -> list[dict[str, Any]]:
    result = await connection.execute(
        select(cue_table.c.id, cue_table.c.title, cue_table.c.fired_at, cue_table.c.fire_count)
        .where(cue_table.c.event_id == event_id, cue_table.c.deleted_at.is_(None))
        .order_by(cue_table.c.position, cue_table.c.id)
    )
    return [
        {
            "id": row.id,
            "title": row.title,
            "fired_at": as_utc(row.fired_at) if row.fired_at else None,
            "fire_count": row.fire_count,
        }
        for row in result
    ]


async def _posts(connection: AsyncConnection, event_id: int) -> list[dict[str, Any]]:
    when = func.coalesce(post_table.c.published_at, post_table.c.created_at)
    result = await connection.execute(
        select(
            post_table.c.id,
            post_table.c.cue_id,
            post_table.c.cue_firing,
            post_table.c.network,
            post_table.c.thread_index,
            post_table.c.text,
            post_table.c.status,
            post_table.c.created_at,
            post_table.c.published_at,
            post_table.c.external_url,
            user_table.c.username.label("author"),
        )
        .select_from(post_table.outerjoin(user_table, user_table.c.id == post_table.c.author_id))
        .where(post_table.c.event_id == event_id)
        .order_by(when, post_table.c.id)
    )
    return [
        {
            **{key: value for key, value in row._mapping.items()},
            "created_at": as_utc(row.created_at),
            "published_at": as_utc(row.published_at) if row.published_at else None,
        }
        for row in result
    ]


def _cue_near(cues: list[dict[str, Any]], at: datetime) -> dict[str, Any] | None:
    """The cue fired last before the end of ``at``'s minute, if within the lookback."""
    end = at + timedelta(minutes=1)
    fired = [c for c in cues if c["fired_at"] and at - CUE_LOOKBACK <= c["fired_at"] < end]
    return max(fired, key=lambda c: c["fired_at"]) if fired else None


def _seq_bounds(minutes: list[Minute], start: datetime, end: datetime) -> tuple[int, int] | None:
    """The seqs of the minutes overlapping [start, end): where to look, by the index."""
    inside = [m for m in minutes if m.start + timedelta(minutes=1) > start and m.start < end]
    if not inside:
        return None
    # Arrival order is seq order, so these are the ends; min and max hold regardless.
    return min(m.first_seq for m in inside), max(m.last_seq for m in inside)


async def _cue_sections(
    connection: AsyncConnection,
    event_id: int,
    cues: list[dict[str, Any]],
    minutes: list[Minute],
    answers: list[Answer],
    posts: list[dict[str, Any]],
    until: datetime,
) -> list[dict[str, Any]]:
    """For each fired cue (in firing order): from its firing to the next one's."""
    fired = sorted((c for c in cues if c["fired_at"]), key=lambda c: c["fired_at"])
    sections = []
    for index, cue in enumerate(fired):
        start = cue["fired_at"]
        end = fired[index + 1]["fired_at"] if index + 1 < len(fired) else max(until, start)
        mentions = 0
        top: list[dict[str, Any]] = []
        bounds = _seq_bounds(minutes, start, end)
        if bounds is not None:
            window = (
                mention_table.c.event_id == event_id,
                mention_table.c.seq.between(*bounds),
                mention_table.c.received_at >= start,
                mention_table.c.received_at < end,
            )
            mentions = int(
                (await connection.execute(select(func.count()).where(*window))).scalar_one()
            )
            top = await _top_mentions(connection, event_id, *bounds, TOP_IN_PEAK, (start, end))
        sections.append(
            {
                "cue": cue,
                "start": start,
                "end": end,
                "mentions": mentions,
                "replies": sum(1 for a in answers if start <= a.answered_at < end),
                "posts": [p for p in posts if p["cue_id"] == cue["id"]],
                "top_mentions": top,
            }
        )
    return sections


async def _peaks(
    connection: AsyncConnection,
    event_id: int,
    minutes: list[Minute],
    cues: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The peaks, each with the cue fired before it and its widest-reach mentions."""
    peaks = []
    for minute in pick_peaks(minutes):
        top = await _top_mentions(
            connection, event_id, minute.first_seq, minute.last_seq, TOP_IN_PEAK
        )
        peaks.append(
            {
                "minute": minute.start,
                "mentions": minute.mentions,
                "cue": _cue_near(cues, minute.start),
                "top_mentions": top,
            }
        )
    return peaks


async def build(engine: AsyncEngine, event_id: int) -> dict[str, Any]:
    """The whole report, read in one snapshot of the database."""
    async with queries.snapshot(engine) as connection:
        event = await queries.event_row(connection, event_id)
        if event is None:
            raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
        minutes = [
            Minute(queries.minute_start(m), n, lo, hi)
            for m, n, lo, hi in await queries.volume(connection, event_id, int(event.last_seq))
        ]
        answers = await queries.first_answers(connection, event_id)
        cues = await _cues(connection, event_id)
        posts = await _posts(connection, event_id)
        peaks = await _peaks(connection, event_id, minutes, cues)
        last_minute = minutes[-1].start + timedelta(minutes=1) if minutes else None
        until = as_utc(event.off_air_at) if event.off_air_at else last_minute
        sections = await _cue_sections(
            connection, event_id, cues, minutes, answers, posts, until or queries.minute_start(0)
        )
        top_authors = await _top_authors(connection, event_id)
        top_mentions = await _top_mentions(connection, event_id, 0, int(event.last_seq), TOP)
    return {
        "event": {
            "id": event.id,
            "name": event.name,
            "on_air_at": as_utc(event.on_air_at) if event.on_air_at else None,
            "off_air_at": as_utc(event.off_air_at) if event.off_air_at else None,
        },
        "total_mentions": sum(m.mentions for m in minutes),
        "volume": [{"minute": m.start, "mentions": m.mentions} for m in minutes],
        "peaks": peaks,
        "response_times": response_times(answers),
        "answers": [
            {
                "mention_id": a.mention_id,
                "author_handle": a.author_handle,
                "text": a.text,
                "operator": a.operator,
                "received_at": a.received_at,
                "answered_at": a.answered_at,
                "seconds": a.seconds,
            }
            for a in answers
        ],
        "posts": posts,
        "cues": cues,
        "cue_sections": sections,
        "top_authors": top_authors,
        "top_mentions": top_mentions,
    }
