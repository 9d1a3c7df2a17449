// Mentions counted by when the server received them: a second ring for the spike rule and a
// minute series for the chart. Both are O(1) per mention and bounded in memory.

const MINUTE_MS = 60_000;

/** Per-minute counts, keyed by the minute's start (ms since the epoch), at most `capacity`. */
export class MinuteSeries {
  private counts = new Map<number, number>();
  private newest = -Infinity;

  constructor(readonly capacity = 24 * 60) {}

  static minuteOf(atMs: number): number {
    return Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
  }

  add(atMs: number, count = 1): void {
    if (!Number.isFinite(atMs)) return;
    const minute = MinuteSeries.minuteOf(atMs);
    if (minute <= this.newest - this.capacity * MINUTE_MS) return; // older than what is kept
    this.counts.set(minute, (this.counts.get(minute) ?? 0) + count);
    if (minute > this.newest) {
      this.newest = minute;
      this.trim();
    }
  }

  get(minuteMs: number): number {
    return this.counts.get(MinuteSeries.minuteOf(minuteMs)) ?? 0;
  }

  clear(): void {
    this.counts.clear();
    this.newest = -Infinity;
  }

  /** Every minute from `fromMs` to `toMs` (both floored to a minute), zeros included. */
  range(fromMs: number, toMs: number): { minutes: number[]; counts: number[] } {
    const minutes: number[] = [];
    const counts: number[] = [];
    const last = MinuteSeries.minuteOf(toMs);
    let minute = Math.max(MinuteSeries.minuteOf(fromMs), last - (this.capacity - 1) * MINUTE_MS);
    for (; minute <= last; minute += MINUTE_MS) {
      minutes.push(minute);
      counts.push(this.counts.get(minute) ?? 0);
    }
    return { minutes, counts };
  }

  /** The first minute held, or null. */
  get first(): number | null {
    let first: number | null = null;
    for (const minute of this.counts.keys()) if (first === null || minute < first) first = minute;
    return first;
  }

  private trim(): void {
    // Runs only when a new minute starts: at most once a minute in a live show.
    const oldestKept = this.newest - (this.capacity - 1) * MINUTE_MS;
    for (const minute of this.counts.keys()) if (minute < oldestKept) this.counts.delete(minute);
  }
}

/** Per-second counts over the last `seconds` seconds (a ring), for rolling windows. */
export class SecondRing {
  private counts: number[];
  private stamps: number[];

  constructor(readonly seconds = 11 * 60) {
    this.counts = new Array<number>(seconds).fill(0);
    this.stamps = new Array<number>(seconds).fill(-Infinity);
  }

  add(atMs: number, count = 1): void {
    if (!Number.isFinite(atMs)) return;
    const second = Math.floor(atMs / 1000);
    const slot = ((second % this.seconds) + this.seconds) % this.seconds;
    const stamp = this.stamps[slot] ?? -Infinity;
    if (second < stamp) return; // older than the window that slot holds now
    if (second > stamp) {
      this.stamps[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + count;
  }

  clear(): void {
    this.counts.fill(0);
    this.stamps.fill(-Infinity);
  }

  /**
   * Counts of `windows` consecutive 60-second windows ending at `nowMs`, oldest first: the
   * last one is "the last minute".
   */
  windows(nowMs: number, windows: number): number[] {
    const now = Math.floor(nowMs / 1000);
    const sums = new Array<number>(windows).fill(0);
    const span = Math.min(windows * 60, this.seconds);
    for (let back = 0; back < span; back += 1) {
      const second = now - back;
      const slot = ((second % this.seconds) + this.seconds) % this.seconds;
      if (this.stamps[slot] !== second) continue;
      const index = windows - 1 - Math.floor(back / 60);
      sums[index] = (sums[index] ?? 0) + (this.counts[slot] ?? 0);
    }
    return sums;
  }
}
