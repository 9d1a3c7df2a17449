// The live numbers' state, without DOM: a snapshot from GET /api/events/{id}/numbers, then
// every journal entry after it, each applied in O(1) (docs/numbers.md). The replay runs the
// same reducer over the journal it reads back.

import type { JournalEntry } from "../stream/protocol";
import { AnswerTimes, type OperatorNumbers } from "./answers";
import { Backlog, type BacklogSnapshot } from "./backlog";
import { DEFAULT_SPIKE_RULE, SpikeAlarm, type SpikeReading, type SpikeRule, readSpike } from "./spike";
import { MinuteSeries, SecondRing } from "./volume";

/** GET /api/events/{id}/numbers (app/numbers/schemas.py). */
export interface NumbersSnapshot {
  as_of_seq: number;
  on_air_at: string | null;
  off_air_at: string | null;
  /** Mentions received each minute, oldest first; `minute` is the minute's start. */
  volume: { minute: string; mentions: number }[];
  backlog: BacklogSnapshot;
  /** Each operator's answers: seconds from the mention's arrival to the reply. */
  answers: { operator: string; seconds: number[] }[];
}

export const EMPTY_SNAPSHOT: NumbersSnapshot = {
  as_of_seq: 0,
  on_air_at: null,
  off_air_at: null,
  volume: [],
  backlog: { waiting: 0, claimed_ids: [], oldest: [], more: false },
  answers: [],
};

export interface NumbersReading {
  spike: SpikeReading;
  /** This reading starts a spike alert (sound it once). */
  newSpike: boolean;
  /** A spike alert is on (shown until the rate has been calm a while). */
  alerting: boolean;
  waiting: number;
  unclaimed: number;
  /** How long the oldest waiting mention has waited (seconds), or null. */
  oldestWaitSeconds: number | null;
  answers: { replies: number; median: number | null; p90: number | null };
  operators: OperatorNumbers[];
}

const isNumber = (value: unknown): value is number => typeof value === "number";
const timeOf = (value: unknown): number => (typeof value === "string" ? Date.parse(value) : NaN);

export class NumbersCore {
  readonly volume = new MinuteSeries();
  private readonly recent = new SecondRing();
  private readonly backlog = new Backlog();
  private readonly answers = new AnswerTimes();
  private readonly alarm = new SpikeAlarm();
  /** The last seq applied: anything at or below it is already counted. */
  private seq = 0;
  onAirAt: number | null = null;
  offAirAt: number | null = null;

  constructor(private readonly rule: SpikeRule = DEFAULT_SPIKE_RULE) {}

  get lastSeq(): number {
    return this.seq;
  }

  get needsSnapshot(): boolean {
    return this.backlog.needsSnapshot;
  }

  load(snapshot: NumbersSnapshot, nowMs: number): void {
    this.seq = snapshot.as_of_seq;
    this.onAirAt = snapshot.on_air_at ? Date.parse(snapshot.on_air_at) : null;
    this.offAirAt = snapshot.off_air_at ? Date.parse(snapshot.off_air_at) : null;
    this.volume.clear();
    this.recent.clear();
    for (const { minute, mentions } of snapshot.volume) {
      const start = Date.parse(minute);
      this.volume.add(start, mentions);
      this.seedRecent(start, mentions, nowMs);
    }
    this.backlog.load(snapshot.backlog);
    this.answers.clear();
    for (const { operator, seconds } of snapshot.answers) {
      for (const value of seconds) this.answers.add(operator, value);
    }
  }

  /** Applies the entries after the last seq applied, in order; answers how many. */
  apply(entries: readonly JournalEntry[]): number {
    let applied = 0;
    for (const entry of entries) {
      if (entry.seq <= this.seq) continue;
      this.seq = entry.seq;
      this.applyOne(entry);
      applied += 1;
    }
    return applied;
  }

  read(nowMs: number): NumbersReading {
    const spike = readSpike(this.recent.windows(nowMs, this.rule.baselineMinutes + 1), this.rule);
    const newSpike = this.alarm.update(spike, nowMs);
    const oldest = this.backlog.oldestAt;
    const overall = this.answers.overall;
    return {
      spike,
      newSpike,
      alerting: this.alarm.active,
      waiting: this.backlog.waiting,
      unclaimed: this.backlog.unclaimedCount,
      oldestWaitSeconds: oldest === null ? null : Math.max(0, Math.floor((nowMs - oldest) / 1000)),
      answers: { replies: overall.count, median: overall.quantile(0.5), p90: overall.quantile(0.9) },
      operators: this.answers.operators(),
    };
  }

  private applyOne(entry: JournalEntry): void {
    const data = entry.data;
    const id = isNumber(data.mention_id) ? data.mention_id : null;
    switch (entry.type) {
      case "mention.received": {
        if (!isNumber(data.id)) return;
        const at = timeOf(data.received_at ?? entry.at);
        this.volume.add(at);
        this.recent.add(at);
        this.backlog.received(data.id, at, isNumber(data.cluster_id) ? data.cluster_id : null);
        return;
      }
      case "mention.claimed":
        if (id !== null) this.backlog.claimedBy(id);
        return;
      case "mention.released":
      case "mention.claim_expired":
        if (id !== null) this.backlog.unclaimed(id);
        return;
      case "mention.dismissed":
        if (id !== null) this.backlog.closed(id);
        return;
      case "mention.replied":
        if (id !== null) this.replied(id, entry);
        return;
      case "event.on_air":
        this.onAirAt = timeOf(data.on_air_at);
        if (Number.isNaN(this.onAirAt)) this.onAirAt = null;
        return;
      case "event.off_air":
        this.offAirAt = timeOf(data.off_air_at);
        if (Number.isNaN(this.offAirAt)) this.offAirAt = null;
        return;
    }
  }

  private replied(id: number, entry: JournalEntry): void {
    this.backlog.closed(id);
    const data = entry.data;
    const holder = data.holder as { username?: unknown } | undefined;
    const operator = typeof holder?.username === "string" ? holder.username : entry.actor;
    const reply = data.reply as { created_at?: unknown } | undefined;
    const answeredAt = timeOf(reply?.created_at ?? entry.at);
    const receivedAt = timeOf(data.received_at);
    if (operator && Number.isFinite(answeredAt) && Number.isFinite(receivedAt)) {
      this.answers.add(operator, Math.max(0, (answeredAt - receivedAt) / 1000));
    }
  }

  /** A snapshot's minute, spread over its seconds, for the rolling windows of the rule. */
  private seedRecent(start: number, mentions: number, nowMs: number): void {
    if (start < nowMs - 11 * 60_000 || mentions <= 0) return;
    const seconds = Math.max(1, Math.min(60, Math.ceil((nowMs - start) / 1000)));
    const each = mentions / seconds;
    for (let s = 0; s < seconds; s += 1) this.recent.add(start + s * 1000, each);
  }
}
