"""How the report page writes times: on the show clock (T+1:05) beside the wall clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "\u2013"  # an en dash: no value
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def show_clock(at: datetime, on_air_at: datetime | None) -> str:
    """``T+1:05 · 21:05 UTC``, or the wall clock alone before a show clock exists."""
    wall = at.strftime("%H:%M UTC")
    if on_air_at is None:
        return wall
    offset = (at - on_air_at).total_seconds()
    sign = "T\u2212" if offset < 0 else "T+"  # a minus sign, as the console writes it
    minutes = int(abs(offset) // 60)
    return f"{sign}{minutes // 60}:{minutes % 60:02d} · {wall}"


def helpers(report: dict[str, Any]) -> dict[str, Any]:
    """What the template calls: ``at(time)`` and ``duration(seconds)``."""
    on_air_at = report["event"]["on_air_at"]
    return {"at": lambda value: show_clock(value, on_air_at), "duration": duration}


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def chart_data(report: dict[str, Any]) -> dict[str, Any]:
    """What the page's script draws (frontend/src/pages/report.ts): times in ms."""
    on_air_at = report["event"]["on_air_at"]
    return {
        "volume": [[_ms(m["minute"]), m["mentions"]] for m in report["volume"]],
        "on_air_at": _ms(on_air_at) if on_air_at else None,
        "peaks": [_ms(peak["minute"]) for peak in report["peaks"]],
        "cues": [
            {"title": section["cue"]["title"], "at": _ms(section["start"])}
            for section in report["cue_sections"]
        ],
    }
