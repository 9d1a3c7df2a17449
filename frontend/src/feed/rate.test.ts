import { describe, expect, it } from "vitest";
import { RateMeter } from "./rate";

const T0 = Date.parse("2026-02-08T20:00:00Z");

describe("RateMeter", () => {
  it("counts the mentions of the last 60 seconds", () => {
    const meter = new RateMeter();
    for (let i = 0; i < 30; i += 1) meter.record(T0 + i * 1_000, T0 + i * 1_000);

    expect(meter.perMinute(T0 + 29_500)).toBe(30);
    expect(meter.perMinute(T0 + 59_500)).toBe(30);
    expect(meter.perMinute(T0 + 75_500)).toBe(14);
    expect(meter.perMinute(T0 + 200_000)).toBe(0);
  });

  it("places a late delivery at the time it happened, not when it arrived", () => {
    const meter = new RateMeter();
    meter.record(T0, T0);

    // Five minutes of backlog delivered at once after a reconnect.
    for (let i = 1; i <= 300; i += 1) meter.record(T0 + i * 1_000, T0 + 301_000);

    expect(meter.perMinute(T0 + 301_000)).toBe(59);
  });

  it("uses the server's clock, however far off ours is", () => {
    const meter = new RateMeter();
    const skew = 3 * 60_000; // our clock runs three minutes ahead
    meter.syncClock(T0, T0 + skew);
    meter.record(T0 + 1_000, T0 + skew + 1_100);

    expect(meter.perMinute(T0 + skew + 2_000)).toBe(1);
  });

  it("gives the last minute second by second for the sparkline", () => {
    const meter = new RateMeter();
    meter.record(T0 + 58_000, T0 + 58_000);
    meter.record(T0 + 59_000, T0 + 59_000);
    meter.record(T0 + 59_400, T0 + 59_400);

    const series = meter.series(T0 + 59_500);

    expect(series).toHaveLength(60);
    expect(series.slice(-3)).toEqual([0, 1, 2]);
  });
});
