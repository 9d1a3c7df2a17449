// The show clock, data only: T+0 is the moment the event went on air (event.on_air_at).
// The live desk and the replay both place times on it with `showOffset`.

import type { JournalEntry } from "../stream/protocol";

export interface OnAir {
  /** Milliseconds since the epoch, or null while the event has never been on air. */
  onAirAt: number | null;
  /** Set once the event went off air; the clock stops there. */
  offAirAt: number | null;
}

export const NOT_ON_AIR: OnAir = { onAirAt: null, offAirAt: null };

const two = (value: number): string => String(value).padStart(2, "0");

/**
 * An offset on the show clock: 2 537 000 ms → "T+00:42:17". Before air it counts down
 * ("T-00:05:00"); whole seconds, truncated towards T+0 so the clock never reads a second
 * early. Hours go past 99 rather than wrap.
 */
export function showOffset(ms: number): string {
  const sign = ms < 0 ? "-" : "+";
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `T${sign}${two(h)}:${two(m)}:${two(seconds % 60)}`;
}

/** Where `at` (an API time) falls on the show clock, or null when not on air then. */
export function showOffsetAt(onAir: OnAir, at: string | number): string | null {
  const time = typeof at === "number" ? at : Date.parse(at);
  if (onAir.onAirAt === null || Number.isNaN(time)) return null;
  return showOffset(time - onAir.onAirAt);
}

/** What the clock reads at `now`: null before the event ever went on air. */
export function showClockReading(onAir: OnAir, now: number): string | null {
  if (onAir.onAirAt === null) return null;
  const until = onAir.offAirAt !== null && onAir.offAirAt >= onAir.onAirAt ? onAir.offAirAt : now;
  return showOffset(until - onAir.onAirAt);
}

const timeOf = (value: unknown): number | null => {
  if (typeof value !== "string") return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
};

/** From the event as the API gives it; a server without the show clock gives neither. */
export function onAirFromEvent(event: { on_air_at?: unknown; off_air_at?: unknown }): OnAir {
  return { onAirAt: timeOf(event.on_air_at), offAirAt: timeOf(event.off_air_at) };
}

/**
 * The clock after one journal entry; the same state for entries about anything else.
 * `event.on_air` may correct the time: an off-air time before the new on-air one belonged
 * to an earlier airing and no longer stops the clock.
 */
export function applyShowEntry(onAir: OnAir, entry: JournalEntry): OnAir {
  if (entry.type === "event.on_air") {
    const onAirAt = timeOf(entry.data.on_air_at);
    if (onAirAt === null) return onAir;
    const offAirAt = onAir.offAirAt !== null && onAir.offAirAt > onAirAt ? onAir.offAirAt : null;
    return { onAirAt, offAirAt };
  }
  if (entry.type === "event.off_air") {
    const offAirAt = timeOf(entry.data.off_air_at);
    return offAirAt === null ? onAir : { ...onAir, offAirAt };
  }
  if (entry.type === "event.updated" && ("on_air_at" in entry.data || "off_air_at" in entry.data)) {
    const next = onAirFromEvent(entry.data);
    return {
      onAirAt: "on_air_at" in entry.data ? next.onAirAt : onAir.onAirAt,
      offAirAt: "off_air_at" in entry.data ? next.offAirAt : onAir.offAirAt,
    };
  }
  return onAir;
}
