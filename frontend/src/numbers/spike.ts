// The spike rule (docs/numbers.md, "Spike alert"): the last minute against the median of the
// ten minutes before it. A spike needs both a jump (ratio) and a volume worth a look (floor),
// so a quiet night going from 2 to 8 a minute does not alarm, nor does a steady storm.

export interface SpikeRule {
  /** How many times the recent level the last minute must reach. */
  ratio: number;
  /** Mentions in the last minute below which nothing is a spike. */
  floor: number;
  /** How many minutes before the last one make "the recent level". */
  baselineMinutes: number;
}

export const DEFAULT_SPIKE_RULE: SpikeRule = { ratio: 3, floor: 60, baselineMinutes: 10 };

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export interface SpikeReading {
  spiking: boolean;
  lastMinute: number;
  /** The median of the minutes before (the recent level). */
  baseline: number;
  /** lastMinute / baseline (Infinity from a baseline of zero). */
  ratio: number;
}

/** `windows`: the counts of consecutive minutes, oldest first, the last minute last. */
export function readSpike(windows: readonly number[], rule: SpikeRule = DEFAULT_SPIKE_RULE): SpikeReading {
  const lastMinute = windows.at(-1) ?? 0;
  const before = windows.slice(Math.max(0, windows.length - 1 - rule.baselineMinutes), -1);
  const baseline = median(before);
  const ratio = baseline > 0 ? lastMinute / baseline : lastMinute > 0 ? Infinity : 0;
  const spiking = lastMinute >= rule.floor && lastMinute >= rule.ratio * baseline;
  return { spiking, lastMinute, baseline, ratio };
}

/**
 * Turns readings into alerts: one when a spike starts, none while it lasts, and the next only
 * once the rate has been back under the rule for `quietMs` (a burst that wobbles around the
 * threshold alerts once).
 */
export class SpikeAlarm {
  private since: number | null = null;
  private quietSince: number | null = null;

  constructor(private readonly quietMs = 60_000) {}

  get active(): boolean {
    return this.since !== null;
  }

  /** Answers true when this reading starts a new alert. */
  update(reading: SpikeReading, nowMs: number): boolean {
    if (reading.spiking) {
      this.quietSince = null;
      if (this.since !== null) return false;
      this.since = nowMs;
      return true;
    }
    if (this.since === null) return false;
    this.quietSince ??= nowMs;
    if (nowMs - this.quietSince >= this.quietMs) {
      this.since = null;
      this.quietSince = null;
    }
    return false;
  }
}
