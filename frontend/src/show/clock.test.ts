import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../stream/protocol";
import {
  NOT_ON_AIR,
  applyShowEntry,
  onAirFromEvent,
  showClockReading,
  showOffset,
  showOffsetAt,
} from "./clock";

const entry = (type: string, data: Record<string, unknown>): JournalEntry => ({
  seq: 1,
  type,
  at: "2026-02-08T20:00:00Z",
  actor: "pat",
  data,
});

const AIR = Date.parse("2026-02-08T20:00:00Z");

describe("showOffset", () => {
  it("reads hours, minutes and seconds after air", () => {
    expect(showOffset(0)).toBe("T+00:00:00");
    expect(showOffset(42 * 60_000 + 17_000)).toBe("T+00:42:17");
    expect(showOffset(3 * 3600_000 + 999)).toBe("T+03:00:00");
  });

  it("never reads a second early", () => {
    expect(showOffset(999)).toBe("T+00:00:00");
    expect(showOffset(-999)).toBe("T-00:00:00");
  });

  it("counts down before air", () => {
    expect(showOffset(-5 * 60_000)).toBe("T-00:05:00");
  });

  it("goes past 99 hours rather than wrap", () => {
    expect(showOffset(100 * 3600_000)).toBe("T+100:00:00");
  });
});

describe("the clock's state", () => {
  it("is absent until the event goes on air, also when the server has no such field", () => {
    expect(showClockReading(onAirFromEvent({}), AIR)).toBeNull();
    expect(showClockReading(onAirFromEvent({ on_air_at: null }), AIR)).toBeNull();
  });

  it("runs from on_air_at", () => {
    const onAir = onAirFromEvent({ on_air_at: "2026-02-08T20:00:00Z" });
    expect(showClockReading(onAir, AIR + 61_000)).toBe("T+00:01:01");
  });

  it("stops at off air", () => {
    const onAir = applyShowEntry(
      onAirFromEvent({ on_air_at: "2026-02-08T20:00:00Z" }),
      entry("event.off_air", { off_air_at: "2026-02-08T21:30:00Z" }),
    );
    expect(showClockReading(onAir, AIR + 5 * 3600_000)).toBe("T+01:30:00");
  });

  it("follows event.on_air, a corrected time included", () => {
    let onAir = applyShowEntry(
      NOT_ON_AIR,
      entry("event.on_air", { on_air_at: "2026-02-08T20:00:00Z", previous_on_air_at: null }),
    );
    expect(showClockReading(onAir, AIR + 10_000)).toBe("T+00:00:10");
    onAir = applyShowEntry(
      onAir,
      entry("event.on_air", {
        on_air_at: "2026-02-08T19:59:00Z",
        previous_on_air_at: "2026-02-08T20:00:00Z",
      }),
    );
    expect(showClockReading(onAir, AIR + 10_000)).toBe("T+00:01:10");
  });

  it("runs again when the event goes on air after an earlier off air", () => {
    let onAir = onAirFromEvent({
      on_air_at: "2026-02-08T20:00:00Z",
      off_air_at: "2026-02-08T21:00:00Z",
    });
    onAir = applyShowEntry(onAir, entry("event.on_air", { on_air_at: "2026-02-08T23:00:00Z" }));
    expect(onAir.offAirAt).toBeNull();
    expect(showClockReading(onAir, Date.parse("2026-02-08T23:00:05Z"))).toBe("T+00:00:05");
  });

  it("ignores other entries and malformed times", () => {
    expect(applyShowEntry(NOT_ON_AIR, entry("mention.claimed", {}))).toBe(NOT_ON_AIR);
    expect(applyShowEntry(NOT_ON_AIR, entry("event.on_air", { on_air_at: "soon" }))).toBe(
      NOT_ON_AIR,
    );
  });

  it("places a journal time on the show clock", () => {
    const onAir = onAirFromEvent({ on_air_at: "2026-02-08T20:00:00Z" });
    expect(showOffsetAt(onAir, "2026-02-08T20:42:17.500Z")).toBe("T+00:42:17");
    expect(showOffsetAt(NOT_ON_AIR, "2026-02-08T20:42:17Z")).toBeNull();
  });
});
