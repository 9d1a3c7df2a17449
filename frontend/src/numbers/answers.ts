// Time to first answer (a mention received → its reply accepted), overall and per operator,
// and how many replies each operator sent. A histogram per operator keeps memory bounded and
// each answer O(1): exact to the second up to ten minutes, to ten seconds up to an hour, to
// the minute beyond (docs/numbers.md).

const SECOND_BUCKETS = 600;
const TEN_SECOND_BUCKETS = 300; // 10 min → 1 h
const MINUTE_BUCKETS = 23 * 60; // 1 h → 24 h
const BUCKETS = SECOND_BUCKETS + TEN_SECOND_BUCKETS + MINUTE_BUCKETS + 1;

function bucketOf(seconds: number): number {
  const s = Math.max(0, Math.floor(seconds));
  if (s < SECOND_BUCKETS) return s;
  if (s < 3600) return SECOND_BUCKETS + Math.floor((s - SECOND_BUCKETS) / 10);
  const minute = Math.floor((s - 3600) / 60);
  return Math.min(BUCKETS - 1, SECOND_BUCKETS + TEN_SECOND_BUCKETS + minute);
}

/** The smallest time (seconds) a bucket holds. */
function lowerBound(bucket: number): number {
  if (bucket < SECOND_BUCKETS) return bucket;
  if (bucket < SECOND_BUCKETS + TEN_SECOND_BUCKETS) return SECOND_BUCKETS + (bucket - SECOND_BUCKETS) * 10;
  return 3600 + (bucket - SECOND_BUCKETS - TEN_SECOND_BUCKETS) * 60;
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;

  add(seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    const bucket = bucketOf(seconds);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.total += 1;
  }

  get count(): number {
    return this.total;
  }

  /**
   * The nearest-rank quantile (the smallest time at least `q` of the answers took no longer
   * than), in seconds, or null without answers.
   */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket += 1) {
      seen += this.counts[bucket] ?? 0;
      if (seen >= rank) return lowerBound(bucket);
    }
    return null;
  }
}

export interface OperatorNumbers {
  operator: string;
  replies: number;
  median: number | null;
  p90: number | null;
}

export class AnswerTimes {
  private all = new Histogram();
  private readonly byOperator = new Map<string, Histogram>();

  get overall(): Histogram {
    return this.all;
  }

  /** One answer by `operator`, `seconds` after its mention arrived. */
  add(operator: string, seconds: number): void {
    this.all.add(seconds);
    let histogram = this.byOperator.get(operator);
    if (!histogram) this.byOperator.set(operator, (histogram = new Histogram()));
    histogram.add(seconds);
  }

  clear(): void {
    this.byOperator.clear();
    this.all = new Histogram();
  }

  /** Per operator, most replies first. */
  operators(): OperatorNumbers[] {
    return [...this.byOperator.entries()]
      .map(([operator, histogram]) => ({
        operator,
        replies: histogram.count,
        median: histogram.quantile(0.5),
        p90: histogram.quantile(0.9),
      }))
      .sort((a, b) => b.replies - a.replies || a.operator.localeCompare(b.operator));
  }
}
