import { describe, expect, it } from "vitest";
import { compactNumber, exactNumber, hueOf } from "./format";

describe("compactNumber", () => {
  it.each([
    [0, "0"],
    [950, "950"],
    [1_000, "1K"],
    [1_200, "1.2K"],
    [12_345, "12.3K"],
    [999_999, "1M"],
    [3_400_000, "3.4M"],
    [2_000_000_000, "2B"],
    [Number.NaN, "0"],
  ])("%d → %s", (value, shown) => {
    expect(compactNumber(value)).toBe(shown);
  });

  it("has an exact twin for tooltips", () => {
    expect(exactNumber(12_345)).toBe("12,345");
  });
});

describe("hueOf", () => {
  it("gives one name the same hue every time, within the colour wheel", () => {
    expect(hueOf("olive")).toBe(hueOf("olive"));
    expect(hueOf("olive")).not.toBe(hueOf("pat"));
    for (const name of ["", "a", "zoé", "名前", "x".repeat(500)]) {
      expect(hueOf(name)).toBeGreaterThanOrEqual(0);
      expect(hueOf(name)).toBeLessThan(360);
    }
  });
});
