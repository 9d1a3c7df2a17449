import { afterEach, describe, expect, it } from "vitest";
import {
  changedFields,
  formatVips,
  fromLocalInput,
  offsetOf,
  parseLines,
  parseList,
  parseVips,
  toLocalInput,
} from "./fields";

const zone = process.env.TZ;
afterEach(() => {
  process.env.TZ = zone;
});

describe("times typed in the browser's zone", () => {
  it("are sent with the zone's offset at that moment, summer time included", () => {
    process.env.TZ = "Europe/Paris";
    expect(fromLocalInput("2026-02-08T20:00")).toBe("2026-02-08T20:00:00+01:00");
    expect(fromLocalInput("2026-07-08T20:00")).toBe("2026-07-08T20:00:00+02:00");
    process.env.TZ = "America/New_York";
    expect(fromLocalInput("2026-02-08T20:00")).toBe("2026-02-08T20:00:00-05:00");
  });

  it("are shown in the browser's zone", () => {
    process.env.TZ = "Europe/Paris";
    expect(toLocalInput("2026-02-08T19:00:00Z")).toBe("2026-02-08T20:00");
    expect(toLocalInput(null)).toBe("");
  });

  it("go back and forth to the same instant", () => {
    process.env.TZ = "Asia/Kolkata";
    const sent = fromLocalInput(toLocalInput("2026-02-08T19:30:00Z"));
    expect(sent).toBe("2026-02-09T01:00:00+05:30");
    expect(Date.parse(sent ?? "")).toBe(Date.parse("2026-02-08T19:30:00Z"));
  });

  it("an empty field clears the time; a malformed one is an error, not a guess", () => {
    expect(fromLocalInput("")).toBeNull();
    expect(() => fromLocalInput("tomorrow")).toThrow();
  });

  it("names a zone west of UTC with a minus", () => {
    process.env.TZ = "America/Los_Angeles";
    expect(offsetOf(new Date(2026, 0, 1))).toBe("-08:00");
  });
});

describe("lists typed as text", () => {
  it("splits hashtags on commas, spaces and lines, without # and doubles", () => {
    expect(parseList("#CupFinal, final\n#cupfinal  silva", { stripHash: true })).toEqual([
      "CupFinal",
      "final",
      "silva",
    ]);
  });

  it("keeps keywords with spaces whole, one per line or comma", () => {
    expect(parseLines("penalty kick\n red card , ,var")).toEqual([
      "penalty kick",
      "red card",
      "var",
    ]);
  });
});

describe("what changed", () => {
  it("sends only the fields that differ", () => {
    const original = { name: "Final", hashtags: ["a"], starts_at: "2026-02-08T19:00:00.000Z" };
    expect(
      changedFields(original, {
        name: "Final",
        hashtags: ["a", "b"],
        starts_at: "2026-02-08T20:00:00+01:00",
      }),
    ).toEqual({ hashtags: ["a", "b"] });
  });

  it("sends a cleared time as null", () => {
    const wanted: { ends_at: string | null } = { ends_at: null };
    expect(changedFields({ ends_at: "2026-02-08T19:00:00Z" }, wanted)).toEqual({
      ends_at: null,
    });
  });
});

describe("VIPs typed one per line", () => {
  it("reads a network prefix, or every network without one", () => {
    expect(parseVips("x:@ana\n@bob\nMastodon: cy@mastodon.social")).toEqual([
      { handle: "@ana", network: "x" },
      { handle: "@bob", network: null },
      { handle: "cy@mastodon.social", network: "mastodon" },
    ]);
  });

  it("writes them back the same way", () => {
    expect(formatVips([{ handle: "ana", network: "x" }, { handle: "bob", network: null }])).toBe(
      "x:@ana\n@bob",
    );
  });
});
