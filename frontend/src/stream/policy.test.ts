import { describe, expect, it } from "vitest";
import { backoffDelay, closeAction } from "./policy";

describe("backoffDelay", () => {
  it("doubles its window on each attempt, from half a second", () => {
    const low = () => 0;
    const high = () => 0.999_999;

    expect(backoffDelay(0, low)).toBe(250);
    expect(backoffDelay(0, high)).toBeCloseTo(500, 0);
    expect(backoffDelay(1, low)).toBe(500);
    expect(backoffDelay(3, low)).toBe(2_000);
    expect(backoffDelay(3, high)).toBeCloseTo(4_000, 0);
  });

  it("never waits longer than the cap, even after many attempts", () => {
    expect(backoffDelay(10, () => 0.999_999)).toBeLessThanOrEqual(30_000);
    expect(backoffDelay(10_000, () => 0)).toBe(15_000);
  });

  it("spreads consoles that retry together", () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(4)));

    expect(delays.size).toBeGreaterThan(15);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(4_000);
      expect(delay).toBeLessThan(8_000);
    }
  });
});

describe("closeAction", () => {
  it.each([1000, 1006, 1011, 4000, 4008])("reconnects straight away after %d", (code) => {
    expect(closeAction(code)).toMatchObject({ kind: "retry", floorMs: 0 });
  });

  it.each([1001, 1012])("gives a restarting server a moment after %d", (code) => {
    expect(closeAction(code)).toMatchObject({ kind: "retry", floorMs: 1_000 });
  });

  it("pauses after being closed for sending too much", () => {
    expect(closeAction(1008)).toMatchObject({ kind: "retry", floorMs: 5_000 });
  });

  it("stops for a bad request and for an event that does not exist", () => {
    expect(closeAction(4400)).toMatchObject({ kind: "stop" });
    expect(closeAction(4404)).toEqual({ kind: "stop", reason: "This event no longer exists." });
  });

  it("tries again at once when the login it used ended: the browser may hold a newer one", () => {
    expect(closeAction(4401)).toEqual({ kind: "retry", reason: "Your login ended.", floorMs: 0 });
  });
});
