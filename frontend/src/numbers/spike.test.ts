import { describe, expect, it } from "vitest";
import { SpikeAlarm, median, readSpike } from "./spike";
import { SecondRing } from "./volume";

const T0 = Date.parse("2026-02-08T20:00:00Z");

/** A rate (mentions a minute) for each minute, spread evenly over its seconds. */
function feed(ring: SecondRing, perMinute: number[]): number {
  perMinute.forEach((count, minute) => {
    for (let i = 0; i < count; i += 1) ring.add(T0 + minute * 60_000 + Math.floor((i * 60_000) / count));
  });
  return T0 + perMinute.length * 60_000 - 1;
}

describe("the spike rule", () => {
  it("fires on a burst well above the last ten minutes", () => {
    const ring = new SecondRing();
    const now = feed(ring, [...new Array<number>(10).fill(40), 400]);
    const reading = readSpike(ring.windows(now, 11));
    expect(reading).toMatchObject({ spiking: true, lastMinute: 400, baseline: 40 });
    expect(reading.ratio).toBe(10);
  });

  it("does not fire on a steady high rate", () => {
    const ring = new SecondRing();
    const now = feed(ring, new Array<number>(20).fill(3_000));
    expect(readSpike(ring.windows(now, 11)).spiking).toBe(false);
  });

  it("does not fire on a quiet night tripling (under the floor)", () => {
    expect(readSpike([2, 2, 3, 2, 2, 1, 2, 2, 3, 2, 9]).spiking).toBe(false);
  });

  it("fires at exactly three times the median, from the floor up", () => {
    expect(readSpike([20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 60]).spiking).toBe(true);
    expect(readSpike([20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 59]).spiking).toBe(false);
  });

  it("takes the median, so one earlier spike does not hide the next", () => {
    expect(readSpike([30, 30, 30, 30, 30, 30, 30, 30, 30, 900, 200]).spiking).toBe(true);
    expect(median([1, 3, 2, 4])).toBe(2.5);
  });

  it("alerts once per burst, again only after a calm minute", () => {
    const alarm = new SpikeAlarm(60_000);
    const spike = { spiking: true, lastMinute: 300, baseline: 10, ratio: 30 };
    const calm = { spiking: false, lastMinute: 10, baseline: 10, ratio: 1 };
    expect(alarm.update(spike, 0)).toBe(true);
    expect(alarm.update(spike, 1_000)).toBe(false);
    expect(alarm.update(calm, 2_000)).toBe(false);
    expect(alarm.update(spike, 30_000)).toBe(false); // still the same burst
    expect(alarm.update(calm, 40_000)).toBe(false);
    expect(alarm.active).toBe(true);
    expect(alarm.update(calm, 100_000)).toBe(false);
    expect(alarm.active).toBe(false);
    expect(alarm.update(spike, 101_000)).toBe(true);
  });
});
