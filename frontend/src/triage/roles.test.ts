import { describe, expect, it } from "vitest";
import { powersOf, refusalFor } from "./roles";

describe("powersOf", () => {
  it("lets viewers watch, operators write, producers and admins take over", () => {
    expect(powersOf("viewer")).toEqual({ write: false, takeOver: false });
    expect(powersOf("operator")).toEqual({ write: true, takeOver: false });
    expect(powersOf("producer")).toEqual({ write: true, takeOver: true });
    expect(powersOf("admin")).toEqual({ write: true, takeOver: true });
    expect(powersOf(undefined)).toEqual({ write: true, takeOver: false });
  });
});

describe("refusalFor", () => {
  it("tells an operator that only producers take over, and lets them do the rest", () => {
    const operator = powersOf("operator");
    expect(refusalFor("take-over", operator)).toBe(
      "Only a producer or an admin can take over a claim.",
    );
    for (const command of ["claim", "reply", "flag", "tag", "note", "next"] as const) {
      expect(refusalFor(command, operator)).toBeNull();
    }
    expect(refusalFor("take-over", powersOf("producer"))).toBeNull();
  });

  it("tells a viewer what is for operators, and leaves the feed's keys alone", () => {
    const viewer = powersOf("viewer");
    expect(refusalFor("claim", viewer)).toMatch(/^Viewers follow the feed; claiming/u);
    expect(refusalFor("take-over", viewer)).toMatch(/^Viewers follow the feed; claiming/u);
    expect(refusalFor("tag", viewer)).toBe(
      "Viewers follow the feed; flags, tags and notes are for operators.",
    );
    expect(refusalFor("next", viewer)).toBeNull();
    expect(refusalFor("deselect", viewer)).toBeNull();
  });
});
