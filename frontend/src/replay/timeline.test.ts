import { describe, expect, it } from "vitest";
import { Timeline, showClock } from "./timeline";

const ON_AIR = Date.parse("2026-02-08T20:00:00Z");
const minutes = {
  at: ["2026-02-08T20:00:00.000Z", "2026-02-08T20:01:00.000Z", "2026-02-08T20:03:00.000Z"],
  mentions: [10, 100, 10],
  entries: [11, 101, 11],
  first_seq: [1, 12, 113],
  last_seq: [11, 112, 123],
};

describe("the timeline", () => {
  const timeline = new Timeline(minutes, 123);

  it("finds the seq written at a time, within its minute", () => {
    expect(timeline.seqAt(ON_AIR - 1)).toBe(0);
    expect(timeline.seqAt(ON_AIR)).toBe(1);
    expect(timeline.seqAt(ON_AIR + 90_000)).toBe(62);
    // A minute with nothing in it: the last seq before it.
    expect(timeline.seqAt(ON_AIR + 150_000)).toBe(112);
    expect(timeline.seqAt(ON_AIR + 3_600_000)).toBe(123);
  });

  it("finds when a seq was written, back again", () => {
    expect(timeline.timeAt(12)).toBe(ON_AIR + 60_000);
    expect(timeline.seqAt(timeline.timeAt(62))).toBe(62);
    expect(timeline.timeAt(113)).toBe(ON_AIR + 180_000);
  });

  it("spans the evening's minutes", () => {
    expect(timeline.startMs).toBe(ON_AIR);
    expect(timeline.endMs).toBe(ON_AIR + 240_000);
  });
});

describe("the show clock", () => {
  it("counts from on air, and before it", () => {
    expect(showClock(ON_AIR + 3_723_000, ON_AIR)).toBe("T+01:02:03");
    expect(showClock(ON_AIR - 300_000, ON_AIR)).toBe("T−00:05:00");
    expect(showClock(ON_AIR + 3_723_000, ON_AIR, false)).toBe("T+01:02");
  });

  it("reads the UTC time for an event that never went on air", () => {
    expect(showClock(ON_AIR + 5_000, null)).toBe("20:00:05 UTC");
  });
});
