// The evening as the replay's chart and scrubber see it: minutes of the journal (GET
// …/replay), time to seq and back, and the show clock (T+ from on air).

export interface Minutes {
  at: string[];
  mentions: number[];
  entries: number[];
  first_seq: number[];
  last_seq: number[];
}

const MINUTE_MS = 60_000;

export class Timeline {
  readonly starts: number[];

  constructor(
    readonly minutes: Minutes,
    readonly lastSeq: number,
  ) {
    this.starts = minutes.at.map((at) => Date.parse(at));
  }

  get startMs(): number {
    return this.starts[0] ?? 0;
  }

  get endMs(): number {
    const last = this.starts.at(-1);
    return last === undefined ? 0 : last + MINUTE_MS;
  }

  /** The last seq written at or before `time` (interpolated within its minute). */
  seqAt(time: number): number {
    const index = this.minuteAtOrBefore(time);
    if (index < 0) return 0;
    const start = this.starts[index] ?? 0;
    const first = this.minutes.first_seq[index] ?? 0;
    const last = this.minutes.last_seq[index] ?? 0;
    if (time >= start + MINUTE_MS) return last;
    const share = (time - start) / MINUTE_MS;
    return Math.min(this.lastSeq, Math.max(first, Math.round(first + share * (last - first))));
  }

  /** When entry `seq` was written, near enough (interpolated within its minute). */
  timeAt(seq: number): number {
    const lasts = this.minutes.last_seq;
    let low = 0;
    let high = lasts.length - 1;
    if (high < 0) return 0;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((lasts[middle] ?? 0) < seq) low = middle + 1;
      else high = middle;
    }
    const first = this.minutes.first_seq[low] ?? 0;
    const last = lasts[low] ?? 0;
    const start = this.starts[low] ?? 0;
    if (seq <= first || last === first) return start;
    return start + ((Math.min(seq, last) - first) / (last - first)) * MINUTE_MS;
  }

  private minuteAtOrBefore(time: number): number {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.starts[middle] ?? 0) <= time) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }
}

const pad = (value: number): string => String(value).padStart(2, "0");

/**
 * `T+01:02:03` from on air (`T−00:05:00` before it), or the UTC time without a show clock;
 * without `seconds`, to the minute (`T+01:02`).
 */
export function showClock(time: number, onAirMs: number | null, seconds = true): string {
  if (onAirMs === null) {
    const date = new Date(time);
    const minute = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
    return seconds ? `${minute}:${pad(date.getUTCSeconds())} UTC` : `${minute} UTC`;
  }
  const offset = Math.round((time - onAirMs) / 1000);
  const sign = offset < 0 ? "T−" : "T+";
  const total = Math.abs(offset);
  const minute = `${sign}${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}`;
  return seconds ? `${minute}:${pad(total % 60)}` : minute;
}
