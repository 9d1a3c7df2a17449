import { describe, expect, it } from "vitest";
// The very cases tests/replies/test_length.py runs against the server's copy of these rules.
import sharedCases from "../../../tests/data/length_cases.json";
import { checkLength, type Network } from "./length";

interface LengthCase {
  network: Network;
  text: string;
  length: number;
  valid: boolean;
  description: string;
  _source: string;
  mastodon_limit?: number;
  mastodon_url_length?: number;
}

const cases = sharedCases as LengthCase[];
const FAMILY = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}";

describe("checkLength on the shared cases", () => {
  it("has the cases it is meant to run", () => {
    const conformance = cases.filter((c) => c._source.startsWith("twitter/twitter-text"));
    expect(conformance.length).toBeGreaterThanOrEqual(20);
    for (const network of ["x", "mastodon", "bluesky"] as const) {
      expect(cases.some((c) => c.network === network)).toBe(true);
    }
  });

  it.each(cases.map((c) => [`${c.network}: ${c.description}`, c] as const))("%s", (_name, c) => {
    const check = checkLength(c.network, c.text, c.mastodon_limit, c.mastodon_url_length);

    expect({ length: check.length, valid: check.valid }).toEqual({ length: c.length, valid: c.valid });
    expect(check.network).toBe(c.network);
    expect(check.remaining).toBe(check.limit - check.length);
    expect(check.reason === null).toBe(c.valid);
  });
});

describe("checkLength limits and reasons", () => {
  it("says how far over X's limit a reply is", () => {
    const check = checkLength("x", "a".repeat(318));

    expect(check).toEqual({
      network: "x",
      length: 318,
      limit: 280,
      remaining: -38,
      valid: false,
      reason: "38 characters over X's limit of 280 (URLs count 23 each)",
    });
  });

  it("says 1 character, not 1 characters", () => {
    expect(checkLength("x", "a".repeat(281)).reason).toBe(
      "1 character over X's limit of 280 (URLs count 23 each)",
    );
    expect(checkLength("bluesky", "a".repeat(301)).reason).toBe(
      "1 character over Bluesky's limit of 300",
    );
  });

  it("gives Mastodon's limit as the server set it", () => {
    const check = checkLength("mastodon", "a".repeat(6_000), 5_000);

    expect(check.limit).toBe(5_000);
    expect(check.remaining).toBe(-1_000);
    expect(check.reason).toBe("1,000 characters over Mastodon's limit of 5,000 (URLs count 23 each)");
    expect(checkLength("mastodon", "a".repeat(501)).limit).toBe(500);
  });

  it("says when a Bluesky reply is over by bytes alone", () => {
    const check = checkLength("bluesky", FAMILY.repeat(121));

    expect(check.length).toBe(121);
    expect(check.remaining).toBe(179);
    expect(check.reason).toBe("Over Bluesky's 3,000-byte limit by 25 bytes");
    expect(checkLength("bluesky", `${FAMILY.repeat(120)}a`).reason).toBe(
      "Over Bluesky's 3,000-byte limit by 1 byte",
    );
  });

  it("names both Bluesky limits when both are passed", () => {
    expect(checkLength("bluesky", "の".repeat(1_001)).reason).toBe(
      "701 characters over Bluesky's limit of 300, and 3 bytes over its 3,000-byte limit",
    );
  });

  it("calls a blank reply empty on every network", () => {
    for (const network of ["x", "mastodon", "bluesky"] as const) {
      for (const text of ["", "   ", "\n\t", "\u3000\u00A0"]) {
        const check = checkLength(network, text);
        expect(check.valid).toBe(false);
        expect(check.reason).toBe("Empty reply");
      }
    }
  });

  it("does not call a zero-width space blank: it is not white space", () => {
    expect(checkLength("bluesky", "\u200B").reason).toBeNull();
  });

  it("names the character X refuses", () => {
    expect(checkLength("x", "hello\uFEFF").reason).toBe("X does not accept the character U+FEFF");
  });

  it("refuses a Mastodon limit below 1 and an unknown network", () => {
    expect(() => checkLength("mastodon", "hi", 0)).toThrow(RangeError);
    expect(() => checkLength("threads" as Network, "hi")).toThrow(/unknown network/);
  });
});
