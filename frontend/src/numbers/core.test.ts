import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../stream/protocol";
import { Histogram } from "./answers";
import { Backlog } from "./backlog";
import { EMPTY_SNAPSHOT, NumbersCore } from "./core";
import { MinuteSeries } from "./volume";

const T0 = Date.parse("2026-02-08T20:00:00Z");
const iso = (ms: number): string => new Date(ms).toISOString();
let seq = 0;
const entry = (type: string, data: Record<string, unknown>, atMs = T0): JournalEntry => ({
  seq: (seq += 1),
  type,
  at: iso(atMs),
  actor: null,
  data,
});
const received = (id: number, atMs: number) => entry("mention.received", { id, received_at: iso(atMs) }, atMs);
const holder = (username: string) => ({ username, display_name: username });
const claimed = (id: number, who: string) => entry("mention.claimed", { mention_id: id, holder: holder(who), fence: 1 });
const replied = (id: number, who: string, receivedMs: number, answeredMs: number) =>
  entry("mention.replied", {
    mention_id: id,
    holder: holder(who),
    received_at: iso(receivedMs),
    reply: { id, mention_id: id, status: "queued", created_at: iso(answeredMs) },
  });

describe("the live numbers, entry by entry", () => {
  it("counts the backlog: waiting, unclaimed and the oldest's age", () => {
    const core = new NumbersCore();
    core.load(EMPTY_SNAPSHOT, T0);
    core.apply([received(1, T0), received(2, T0 + 10_000), received(3, T0 + 20_000)]);
    core.apply([claimed(1, "olive"), claimed(2, "oscar")]);
    let reading = core.read(T0 + 60_000);
    expect(reading).toMatchObject({ waiting: 3, unclaimed: 1, oldestWaitSeconds: 60 });

    core.apply([entry("mention.released", { mention_id: 2, holder: holder("oscar"), fence: 1 })]);
    core.apply([replied(1, "olive", T0, T0 + 30_000)]);
    reading = core.read(T0 + 60_000);
    expect(reading).toMatchObject({ waiting: 2, unclaimed: 2, oldestWaitSeconds: 50 });

    core.apply([entry("mention.dismissed", { mention_id: 2, reason: null, ended_claim: null })]);
    core.apply([entry("mention.claim_expired", { mention_id: 3, holder: holder("x"), fence: 1 })]);
    expect(core.read(T0 + 60_000)).toMatchObject({ waiting: 1, unclaimed: 1, oldestWaitSeconds: 40 });
  });

  it("counts a flood's copies with their head: once, in volume every one", () => {
    const core = new NumbersCore();
    core.load(EMPTY_SNAPSHOT, T0);
    const copy = (id: number, atMs: number) =>
      entry("mention.received", { id, received_at: iso(atMs), cluster_id: 1 }, atMs);
    core.apply([received(1, T0), copy(2, T0 + 1_000), copy(3, T0 + 2_000), received(4, T0 + 3_000)]);
    const reading = core.read(T0 + 10_000);
    expect(reading).toMatchObject({ waiting: 2, unclaimed: 2 });
    expect(reading.spike.lastMinute).toBe(4);

    core.apply([claimed(1, "olive"), replied(1, "olive", T0, T0 + 5_000)]);
    // Answering the post answered the flood: nothing of it waits, the oldest is the next one.
    expect(core.read(T0 + 10_000)).toMatchObject({ waiting: 1, unclaimed: 1, oldestWaitSeconds: 7 });
    core.apply([entry("mention.dismissed", { mention_id: 3, reason: null, ended_claim: null })]);
    expect(core.read(T0 + 10_000)).toMatchObject({ waiting: 1 });
  });

  it("takes time to first answer per operator, median and p90", () => {
    const core = new NumbersCore();
    core.load(EMPTY_SNAPSHOT, T0);
    const waits = { olive: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], oscar: [5] };
    let id = 100;
    for (const [who, seconds] of Object.entries(waits)) {
      for (const wait of seconds) {
        id += 1;
        core.apply([received(id, T0), claimed(id, who), replied(id, who, T0, T0 + wait * 1000)]);
      }
    }
    const reading = core.read(T0 + 200_000);
    expect(reading.answers).toEqual({ replies: 11, median: 50, p90: 90 });
    expect(reading.operators).toEqual([
      { operator: "olive", replies: 10, median: 50, p90: 90 },
      { operator: "oscar", replies: 1, median: 5, p90: 5 },
    ]);
  });

  it("ignores what the snapshot already counted and applies each seq once", () => {
    const core = new NumbersCore();
    core.load(
      {
        ...EMPTY_SNAPSHOT,
        as_of_seq: 10,
        volume: [{ minute: iso(T0), mentions: 7 }],
        backlog: { waiting: 7, claimed_ids: [4], oldest: [[1, iso(T0)]], more: true },
        answers: [{ operator: "olive", seconds: [12] }],
      },
      T0 + 30_000,
    );
    const old: JournalEntry = { seq: 9, type: "mention.received", at: iso(T0), actor: null, data: { id: 9 } };
    const next: JournalEntry = { ...old, seq: 11, data: { id: 11, received_at: iso(T0 + 1_000) } };
    expect(core.apply([old, next, next])).toBe(1);
    const reading = core.read(T0 + 30_000);
    expect(reading).toMatchObject({ waiting: 8, unclaimed: 7 });
    expect(reading.answers.replies).toBe(1);
    expect(core.volume.get(T0)).toBe(8);
  });

  it("follows the show clock from event.on_air", () => {
    const core = new NumbersCore();
    core.load(EMPTY_SNAPSHOT, T0);
    core.apply([entry("event.on_air", { on_air_at: iso(T0 + 5 * 60_000), previous_on_air_at: null })]);
    expect(core.onAirAt).toBe(T0 + 5 * 60_000);
  });

  it("stays cheap at a thousand mentions a second", () => {
    const core = new NumbersCore();
    core.load(EMPTY_SNAPSHOT, T0);
    const batch: JournalEntry[] = [];
    for (let i = 0; i < 200_000; i += 1) batch.push(received(i + 1, T0 + i));
    const started = performance.now();
    core.apply(batch);
    const reading = core.read(T0 + 200_000);
    expect(reading.waiting).toBe(200_000);
    // 200 seconds of a 1,000/s storm; a generous bound on a shared machine.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("the reducers' bounds", () => {
  it("keeps a bounded number of minutes", () => {
    const series = new MinuteSeries(3);
    for (let minute = 0; minute < 10; minute += 1) series.add(T0 + minute * 60_000);
    expect(series.range(T0, T0 + 9 * 60_000).counts).toEqual([1, 1, 1]);
    expect(series.get(T0)).toBe(0);
  });

  it("tracks the oldest of at most its capacity, and says when it lost track", () => {
    const backlog = new Backlog(2);
    backlog.load({ waiting: 0, claimed_ids: [], oldest: [], more: false });
    backlog.received(1, T0);
    backlog.received(2, T0 + 1);
    backlog.received(3, T0 + 2);
    expect(backlog.waiting).toBe(3);
    backlog.closed(1);
    expect(backlog.oldestAt).toBe(T0 + 1);
    backlog.closed(2);
    expect(backlog.oldestAt).toBeNull();
    expect(backlog.needsSnapshot).toBe(true);
  });

  it("has quantiles exact to the second under ten minutes, bounded beyond", () => {
    const histogram = new Histogram();
    for (const seconds of [1.4, 2.2, 3.9, 700, 5_000, 100_000]) histogram.add(seconds);
    expect(histogram.quantile(0.5)).toBe(3);
    expect(histogram.quantile(0.66)).toBe(700);
    expect(histogram.quantile(1)).toBe(24 * 3600); // "a day or more"
    expect(new Histogram().quantile(0.5)).toBeNull();
  });
});
