import { describe, expect, it } from "vitest";
import { OLIVE, QUINN, makeMention } from "../testing/make";
import { ApiError } from "../lib/api";
import { claimEndedMessage, claimRefused, handleOf, holderOf } from "./words";

describe("claimEndedMessage", () => {
  it("says why, naming the mention's author and who ended it", () => {
    const mention = makeMention(1, { author: { handle: "ana" } });

    expect(claimEndedMessage(mention, 1001, "expired", null)).toBe(
      "Your claim on @ana's mention ran out.",
    );
    expect(claimEndedMessage(mention, 1001, "taken-over", QUINN)).toBe(
      "Quinn took over @ana's mention.",
    );
    expect(claimEndedMessage(null, 1001, "replied", { username: "pat", display_name: "" })).toBe(
      "pat answered mention 1001.",
    );
    expect(claimEndedMessage(null, 7, "dismissed", null)).toBe("someone dismissed mention 7.");
  });

  it("writes a handle with one @", () => {
    expect(handleOf(makeMention(1, { author: { handle: "@zoe@masto.example" } }))).toBe(
      "@zoe@masto.example",
    );
    expect(handleOf(makeMention(1, { author: { handle: "zoe.bsky.social" } }))).toBe(
      "@zoe.bsky.social",
    );
  });
});

describe("claimRefused", () => {
  const detail = "Mention 42 is held by Olive until 21:04:05 UTC.";
  const held = new ApiError(409, detail, { detail, holder: OLIVE, lease_until: "…" });

  it("tells a producer how to take over a mention someone else holds", () => {
    expect(holderOf(held)).toEqual(OLIVE);
    expect(claimRefused(held, true)).toBe(
      "Mention 42 is held by Olive until 21:04:05 UTC — press shift+C to take it over.",
    );
  });

  it("gives operators, and refusals naming no holder, the server's words alone", () => {
    expect(claimRefused(held, false)).toBe(detail);
    const answered = new ApiError(409, "Mention 42 was already replied to.", { state: "replied" });
    expect(holderOf(answered)).toBeNull();
    expect(claimRefused(answered, true)).toBe("Mention 42 was already replied to.");
    const offline = new ApiError(0, "Cannot reach the server.");
    expect(claimRefused(offline, true)).toBe("Cannot reach the server.");
    expect(holderOf(new ApiError(403, "No.", { holder: OLIVE }))).toBeNull();
  });
});
